// Every internal reference in every built page resolves: href, src, srcset, poster, data and
// form actions that are relative, root-relative or absolute under the site's base_url point to
// a file in the output (a folder means its index.html), and a #fragment names an id in the
// target page.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { SITE, htmlFiles, requireSite } from "./lib/site.js";
import { parsePage, elements, attr, urlOf, where } from "./lib/html.js";

requireSite();
const files = htmlFiles();

// Absolute URLs under the configured base_url (canonical and hreflang links) are internal too.
function baseUrl() {
  if (process.env.BASE_URL) return process.env.BASE_URL;
  const toml = path.join(SITE, "..", "site.toml");
  const m = fs.existsSync(toml) && /^\s*base_url\s*=\s*"([^"]*)"/m.exec(fs.readFileSync(toml, "utf8"));
  return m ? m[1] : null;
}
const BASE = baseUrl();
const ORIGIN = "http://site.invalid";

const REFS = [
  ["a", "href"], ["area", "href"], ["link", "href"], ["img", "src"], ["img", "srcset"],
  ["source", "src"], ["source", "srcset"], ["script", "src"], ["iframe", "src"], ["audio", "src"],
  ["video", "src"], ["video", "poster"], ["track", "src"], ["input", "src"], ["embed", "src"],
  ["object", "data"], ["form", "action"],
];

/** The URL strings an element refers to through `name`. */
function urls(el, name) {
  const v = attr(el, name);
  if (v === undefined) return [];
  if (name === "srcset") return v.split(",").map((c) => c.trim().split(/\s+/)[0]).filter(Boolean);
  return [v.trim()];
}

/** Resolves a reference from page `pageUrl` to a site path, or null when it is external. */
function internal(ref, pageUrl) {
  if (BASE && /^https?:\/\//.test(BASE) && ref.startsWith(BASE)) ref = "/" + ref.slice(BASE.length);
  let u;
  try {
    u = new URL(ref, ORIGIN + pageUrl);
  } catch {
    return { broken: "not a URL" };
  }
  if (u.origin !== ORIGIN) return null; // https:, mailto:, tel:, //other.host …
  let p;
  try {
    p = decodeURIComponent(u.pathname);
  } catch {
    return { broken: "bad percent-encoding" };
  }
  return { path: p, hash: u.hash ? decodeURIComponent(u.hash.slice(1)) : "" };
}

/** The file a site path is served from, or null. */
function target(p) {
  const full = path.join(SITE, p);
  if (!full.startsWith(SITE)) return null;
  try {
    const st = fs.statSync(full);
    if (st.isFile()) return full;
    if (st.isDirectory() && fs.statSync(path.join(full, "index.html")).isFile()) return path.join(full, "index.html");
  } catch {
    /* missing */
  }
  return null;
}

// Parse every page once: its references and its ids.
const pages = new Map();
for (const rel of files) {
  const { document } = parsePage(rel);
  const ids = new Set();
  const refs = [];
  for (const el of elements(document)) {
    const id = attr(el, "id");
    if (id) ids.add(id);
    for (const [tag, name] of REFS) {
      if (el.tagName !== tag) continue;
      for (const ref of urls(el, name)) refs.push({ ref, tag, name, at: where(el) });
    }
  }
  pages.set(path.join(SITE, rel), { rel, ids, refs });
}

test(`every internal link, source and fragment resolves (${files.length} pages)`, () => {
  const failures = [];
  let checked = 0;
  for (const { rel, refs } of pages.values()) {
    const pageUrl = urlOf(rel);
    for (const { ref, tag, name, at } of refs) {
      const r = internal(ref, pageUrl);
      if (!r) continue;
      checked++;
      const say = (why) => failures.push(`${rel} ${at} <${tag} ${name}="${ref}">: ${why}`);
      if (r.broken) { say(r.broken); continue; }
      const file = target(r.path);
      if (!file) {
        say(`no file for ${r.path}`);
        continue;
      }
      // A fragment is checked in HTML targets; other files (feeds, JSON) have no ids.
      if (r.hash && file.endsWith(".html")) {
        const t = pages.get(file);
        if (t && !t.ids.has(r.hash) && r.hash !== "top") say(`no id "${r.hash}" in ${path.relative(SITE, file)}`);
      }
    }
  }
  assert.equal(failures.length, 0, `${failures.length} broken references:\n  ${failures.slice(0, 200).join("\n  ")}`);
  assert.ok(checked >= files.length, `only ${checked} internal references found in ${files.length} pages`);
});
