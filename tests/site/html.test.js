// Every built page parses without errors and has the structure assistive technology relies
// on: one <h1>, one <main>, a language, a title, unique ids, id references that resolve,
// no skipped heading levels and no interactive element inside another.
import { test } from "node:test";
import assert from "node:assert/strict";
import { htmlFiles, requireSite } from "./lib/site.js";
import { parsePage, droppedEndTags, elements, attr, textOf, where } from "./lib/html.js";

requireSite();
const files = htmlFiles();

// Attributes whose value is one or more ids in the same document.
const IDREFS = ["for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-activedescendant", "aria-errormessage", "aria-details", "headers", "list", "form"];
const INTERACTIVE = new Set(["a", "button", "input", "select", "textarea", "details", "iframe", "label"]);

function check(rel) {
  const { html: source, document, documentNoScript, errors } = parsePage(rel);
  const problems = [];
  // Every error parse5 reports fails the page; none is ignored.
  for (const e of errors) problems.push(`parse error ${e.code} at ${e.startLine}:${e.startCol}`);
  for (const e of droppedEndTags(source, documentNoScript)) problems.push(`end tag </${e.tag}> at ${e.line}:${e.col} matches no open element`);

  const all = [...elements(document)];
  const html = all.find((el) => el.tagName === "html");
  if (!html || !(attr(html, "lang") || "").trim()) problems.push("<html> has no lang");
  const titles = all.filter((el) => el.tagName === "title");
  if (titles.length !== 1 || !textOf(titles[0]).trim()) problems.push(`expected one non-empty <title>, found ${titles.length}`);
  const h1 = all.filter((el) => el.tagName === "h1");
  if (h1.length !== 1) problems.push(`expected exactly one <h1>, found ${h1.length}`);
  const mains = all.filter((el) => el.tagName === "main" || attr(el, "role") === "main");
  if (mains.length !== 1) problems.push(`expected exactly one <main>, found ${mains.length}`);

  const ids = new Map();
  for (const el of all) {
    const id = attr(el, "id");
    if (id === undefined) continue;
    if (id === "" || /\s/.test(id)) problems.push(`invalid id "${id}" on <${el.tagName}> at ${where(el)}`);
    if (ids.has(id)) problems.push(`duplicate id "${id}" at ${where(el)} (first at ${where(ids.get(id))})`);
    else ids.set(id, el);
  }
  for (const el of all) {
    for (const name of IDREFS) {
      const v = attr(el, name);
      if (v === undefined) continue;
      for (const ref of v.split(/\s+/).filter(Boolean)) {
        if (!ids.has(ref)) problems.push(`${name}="${ref}" on <${el.tagName}> at ${where(el)} names no element`);
      }
    }
  }

  // Heading levels go down one step at a time (h2 → h4 skips a level).
  let level = 0;
  for (const el of all) {
    const m = /^h([1-6])$/.exec(el.tagName);
    if (!m) continue;
    const n = Number(m[1]);
    if (n > level + 1) problems.push(`<${el.tagName}> "${textOf(el).trim().slice(0, 40)}" at ${where(el)} follows h${level || "-none-"}`);
    level = n;
  }

  // No interactive content inside a link or button (nested-interactive).
  for (const el of all) {
    if (el.tagName !== "a" && el.tagName !== "button") continue;
    for (const inner of elements(el)) {
      if (INTERACTIVE.has(inner.tagName) || attr(inner, "tabindex") !== undefined) {
        problems.push(`<${inner.tagName}> at ${where(inner)} is inside <${el.tagName}> at ${where(el)}`);
      }
    }
  }
  return problems;
}

test(`the built site has pages (${files.length})`, () => {
  assert.ok(files.length > 10, `only ${files.length} HTML files found`);
});

test("every page parses without errors and is well structured", () => {
  const failures = [];
  for (const rel of files) {
    const problems = check(rel);
    if (problems.length) failures.push(`${rel}:\n    ${problems.join("\n    ")}`);
  }
  assert.equal(failures.length, 0, `${failures.length} of ${files.length} pages have problems:\n  ${failures.join("\n  ")}`);
});
