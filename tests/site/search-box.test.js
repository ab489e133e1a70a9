// The live results under the header's (and the home page's) search box (search-box.js): a
// WAI-ARIA combobox over the search page's engine. Typing lists entries, the keys of the
// combobox pattern move through them and open one, Enter without a choice goes to the search
// page with ?q=, and without JavaScript the form is the plain GET form.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, newPage } from "./lib/browser.js";

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function typed(page, selector, text) {
  await page.locator(selector).pressSequentially(text);
  await page.waitForFunction((s) => {
    const box = document.querySelector(s);
    return window.__searchBox?.error || (box.getAttribute("aria-expanded") === "true" && document.getElementById(box.getAttribute("aria-controls")).querySelector("[role=option]"));
  }, selector, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.__searchBox.error), null);
}

const options = (page, list) => page.$$eval(`${list} [role=option]`, (lis) => lis.map((li) => ({ id: li.id, text: li.textContent, selected: li.getAttribute("aria-selected"), url: li.dataset.url })));

test("typing in the header's box lists entries; arrows choose one, Enter opens it", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/de/software/`);
  const box = page.locator("#q");
  await typed(page, "#q", "Beteiligung");
  assert.equal(await box.getAttribute("role"), "combobox");
  assert.equal(await box.getAttribute("aria-controls"), "q-results");
  assert.equal(await page.getAttribute("#q-results", "role"), "listbox");
  let opts = await options(page, "#q-results");
  assert.ok(opts.length > 0 && opts.length <= 6, JSON.stringify(opts));
  assert.ok(opts.some((o) => /decidim/i.test(o.text)), opts.map((o) => o.text).join(" | "));
  assert.ok(opts.every((o) => o.selected === "false"));
  // The count is announced in a status region.
  assert.match(await page.textContent("form[data-live-search] [role=status]"), /^\d+ Treffer$/);

  await box.press("ArrowDown");
  await box.press("ArrowDown");
  opts = await options(page, "#q-results");
  assert.equal(await box.getAttribute("aria-activedescendant"), opts[1].id);
  assert.equal(opts[1].selected, "true");
  await box.press("ArrowUp");
  assert.equal(await box.getAttribute("aria-activedescendant"), opts[0].id);
  // Focus never leaves the box.
  assert.equal(await page.evaluate(() => document.activeElement.id), "q");
  await Promise.all([page.waitForURL((u) => u.pathname === opts[0].url), box.press("Enter")]);
  assert.match(new URL(page.url()).pathname, /^\/de\/software\/[a-z0-9-]+\/$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("Escape closes the list, a second Escape clears the box; Enter without a choice searches", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/en/software/`);
  const box = page.locator("#q");
  await typed(page, "#q", "video");
  await box.press("Escape");
  assert.equal(await box.getAttribute("aria-expanded"), "false");
  assert.equal(await page.isHidden("#q-results"), true);
  assert.equal(await box.inputValue(), "video");
  // Alt+Down opens the list again without choosing.
  await box.press("Alt+ArrowDown");
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  assert.equal(await box.getAttribute("aria-activedescendant"), null);
  await box.press("Escape");
  await box.press("Escape");
  assert.equal(await box.inputValue(), "");
  await box.pressSequentially("conferencing");
  await Promise.all([page.waitForURL((u) => u.pathname === "/en/search/"), box.press("Enter")]);
  assert.equal(new URL(page.url()).searchParams.get("q"), "conferencing");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a pointer click on a result opens the entry", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/de/`);
  await typed(page, "#home-q", "Videokonferenz");
  const first = (await options(page, "#home-q-results"))[0];
  await Promise.all([page.waitForURL((u) => u.pathname === first.url), page.click("#home-q-results [role=option]")]);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("without JavaScript the header's box is the plain search form", async () => {
  const html = await (await fetch(`${env.base}/de/software/`)).text();
  const form = html.match(/<form class="search"[^>]*>[\s\S]*?<\/form>/)[0];
  assert.match(form, /action="\/de\/search\/" method="get"/);
  assert.match(form, /<input id="q" name="q" type="search"/);
  assert.doesNotMatch(form, /role="combobox"|aria-expanded/);
});
