// Headless Debian Chromium driven by playwright-core (no browser download), plus the static
// server for the built site. One browser per test file.
import { chromium } from "playwright-core";
import { serve } from "./server.js";
import { SITE, requireSite } from "./site.js";
import { fakeApi } from "./fakeapi.js";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// The flags that keep Chromium quiet on a machine without internet access. Playwright starts
// every browser with a fresh, empty --user-data-dir of its own in the temp folder (and removes
// it on close); passing one in `args` is refused, so it is not listed here.
export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts the server and the browser; `close()` stops both. The site's API (`/api/`) is a
 * fresh fake with seed data unless `api` says otherwise (see lib/server.js).
 */
export async function start({ api, routes } = {}) {
  requireSite();
  const fake = api ? null : fakeApi();
  const server = await serve(SITE, { api: api || fake.handle, routes });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    base: server.url,
    fake,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A new page in a fresh context. Records uncaught errors, console errors and failed requests
 * on `page.problems`, so tests can require a page to load cleanly.
 */
export async function newPage(browser, options = {}) {
  // Reduced motion turns off smooth scrolling, so a focused element is on screen at once.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "de-DE",
    reducedMotion: "reduce",
    ...options,
  });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`uncaught: ${e.message}`));
  // "Failed to load resource" repeats a response that the "response" handler judges below
  // (where the main document may be a 404 on purpose).
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) page.problems.push(`console: ${m.text()}`);
  });
  // A request the page itself abandoned (it navigated away, e.g. right after logging in) is
  // not a fault; every other failure is.
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    // Documents may be the 404 page on purpose; everything a page loads must exist.
    if (r.status() >= 400 && r.request().resourceType() !== "document") {
      page.problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
  return page;
}
