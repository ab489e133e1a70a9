// The pages' small scripts: the root page forwards to the reader's language, and the compare
// page shows the latest choice even when answers for an earlier one arrive later.
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

for (const [locale, lang] of [["de-DE", "de"], ["en-GB", "en"], ["fr-FR", "de"]]) {
  test(`the root page forwards a ${locale} browser to /${lang}/`, { timeout: 60_000 }, async () => {
    const page = await newPage(env.browser, { locale });
    try {
      await page.goto(env.base + "/");
      await page.waitForURL(`${env.base}/${lang}/`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
      // The forwarding cancels the root page's own style and icon requests; nothing else may fail.
      assert.deepEqual(page.problems.filter((p) => !p.endsWith("net::ERR_ABORTED")), []);
    } finally {
      await page.context().close();
    }
  });
}

// compare.js ends every render with a "compare-rendered" event; the page records them.
async function recordRenders(page) {
  await page.addInitScript(() => {
    window.renders = [];
    document.addEventListener("compare-rendered", (e) => window.renders.push(e.detail.outcome), true);
  });
}

test("compare: a late answer for an earlier choice does not replace the current one", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await recordRenders(page);
    // Hold the JSON requests until released, to order the answers without relying on time.
    let release;
    const gate = new Promise((r) => (release = r));
    await page.route("**/data/software/*.json", async (route) => {
      await gate;
      await route.continue();
    });
    await page.goto(env.base + "/de/compare/");
    await page.waitForFunction(() => window.renders.length === 1); // "choose", nothing chosen
    await page.check('input[data-compare="nextcloud"]'); // render 2: "choose"
    await page.check('input[data-compare="opentalk"]'); // render 3: waits for the JSON …
    await page.uncheck('input[data-compare="opentalk"]'); // render 4: "choose"
    await page.waitForFunction(() => window.renders.length === 3);
    release(); // … which now arrives: render 3 must see that it is stale
    await page.waitForFunction(() => window.renders.length === 4);
    assert.deepEqual(await page.evaluate(() => window.renders), ["choose", "choose", "choose", "stale"]);
    assert.equal(await page.locator(".compare-table").count(), 0);
    assert.match(await page.locator(".compare-status").textContent(), /mindestens zwei/);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test("compare: more than four choices drop the oldest, and its checkbox clears", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await page.goto(env.base + "/de/compare/?s=nextcloud,opentalk,decidim,opendesk");
    await page.waitForSelector(".compare-table");
    await page.check('input[data-compare="xwiki"]');
    await page.waitForFunction(() => document.querySelectorAll(".compare-table thead th a").length === 4 &&
      [...document.querySelectorAll(".compare-table thead th a")].some((a) => a.textContent === "XWiki"));
    assert.equal(await page.isChecked('input[data-compare="nextcloud"]'), false);
    assert.equal(new URL(page.url()).searchParams.get("s"), "opentalk,decidim,opendesk,xwiki");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test("compare: an unknown entry says the data could not be loaded", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await page.goto(env.base + "/de/compare/?s=nextcloud,no-such-entry");
    await page.waitForFunction(() => /nicht geladen/.test(document.querySelector(".compare-status")?.textContent || ""));
    assert.equal(await page.locator(".compare-table").count(), 0);
  } finally {
    await page.context().close();
  }
});
