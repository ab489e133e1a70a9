// Parsing the built pages with parse5 and walking the resulting tree.
import fs from "node:fs";
import path from "node:path";
import { parse } from "parse5";
import { SITE } from "./site.js";

/**
 * Parses one page as a browser with scripting does (`document`), and again as one without,
 * where <noscript> holds markup instead of text (`documentNoScript`). `errors` holds every
 * parse error parse5 reports in either parse, once each (none ignored).
 */
export function parsePage(rel) {
  const html = fs.readFileSync(path.join(SITE, rel), "utf8");
  const seen = new Map();
  const onParseError = (e) => seen.set(`${e.code}@${e.startOffset}`, e);
  const document = parse(html, { sourceCodeLocationInfo: true, onParseError });
  const documentNoScript = parse(html, { sourceCodeLocationInfo: true, scriptingEnabled: false, onParseError });
  return { rel, html, document, documentNoScript, errors: [...seen.values()] };
}

/**
 * End tags the parser dropped. parse5 reports tokenizer errors but only some tree-construction
 * errors; a stray `</span>` in <body>, for one, is ignored silently. Every `</name` in the
 * source that is neither the matched end tag of an element nor inside a comment, raw text
 * (script, style, …) or an attribute value is such a dropped end tag. Pass the tree parsed
 * without scripting, so that <noscript> content counts as markup.
 */
export function droppedEndTags(html, document) {
  const matched = new Set();
  const skip = [];
  const visit = (node) => {
    const loc = node.sourceCodeLocation;
    if (node.nodeName === "#comment" && loc) skip.push([loc.startOffset, loc.endOffset]);
    if (node.tagName && loc) {
      if (loc.endTag) matched.add(loc.endTag.startOffset);
      for (const a of Object.values(loc.startTag?.attrs || {})) skip.push([a.startOffset, a.endOffset]);
      if (["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"].includes(node.tagName) && loc.startTag && loc.endTag) {
        skip.push([loc.startTag.endOffset, loc.endTag.startOffset]);
      }
    }
    for (const c of node.childNodes || []) visit(c);
    if (node.content) visit(node.content);
  };
  visit(document);
  const out = [];
  for (const m of html.matchAll(/<\/([a-zA-Z][^\s/>]*)/g)) {
    if (matched.has(m.index) || skip.some(([a, b]) => m.index >= a && m.index < b)) continue;
    const line = html.slice(0, m.index).split("\n").length;
    out.push({ tag: m[1], line, col: m.index - html.lastIndexOf("\n", m.index - 1) });
  }
  return out;
}

/** Depth-first walk over elements (template contents included), in document order. */
export function* elements(node) {
  for (const child of node.childNodes || []) {
    if (child.tagName) {
      yield child;
      if (child.content) yield* elements(child.content);
    }
    yield* elements(child);
  }
}

export function attr(el, name) {
  const a = el.attrs.find((x) => x.name === name);
  return a ? a.value : undefined;
}

export function textOf(node) {
  if (node.nodeName === "#text") return node.value;
  return (node.childNodes || []).map(textOf).join("");
}

/** The URL path a file is served under: `de/index.html` → `/de/`. */
export function urlOf(rel) {
  return "/" + rel.replace(/(^|\/)index\.html$/, "$1");
}

/** `line:col` of an element or error, for messages. */
export function where(x) {
  const loc = x.sourceCodeLocation || x;
  return loc && loc.startLine ? `${loc.startLine}:${loc.startCol}` : "?";
}
