// The search page with its engine (tantivy in WebAssembly, search/worker.js) on the demo
// site: typing, facets, sorting, URL state and the back button, and what each cold query
// costs in requests and bytes (printed; the budget below is asserted).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, newPage } from "./lib/browser.js";
import { axe, assertClean } from "./lib/axe.js";

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** Waits until the page has answered `n` queries in all. */
async function answered(page, n) {
  await page.waitForFunction((k) => window.__search && (window.__search.queries >= k || window.__search.error), n, { timeout: 20000 });
  const error = await page.evaluate(() => window.__search.error);
  assert.equal(error, null, `search failed: ${error}`);
}

async function hits(page) {
  return page.$$eval("#search-results > li", (lis) => lis.map((li) => ({
    href: li.querySelector("a").getAttribute("href"),
    name: li.querySelector("a").textContent,
    text: li.textContent,
  })));
}

test("typing shows results with links to entry pages, a count, and the query in the URL", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/de/search/`);
  await page.fill("#search-q", "Beteiligung");
  await answered(page, 1);
  const h = await hits(page);
  assert.ok(h.length > 0, "no hits for Beteiligung");
  assert.ok(h.every((x) => /^\/de\/software\/[a-z0-9-]+\/$/.test(x.href)), JSON.stringify(h));
  assert.ok(h.some((x) => /decidim/i.test(x.name)), `Decidim missing: ${h.map((x) => x.name)}`);
  assert.match(await page.textContent("#search-count"), /^\d+ Treffer$/);
  assert.equal(new URL(page.url()).searchParams.get("q"), "Beteiligung");
  // Highlighted snippet.
  assert.ok(await page.$("#search-results mark"), "no highlighted word");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a facet narrows the results, goes into the URL, and the back button undoes it", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/de/search/?q=software`);
  await answered(page, 1);
  const before = await page.textContent("#search-count");
  const all = await hits(page);
  const box = page.locator("#search-facets fieldset").first().locator("input[type=checkbox]").first();
  const facet = await box.getAttribute("data-facet");
  const value = await box.getAttribute("data-value");
  await box.check();
  await answered(page, 2);
  const url = new URL(page.url());
  assert.deepEqual(url.searchParams.getAll(facet), [value]);
  assert.equal(url.searchParams.get("q"), "software");
  const narrowed = await hits(page);
  assert.ok(narrowed.length > 0 && narrowed.length <= all.length);
  const n = Number((await page.textContent("#search-count")).match(/\d+/)[0]);
  assert.ok(n <= Number(before.match(/\d+/)[0]));
  // The count next to the chosen value is the number of results now.
  const label = await page.textContent(`label[for="${await box.getAttribute("id")}"]`);
  assert.match(label, new RegExp(`\\(${n}\\)$`));
  await page.goBack();
  await answered(page, 3);
  assert.equal(new URL(page.url()).searchParams.get(facet), null);
  assert.equal(await page.textContent("#search-count"), before);
  assert.equal(await page.isChecked(`#search-facets input[data-facet="${facet}"][data-value="${value}"]`), false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a shared link with sort=name lists the results by name; the sort choice is restored", async () => {
  const page = await newPage(env.browser, { locale: "en-GB" });
  await page.goto(`${env.base}/en/search/?q=platform&sort=name`);
  await answered(page, 1);
  assert.equal(await page.inputValue("#search-sort"), "name");
  assert.equal(await page.inputValue("#search-q"), "platform");
  const names = (await hits(page)).map((h) => h.name);
  assert.ok(names.length > 1, `too few hits to check an order: ${names}`);
  const sorted = [...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }));
  assert.deepEqual(names, sorted);
  assert.match(await page.textContent("#search-count"), /results?$/);
  await page.context().close();
});

test("facets work by keyboard: Tab reaches a checkbox, Space toggles it", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/de/search/?q=verwaltung`);
  await answered(page, 1);
  await page.focus("#search-sort");
  let reached = false;
  for (let i = 0; i < 6 && !reached; i += 1) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.matches("#search-facets input[type=checkbox]"));
  }
  assert.ok(reached, "Tab from the sort choice does not reach a facet checkbox");
  await page.keyboard.press("Space");
  await answered(page, 2);
  assert.ok(await page.evaluate(() => document.activeElement?.checked), "focus lost or box not checked after the update");
  assert.ok([...new URL(page.url()).searchParams.keys()].length >= 2);
  await page.context().close();
});

test("a compound no entry holds whole finds the entries that spell it apart", async () => {
  // No demo entry says "Ratssitzung"; OpenSlides says "Räte" and "Sitzungen". The engine splits
  // the word against the index's own terms (search/src/split.rs), in the browser as natively.
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/de/search/?q=Ratssitzung`);
  await answered(page, 1);
  const h = await hits(page);
  assert.ok(h.some((x) => x.href === "/de/software/openslides/"), `OpenSlides missing: ${h.map((x) => x.name)}`);
  assert.match(await page.textContent("#search-count"), /^\d+ Treffer$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("an unmatched query says so", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.base}/de/search/?q=qqqxxyyzz`);
  await answered(page, 1);
  assert.equal((await hits(page)).length, 0);
  assert.match(await page.textContent("#search-count"), /Keine Treffer/);
  await page.context().close();
});

// Watches the live region and the hit list from the start of the page: how often the count
// changes, whether the list is emptied again, and where the list sits when hits first appear.
function watch(page) {
  return page.addInitScript(() => {
    const w = (window.__watch = { countRecords: 0, listRemovals: 0, listTop: null });
    document.addEventListener("DOMContentLoaded", () => {
      const count = document.getElementById("search-count");
      const list = document.getElementById("search-results");
      new MutationObserver((ms) => { w.countRecords += ms.length; }).observe(count, { childList: true, characterData: true, subtree: true });
      new MutationObserver((ms) => {
        for (const m of ms) w.listRemovals += m.removedNodes.length;
        if (w.listTop === null && list.children.length) w.listTop = list.getBoundingClientRect().top;
      }).observe(list, { childList: true });
    });
  });
}

/** Facet value → count as the page shows them ("Stabil (3)" with data-value "stable"). */
async function shownCounts(page) {
  return page.$$eval("#search-facets input[type=checkbox]", (boxes) => boxes.map((b) => {
    const label = document.querySelector(`label[for="${b.id}"]`).textContent;
    return [b.dataset.facet, b.dataset.value, Number(label.match(/\((\d+)\)$/)[1])];
  }));
}

test("a cold shared link shows the hits first, then the right facet counts, announcing once", async () => {
  const page = await newPage(env.browser);
  await watch(page);
  await page.goto(`${env.base}/de/search/?q=software`);
  await answered(page, 1);
  const s = await page.evaluate(() => ({ first: window.__search.first, hitsAt: window.__search.firstResultsAt, countsAt: window.__search.countsAt, hitsShown: window.__search.hitsShown, w: window.__watch }));
  assert.equal(s.first.partial, true, "the hits did not come before the counts");
  assert.equal(s.first.request.q, "software");
  assert.ok(s.countsAt >= s.hitsAt, `counts at ${s.countsAt} ms, hits at ${s.hitsAt} ms`);
  assert.equal(s.hitsShown, 1);
  // The live region got its text once, the hit list was filled once and stayed in place.
  assert.equal(s.w.countRecords, 1, "the result count changed more than once");
  assert.equal(s.w.listRemovals, 0, "the hit list was rendered again");
  const top = await page.evaluate(() => document.getElementById("search-results").getBoundingClientRect().top);
  assert.equal(top, s.w.listTop, "the hit list moved when the counts came");
  assert.equal(await page.getAttribute("#search-facets", "aria-busy"), null);
  assert.equal(await page.$(".facets-counting"), null);
  // The counts shown are those of the same query asked again (now in one step).
  const again = await page.evaluate(() => window.__search.ask({ q: "software" }));
  const want = [];
  for (const [facet, values] of Object.entries(again.response.facets)) for (const [v, n] of values) want.push([facet, v, n]);
  const shown = await shownCounts(page);
  assert.ok(shown.length > 0, "no facet counts shown");
  for (const row of shown) assert.ok(want.some((w) => w[0] === row[0] && w[1] === row[1] && w[2] === row[2]), `${row} not among ${JSON.stringify(want)}`);
  assert.equal(Number((await page.textContent("#search-count")).match(/\d+/)[0]), again.response.total);
  // The first hits came ahead (a screen's worth: fewer card files to wait for); the rest of
  // the page was added below them, in the order of the complete answer.
  assert.ok(again.response.hits.length > 6, "the demo query should fill more than the first hits");
  assert.equal(s.first.hits, 6);
  const links = await page.$$eval("#search-results a.hit-name", (as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(links, again.response.hits.map((h) => h.url));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("on a narrow screen the facets are folded above the hits, so the counts do not move them", async () => {
  const page = await newPage(env.browser, { viewport: { width: 390, height: 800 } });
  await watch(page);
  await page.goto(`${env.base}/de/search/?q=software`);
  await answered(page, 1);
  const w = await page.evaluate(() => window.__watch);
  const top = await page.evaluate(() => document.getElementById("search-results").getBoundingClientRect().top);
  assert.equal(top, w.listTop, "the hit list moved when the counts came");
  assert.equal(await page.evaluate(() => document.getElementById("search-facets-wrap").open), false);
  assert.equal(await page.isVisible("#search-facets input[type=checkbox]"), false);
  // Opened by keyboard, the facets are there with their counts.
  await page.focus("#search-facets-wrap > summary");
  await page.keyboard.press("Enter");
  assert.ok(await page.isVisible("#search-facets input[type=checkbox]"));
  assert.ok((await shownCounts(page)).length > 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** Published names of the blocks of the facet and sort columns (the `.fast` file) of `lang`. */
async function columnBlocks(lang) {
  const html = await (await fetch(`${env.base}/${lang}/search/`)).text();
  const root = new URL(html.match(/data-root="([^"]+)"/)[1], `${env.base}/${lang}/search/`);
  const bytes = new Uint8Array(await (await fetch(root)).arrayBuffer());
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len)));
  return manifest.files.filter((f) => f.path.endsWith(".fast")).flatMap((f) => f.blocks);
}

test("while the counts are on their way the facets say so, accessibly, and the hits stand", async () => {
  const page = await newPage(env.browser, { locale: "en-GB" });
  // The facet columns wait for the gate (whether the demo's small index fetches them with
  // the engine or after the hits).
  const columns = await columnBlocks("en");
  assert.ok(columns.length > 0, "the index has no facet columns");
  let open;
  const gate = new Promise((resolve) => { open = resolve; });
  let held = 0;
  await page.context().route(/\/search\/.*\.bin$/, async (route) => {
    if (columns.some((name) => route.request().url().endsWith(`/${name}`))) { held += 1; await gate; }
    await route.continue().catch(() => {});
  });
  await page.goto(`${env.base}/en/search/?q=software`);
  await page.waitForFunction(() => window.__search && (window.__search.hitsShown >= 1 || window.__search.error));
  await page.waitForFunction(() => document.querySelector(".facets-counting"));
  assert.equal(await page.textContent(".facets-counting"), "Counting filters …");
  assert.equal(await page.getAttribute("#search-facets", "aria-busy"), "true");
  assert.ok((await hits(page)).length > 0);
  assertClean(await axe(page), "the search page while counting");
  assert.equal(await page.evaluate(() => window.__search.queries), 0);
  open();
  await answered(page, 1);
  assert.ok(held > 0, "the facet columns were never fetched");
  assert.equal(await page.$(".facets-counting"), null);
  assert.ok((await shownCounts(page)).length > 0);
  await page.context().close();
});

test("a cold filtered link filters the hits before the counts arrive", async () => {
  // A value that narrows the results (status or licence, which hits show, else a category),
  // from a first visit's counts.
  const probePage = await newPage(env.browser, { locale: "en-GB" });
  await probePage.goto(`${env.base}/en/search/?q=software`);
  await answered(probePage, 1);
  const all = await probePage.evaluate(() => window.__search.ask({ q: "software" }));
  let facet, value, n;
  for (const f of ["status", "license", "category"]) {
    const found = all.response.facets[f].find(([, c]) => c > 0 && c < all.response.total);
    if (found) { facet = f; [value, n] = found; break; }
  }
  assert.ok(facet, `no facet value narrows the demo's results: ${JSON.stringify(all.response.facets)}`);
  await probePage.context().close();

  const page = await newPage(env.browser, { locale: "en-GB" });
  await page.goto(`${env.base}/en/search/?q=software&${facet}=${encodeURIComponent(value)}`);
  await answered(page, 1);
  const first = await page.evaluate(() => window.__search.first);
  assert.equal(first.partial, true, "the hits did not come before the counts");
  assert.deepEqual(first.request.filters, { [facet]: [value] });
  const filtered = await page.evaluate(([f, v]) => window.__search.ask({ q: "software", filters: { [f]: [v] } }), [facet, value]);
  assert.equal(filtered.response.total, n);
  if (facet !== "category") assert.ok(filtered.response.hits.every((h) => h[facet] === value));
  assert.equal(Number((await page.textContent("#search-count")).match(/\d+/)[0]), n);
  assert.deepEqual((await hits(page)).map((h) => h.href), filtered.response.hits.map((h) => h.url));
  const box = `#search-facets input[data-facet="${facet}"][data-value="${value}"]`;
  assert.ok(await page.isChecked(box));
  const label = await page.textContent(`label[for="${await page.getAttribute(box, "id")}"]`);
  assert.match(label, new RegExp(`\\(${n}\\)$`));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// Cold visits of shared links: a fresh browser context each (empty HTTP cache). Engine =
// worker + wasm; index = root file + blocks and hit cards. Per-query data is the blocks and cards.
const COLD = ["/de/search/?q=beteiligung", "/de/search/?q=Buergerbeteiligung", "/de/search/?q=videokonferens", "/en/search/?q=video", "/en/search/?q=d", "/de/search/?q=software&status=stable"];

test("cold queries: requests and bytes (printed), within budget", async () => {
  const rows = [];
  for (const path of COLD) {
    const page = await newPage(env.browser);
    const seen = [];
    page.on("response", async (r) => {
      const u = new URL(r.url());
      if (!/\/(search\/|assets\/search)/.test(u.pathname)) return;
      try {
        seen.push({ path: u.pathname, bytes: (await r.body()).length });
      } catch { /* body gone with the page */ }
    });
    await page.goto(`${env.base}${path}`);
    await answered(page, 1);
    // `first`: the query that showed the hits (without facet counts on a cold visit);
    // `last`: the complete one (its rounds fetched the facet columns).
    const { first, last } = await page.evaluate(() => ({ first: window.__search.first, last: window.__search.last }));
    const stats = first.stats;
    await page.waitForTimeout(50);
    const kind = (p) => (/engine\..*\.wasm$|worker\..*\.js$/.test(p) ? "engine" : /root-/.test(p) ? "root" : "blocks");
    const sum = (k) => seen.filter((s) => kind(s.path) === k).reduce((a, s) => a + s.bytes, 0);
    const count = (k) => seen.filter((s) => kind(s.path) === k).length;
    rows.push({ path, engine: sum("engine"), root: sum("root"), blockRequests: count("blocks"), blockBytes: sum("blocks"), hitsBytes: stats.bytes, rounds: stats.rounds, ms: Math.round(stats.ms), countsBytes: last.stats.bytes, countsRounds: last.stats.rounds });
    assert.equal(count("root"), 1);
    // The blocks every query reads come with the engine; then postings, then hit cards.
    assert.ok(stats.rounds <= 2, `${path}: ${stats.rounds} rounds of block fetches`);
    assert.equal(first.partial, true, `${path}: a cold visit shows hits before counting facets`);
    // Then one round for the facet columns.
    assert.ok(last.stats.rounds <= 1, `${path}: ${last.stats.rounds} rounds for the facet counts`);
    assert.ok(sum("blocks") <= 96 * 1024, `${path}: ${sum("blocks")} bytes of blocks`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
  console.log("cold query costs (uncompressed bytes; the test server does not gzip):");
  console.table(rows);
});
