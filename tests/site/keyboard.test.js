// Keyboard use: the skip link comes first and moves focus into <main>; every link, button and
// form control shows visible focus; the compare checkboxes work with Tab and Space.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, newPage } from "./lib/browser.js";
import { focused, describe, tabBound, tabTo } from "./lib/keys.js";
import { settled } from "./lib/collab.js";

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function open(path, options) {
  const page = await newPage(env.browser, options);
  await page.goto(env.base + path, { waitUntil: "load" });
  // Tickets and forum areas fill in from the API; Tab order is checked once they have.
  await settled(page);
  return page;
}

const SKIP_PAGES = ["/de/", "/en/software/decidim/", "/de/software/page/2/", "/de/compare/", "/404.html"];
for (const path of SKIP_PAGES) {
  test(`skip link is the first Tab stop and moves focus to main (${path})`, { timeout: 60_000 }, async () => {
    const page = await open(path);
    try {
      await page.keyboard.press("Tab");
      const first = await focused(page);
      assert.ok(first && first.tag === "a" && first.cls.includes("skip"), `first Tab stop is ${describe(first)}`);
      assert.ok(first.visible, "the focused skip link is on screen");
      assert.notEqual(first.outlineStyle, "none", "the focused skip link has an outline");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement?.id === "main");
      const main = await page.evaluate(() => document.activeElement.tagName.toLowerCase());
      assert.equal(main, "main");
      // The next Tab continues inside main, not back in the header.
      await page.keyboard.press("Tab");
      const next = await page.evaluate(() => !!document.activeElement?.closest("main"));
      assert.ok(next, `Tab after the skip link leaves main: ${describe(await focused(page))}`);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.context().close();
    }
  });
}

// Every Tab stop on these pages, each at desktop and phone width.
const FOCUS_PAGES = ["/de/", "/de/software/", "/de/software/opendesk/", "/en/category/", "/de/compare/?s=nextcloud,opentalk", "/de/about/",
  "/de/forum/?category=allgemein", "/de/tickets/?project=opendesk&number=1", "/en/forum/topic/?id=1", "/de/login/"];
for (const path of FOCUS_PAGES) {
  for (const width of [1280, 390]) {
    test(`focus is visible on every Tab stop (${path}, ${width}px)`, { timeout: 120_000 }, async () => {
      const page = await open(path, { viewport: { width, height: 800 } });
      try {
        if (path.startsWith("/de/compare/")) await page.waitForSelector(".compare-table");
        const bound = await tabBound(page);
        const seen = [];
        const bad = [];
        for (let i = 0; i < bound; i++) {
          await page.keyboard.press("Tab");
          const f = await focused(page);
          if (!f) break; // past the last element
          const key = describe(f) + f.slug;
          if (seen.includes(key) && seen[0] === key) break; // wrapped around
          seen.push(key);
          if (!f.focusVisible || f.outlineStyle === "none" || f.outlineWidth < 2) bad.push(`${describe(f)}: outline ${f.outlineStyle} ${f.outlineWidth}px`);
          if (!f.visible) bad.push(`${describe(f)}: focused but not on screen`);
        }
        assert.ok(seen.length >= 5, `only ${seen.length} Tab stops`);
        assert.deepEqual(bad, [], `focus not visible on ${bad.length} of ${seen.length} Tab stops`);
      } finally {
        await page.context().close();
      }
    });
  }
}

const caption = (page) => page.locator(".compare-status").textContent();
const columns = (page) => page.$$eval(".compare-table thead th a", (as) => as.map((a) => a.textContent));

test("compare: checkboxes are reached with Tab and toggled with Space", { timeout: 120_000 }, async () => {
  const page = await open("/de/compare/");
  try {
    await page.waitForSelector(".compare-status");
    assert.match(await caption(page), /mindestens zwei/);
    const isBox = (slug) => (f) => f.tag === "input" && f.type === "checkbox" && f.slug === slug;

    await tabTo(page, isBox("nextcloud"), "the Nextcloud checkbox");
    await page.keyboard.press("Space");
    assert.equal(await page.isChecked('input[data-compare="nextcloud"]'), true);
    assert.match(await caption(page), /mindestens zwei/, "one choice is not yet a comparison");

    await tabTo(page, isBox("opentalk"), "the OpenTalk checkbox");
    await page.keyboard.press("Space");
    await page.waitForSelector(".compare-table");
    assert.deepEqual(await columns(page), ["Nextcloud Hub", "OpenTalk"]);
    assert.equal(new URL(page.url()).searchParams.get("s"), "nextcloud,opentalk");
    // Values appear in the reader's language.
    const status = await page.$$eval(".compare-table tbody tr:first-child td", (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(status, ["Stabil", "Stabil"]);

    // Focus stayed on the checkbox; Space again takes OpenTalk out.
    assert.ok(isBox("opentalk")(await focused(page)), "focus stays on the checkbox");
    await page.keyboard.press("Space");
    await page.waitForSelector(".compare-table", { state: "detached" });
    assert.match(await caption(page), /mindestens zwei/);
    assert.equal(new URL(page.url()).searchParams.get("s"), "nextcloud");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test("compare: the checkbox on an entry page works by keyboard and carries over", { timeout: 120_000 }, async () => {
  const page = await open("/de/software/opendesk/");
  try {
    await tabTo(page, (f) => f.tag === "input" && f.slug === "opendesk", "the compare checkbox");
    await page.keyboard.press("Space");
    assert.equal(await page.isChecked('input[data-compare="opendesk"]'), true);
    await page.goto(env.base + "/de/software/nextcloud/");
    await tabTo(page, (f) => f.tag === "input" && f.slug === "nextcloud", "the compare checkbox");
    await page.keyboard.press("Space");
    await page.goto(env.base + "/de/compare/");
    await page.waitForSelector(".compare-table");
    assert.deepEqual(await columns(page), ["openDesk", "Nextcloud Hub"]);
    assert.equal(await page.isChecked('input[data-compare="opendesk"]'), true);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
