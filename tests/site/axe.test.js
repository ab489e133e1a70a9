// axe-core (WCAG 2.0/2.1 A and AA rules) in headless Chromium on one page of every page
// type, at desktop width (1280 px) and at 320 CSS px, the width WCAG 1.4.10 (reflow) asks for.
// Every page must also load without script errors or missing resources, and must not
// scroll sideways at 320 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, newPage } from "./lib/browser.js";
import { signIn, settled } from "./lib/collab.js";
import { axe, assertClean } from "./lib/axe.js";

// [name, path, what must be on the page before it is checked, context options]
const PAGES = [
  // With JavaScript the root page forwards to a language; without, it is a language choice.
  // axe itself needs timers, which a context without JavaScript does not run, so the page is
  // checked as served minus its <script> elements (scripts.test.js checks the forwarding).
  ["root without JavaScript", "/", "main a[hreflang]", { stripScripts: true }],
  ["home de", "/de/", ".cards"],
  ["home en", "/en/", ".cards"],
  ["catalogue page 1", "/de/software/", ".pager"],
  ["catalogue page 2", "/de/software/page/2/", ".pager"],
  ["catalogue by release", "/de/software/released/", ".cards"],
  ["entry with dependencies and related entries", "/de/software/opendesk/", ".related"],
  ["entry in English", "/en/software/decidim/", "#deps-h"],
  ["facet index", "/de/category/", ".facet-values"],
  ["facet value", "/de/category/collaboration/", ".cards"],
  ["audience value in English", "/en/audience/local-authorities/", ".cards"],
  ["content page", "/de/about/", "main h1"],
  ["compare with two entries", "/de/compare/?s=nextcloud,opentalk", ".compare-table tbody tr"],
  ["compare in English", "/en/compare/?s=nextcloud,opentalk,decidim", ".compare-table tbody tr"],
  ["search with results", "/de/search/?q=beteiligung", "#search-results li"],
  ["search in English", "/en/search/?q=video", "#search-results li"],
  // The header's search box with its live results open (search-box.js).
  ["header search box with live results", "/de/software/", "#q-results [role=option]", { typeInto: ["#q", "Beteiligung"] }],
  ["home search box with live results in English", "/en/", "#home-q-results [role=option]", { typeInto: ["#home-q", "video"] }],
  ["404 page", "/404.html", "main h1"],
  // Tickets and forum, filled from the fake API (lib/fakeapi.js); `login` starts logged in.
  ["entry, logged in: tickets and discussion with forms", "/de/software/opendesk/", "[data-collab=entry-tickets][data-state=list] form", { login: "member" }],
  ["entry with the API unreachable", "/en/software/opendesk/", "[data-collab=entry-tickets][data-state=unreachable]", { apiDown: true }],
  ["forum categories", "/de/forum/", "[data-collab=forum][data-state=categories]"],
  ["forum category, logged in", "/en/forum/?category=allgemein", "[data-collab=forum][data-state=topics]", { login: "member" }],
  ["topic with a reply, logged in", "/de/forum/topic/?id=1", "[data-collab=topic][data-state=topic]", { login: "member" }],
  ["topic in English, logged out", "/en/forum/topic/?id=1", "[data-collab=topic][data-state=topic]"],
  ["ticket, logged in", "/de/tickets/?project=opendesk&number=1", "[data-collab=ticket][data-state=ticket]", { login: "member" }],
  ["ticket in English, logged out", "/en/tickets/?project=opendesk&number=2", "[data-collab=ticket][data-state=ticket]"],
  ["review queue (moderator)", "/de/forum/moderation/", "[data-collab=moderation][data-state=queue]", { login: "moderator" }],
  ["login page", "/de/login/", "[data-collab=login][data-state=login]"],
  ["login page, logged in", "/en/login/", "[data-collab=login][data-state=logged-in]", { login: "member" }],
  ["missing page", "/de/no-such-page/", "main h1"],
];

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function open(path, ready, { stripScripts, login, apiDown, typeInto, ...options }, viewport) {
  const page = await newPage(env.browser, { ...options, ...(viewport ? { viewport } : {}) });
  if (login) await signIn(page, env.fake, `axe-${login}`, login);
  if (apiDown) {
    await page.route("**/api/**", (route) => route.abort("connectionrefused"));
    page.expected = (p) => /request failed: .*\/api\//.test(p);
  }
  if (stripScripts) {
    const html = (await (await fetch(env.base + path)).text()).replace(/<script\b[\s\S]*?<\/script>/gi, "");
    await page.route(env.base + path, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  }
  await page.goto(env.base + path, { waitUntil: "load" });
  if (typeInto) await page.locator(typeInto[0]).pressSequentially(typeInto[1]);
  await page.waitForSelector(ready, { state: "attached", timeout: 20_000 });
  await settled(page);
  return page;
}

for (const [name, path, ready, options = {}] of PAGES) {
  test(`axe: ${name} (${path})`, { timeout: 120_000 }, async (t) => {
    const page = await open(path, ready, options);
    try {
      const result = await axe(page);
      for (const r of result.incomplete) t.diagnostic(`needs review: ${r.id} on ${r.nodes.length} node(s): ${r.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      assertClean(result, path);
      assert.deepEqual(page.problems.filter((p) => !page.expected?.(p)), [], `problems while loading ${path}`);
    } finally {
      await page.context().close();
    }
  });

  test(`axe and reflow at 320px: ${name} (${path})`, { timeout: 120_000 }, async () => {
    const page = await open(path, ready, options, { width: 320, height: 640 });
    try {
      const result = await axe(page);
      assertClean(result, `${path} at 320px`);
      const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
        const root = document.documentElement;
        // Name the widest elements, to say what overflows.
        const wide = [...document.body.querySelectorAll("*")]
          .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
          .filter((el) => !el.closest(".compare-wrap, .table-wrap, .visually-hidden, .skip"))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""}`);
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
      });
      assert.ok(scrollWidth <= clientWidth, `${path} is ${scrollWidth}px wide at a ${clientWidth}px viewport; overflowing: ${wide.join(", ")}`);
    } finally {
      await page.context().close();
    }
  });
}
