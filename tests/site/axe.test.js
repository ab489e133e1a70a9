// axe-core (WCAG 2.0/2.1 A and AA rules) in headless Chromium on one page of every page
// type, at desktop width (1280 px) and at 320 CSS px, the width WCAG 1.4.10 (reflow) asks for.
// Every page must also load without script errors or missing resources, and must not
// scroll sideways at 320 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import { start, newPage } from "./lib/browser.js";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// axe's best practices (landmarks, heading order, …) are checked too, and reported apart.
const BEST = "best-practice";

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
  ["404 page", "/404.html", "main h1"],
  ["missing page", "/de/no-such-page/", "main h1"],
];

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

function describe(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 10)
        .map((n) => `      ${n.target.join(" ")}\n        ${(n.failureSummary || "").replace(/\n/g, "\n        ")}`)
        .join("\n");
      const more = v.nodes.length > 10 ? `\n      … and ${v.nodes.length - 10} more` : "";
      return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join("\n");
}

async function open(path, ready, { stripScripts, ...options }, viewport) {
  const page = await newPage(env.browser, { ...options, ...(viewport ? { viewport } : {}) });
  if (stripScripts) {
    const html = (await (await fetch(env.base + path)).text()).replace(/<script\b[\s\S]*?<\/script>/gi, "");
    await page.route(env.base + path, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  }
  await page.goto(env.base + path, { waitUntil: "load" });
  await page.waitForSelector(ready, { state: "attached" });
  return page;
}

// Runs axe; `incomplete` (what axe could not decide, e.g. contrast over a gradient) is
// reported as a diagnostic for people to review, not failed. The trailing `void 0` keeps Playwright from serialising the value of the last statement (axe itself) back.
async function axe(page) {
  await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations", "incomplete"] }),
    [...TAGS, BEST],
  );
}

/** Asserts no violation of the WCAG rules, then none of the best practices. */
function assertClean(result, where) {
  const wcag = result.violations.filter((v) => v.tags.some((t) => TAGS.includes(t)));
  const best = result.violations.filter((v) => !wcag.includes(v));
  assert.equal(wcag.length, 0, `axe found ${wcag.length} WCAG violation(s) on ${where}:\n${describe(wcag)}`);
  assert.equal(best.length, 0, `axe found ${best.length} best-practice violation(s) on ${where}:\n${describe(best)}`);
}

for (const [name, path, ready, options = {}] of PAGES) {
  test(`axe: ${name} (${path})`, { timeout: 120_000 }, async (t) => {
    const page = await open(path, ready, options);
    try {
      const result = await axe(page);
      for (const r of result.incomplete) t.diagnostic(`needs review: ${r.id} on ${r.nodes.length} node(s): ${r.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      assertClean(result, path);
      assert.deepEqual(page.problems, [], `problems while loading ${path}`);
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
