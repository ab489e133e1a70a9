// Comparison of 2–4 entries: a checkbox on list and entry pages collects slugs in
// localStorage; the compare page (/{lang}/compare/?s=a,b,c) fetches the per-entry JSON
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

function initToggles() {
  const chosen = load();
  for (const box of document.querySelectorAll("input[data-compare]")) {
    box.closest(".compare-toggle").hidden = false;
    box.checked = chosen.includes(box.dataset.compare);
    box.addEventListener("change", () => {
      let list = load().filter((s) => s !== box.dataset.compare);
      if (box.checked) list.push(box.dataset.compare);
      if (list.length > MAX) { list = list.slice(-MAX); }
      save(list);
      if (app) render(app, list);
    });
  }
}

function text(el, value) { el.textContent = value ?? "–"; return el; }

function description(code, lang) {
  const d = code.description || {};
  return d[lang] || d[Object.keys(d)[0]] || {};
}

async function render(root, slugs) {
  const labels = JSON.parse(root.dataset.labels || "{}");
  const lang = root.dataset.lang;
  root.replaceChildren();
  const status = document.createElement("p");
  status.setAttribute("role", "status");
  root.append(status);
  if (slugs.length < 2) { status.textContent = labels.choose; return; }
  let codes;
  try {
    codes = await Promise.all(slugs.map(async (s) => {
      const r = await fetch(`/data/software/${encodeURIComponent(s)}.json`);
      if (!r.ok) throw new Error(r.status);
      return [s, await r.json()];
    }));
  } catch { status.textContent = labels.failed; return; }
  const rows = [
    ["status", (c) => c.developmentStatus],
    ["type", (c) => c.softwareType],
    ["license", (c) => c.legal?.license],
    ["version", (c) => c.softwareVersion],
    ["release", (c) => c.releaseDate],
    ["platforms", (c) => (c.platforms || []).join(", ")],
    ["maintenance", (c) => c.maintenance?.type],
    ["languages", (c) => (c.localisation?.availableLanguages || []).join(", ")],
    ["organisation", (c) => c.organisation?.name || c.organisation?.uri],
    ["categories", (c) => (c.categories || []).join(", ")],
  ];
  const wrap = document.createElement("div");
  wrap.className = "compare-wrap";
  const table = document.createElement("table");
  table.className = "compare-table";
  const cap = document.createElement("caption");
  cap.className = "visually-hidden";
  cap.textContent = document.querySelector("h1")?.textContent || "";
  const head = table.createTHead().insertRow();
  head.append(text(Object.assign(document.createElement("th"), { scope: "col" }), labels.field));
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
    tr.append(text(Object.assign(document.createElement("th"), { scope: "row" }), labels[key]));
    for (const [, code] of codes) tr.append(text(document.createElement("td"), get(code)));
  }
  table.prepend(cap);
  wrap.append(table);
  status.textContent = "";
  root.append(wrap);
  const url = new URL(location.href);
  url.searchParams.set("s", slugs.join(","));
  history.replaceState(null, "", url);
}

const app = document.getElementById("compare-app");
if (app) {
  const fromUrl = (new URL(location.href).searchParams.get("s") || "").split(",").filter(Boolean).slice(0, MAX);
  if (fromUrl.length) save(fromUrl);
  render(app, fromUrl.length ? fromUrl : load());
}
initToggles();
