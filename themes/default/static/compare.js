// Comparison of 2–4 entries: a checkbox on entry pages and on the compare page collects slugs
// in localStorage; the compare page (/{lang}/compare/?s=a,b,c) fetches the per-entry JSON
// exports and shows them side by side. Without JavaScript the toggles stay hidden and the
// compare page lists links to the entries.
const KEY = "allmende-compare";
const MAX = 4;

function load() {
  try { return JSON.parse(localStorage.getItem(KEY) || "[]").filter((s) => typeof s === "string").slice(0, MAX); }
  catch { return []; }
}
function save(list) {
  try { localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX))); } catch { /* private mode */ }
}

const app = document.getElementById("compare-app");
const boxes = [...document.querySelectorAll("input[data-compare]")];

/** Every checkbox shows whether its entry is chosen (the oldest drops out past MAX). */
function sync(list) {
  for (const box of boxes) box.checked = list.includes(box.dataset.compare);
}

function initToggles() {
  sync(load());
  // Lists offer the way to the comparison once their checkboxes work.
  for (const link of document.querySelectorAll(".compare-link")) link.hidden = false;
  for (const box of boxes) {
    const toggle = box.closest(".compare-toggle");
    toggle.hidden = false;
    const fallback = toggle.parentElement.querySelector(".compare-fallback");
    if (fallback) fallback.hidden = true;
    box.addEventListener("change", () => {
      let list = load().filter((s) => s !== box.dataset.compare);
      if (box.checked) list.push(box.dataset.compare);
      if (list.length > MAX) list = list.slice(-MAX);
      save(list);
      sync(list);
      if (app) render(app, list);
    });
  }
}

function cell(tag, value, attrs = {}) {
  const el = Object.assign(document.createElement(tag), attrs);
  el.textContent = value || "–";
  return el;
}

function description(code, lang) {
  const d = code.description || {};
  return d[lang] || d[Object.keys(d)[0]] || {};
}

// The live region and the table's place exist once; renders only change their content, so
// screen readers announce the status text reliably.
let status;
let output;
let generation = 0;

async function render(root, slugs) {
  const labels = JSON.parse(root.dataset.labels || "{}");
  const vocab = JSON.parse(root.dataset.vocab || "{}");
  const lang = root.dataset.lang;
  const term = (table, value) => (value && vocab[table]?.[value]) || value;
  const mine = ++generation;
  if (!status) {
    root.replaceChildren();
    status = Object.assign(document.createElement("p"), { className: "compare-status" });
    status.setAttribute("role", "status");
    output = document.createElement("div");
    root.append(status, output);
  }
  // Each call ends with an event saying what it showed ("choose", "failed", "table") or
  // that a later call overtook it ("stale"); tests and other scripts can listen for it.
  const done = (outcome) => root.dispatchEvent(new CustomEvent("compare-rendered", { detail: { slugs, outcome } }));
  url(slugs);
  if (slugs.length < 2) {
    output.replaceChildren();
    status.textContent = labels.choose;
    done("choose");
    return;
  }
  let codes;
  try {
    codes = await Promise.all(slugs.map(async (s) => {
      const r = await fetch(`/data/software/${encodeURIComponent(s)}.json`);
      if (!r.ok) throw new Error(r.status);
      return [s, await r.json()];
    }));
  } catch {
    if (mine !== generation) { done("stale"); return; }
    output.replaceChildren();
    status.textContent = labels.failed;
    done("failed");
    return;
  }
  if (mine !== generation) { done("stale"); return; } // a later choice was shown meanwhile
  const rows = [
    ["status", (c) => term("status", c.developmentStatus)],
    ["type", (c) => term("type", c.softwareType)],
    ["license", (c) => c.legal?.license],
    ["version", (c) => c.softwareVersion],
    ["release", (c) => c.releaseDate],
    ["platforms", (c) => (c.platforms || []).join(", ")],
    ["maintenance", (c) => term("maintenance", c.maintenance?.type)],
    ["languages", (c) => (c.localisation?.availableLanguages || []).join(", ")],
    ["organisation", (c) => c.organisation?.name || c.organisation?.uri],
    ["categories", (c) => (c.categories || []).map((k) => term("category", k)).join(", ")],
  ];
  const table = Object.assign(document.createElement("table"), { className: "compare-table" });
  table.append(cell("caption", labels.caption || document.querySelector("h1")?.textContent, { className: "visually-hidden" }));
  const head = table.createTHead().insertRow();
  head.append(cell("th", labels.field, { scope: "col" }));
  for (const [slug, code] of codes) {
    const th = Object.assign(document.createElement("th"), { scope: "col" });
    const a = Object.assign(document.createElement("a"), { href: `/${lang}/software/${slug}/` });
    a.textContent = description(code, lang).localisedName || code.name;
    th.append(a);
    head.append(th);
  }
  const body = table.createTBody();
  for (const [key, get] of rows) {
    const tr = body.insertRow();
    tr.append(cell("th", labels[key], { scope: "row" }));
    for (const [, code] of codes) tr.append(cell("td", get(code)));
  }
  // The table scrolls sideways on narrow screens: a named region that takes keyboard focus.
  const wrap = Object.assign(document.createElement("div"), { className: "compare-wrap table-wrap", tabIndex: 0 });
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", labels.caption || document.querySelector("h1")?.textContent || "");
  wrap.append(table);
  output.replaceChildren(wrap);
  status.textContent = "";
  done("table");
}

/** Keeps the choice in the address, so a comparison can be shared. */
function url(slugs) {
  const u = new URL(location.href);
  if (slugs.length) u.searchParams.set("s", slugs.join(","));
  else u.searchParams.delete("s");
  history.replaceState(null, "", u);
}

if (app) {
  const fromUrl = (new URL(location.href).searchParams.get("s") || "").split(",").filter(Boolean).slice(0, MAX);
  if (fromUrl.length) save(fromUrl);
  render(app, fromUrl.length ? fromUrl : load());
}
initToggles();
