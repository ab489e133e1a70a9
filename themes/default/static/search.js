// Search on /{lang}/search/?q=…: matches every word of the query against names, short
// descriptions, features and categories in a compact per-language list, best matches
// (in the name) first. State lives in the URL so results can be shared and the back
// button works. The full search engine (tantivy in WebAssembly) replaces this list later.
const list = document.getElementById("search-results");
const count = document.getElementById("search-count");
const input = document.getElementById("search-q");
const labels = JSON.parse(list.dataset.labels || "{}");

// Folding makes "Buergerbeteiligung", "burgerbeteiligung" and "Bürgerbeteiligung" equal.
function fold(s) {
  return s.toLowerCase()
    .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}

let index = null;
async function load() {
  if (!index) {
    const r = await fetch(list.dataset.index);
    if (!r.ok) throw new Error(String(r.status));
    index = (await r.json()).map((e) => ({ ...e, name_f: fold(e.name), text_f: fold([e.name, e.short, e.features, e.categories].join(" ")) }));
  }
  return index;
}

function render(hits, q) {
  list.replaceChildren();
  for (const h of hits.slice(0, 100)) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = h.url;
    a.textContent = h.name;
    const p = document.createElement("p");
    p.textContent = h.short;
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = `${h.status} · ${h.license}`;
    li.append(a, p, meta);
    list.append(li);
  }
  count.textContent = q ? (labels.count || "{n}").replace("{n}", hits.length) : "";
}

async function run(q) {
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (!words.length) { render([], ""); return; }
  let entries;
  try { entries = await load(); } catch { count.textContent = labels.failed; return; }
  const hits = entries
    .filter((e) => words.every((w) => e.text_f.includes(w)))
    .map((e) => ({ e, score: words.reduce((s, w) => s + (e.name_f.startsWith(w) ? 4 : e.name_f.includes(w) ? 2 : 0), 0) }))
    .sort((a, b) => b.score - a.score || a.e.name_f.localeCompare(b.e.name_f))
    .map((x) => x.e);
  render(hits, q);
}

const initial = new URL(location.href).searchParams.get("q") || "";
input.value = initial;
run(initial);
let timer;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    const url = new URL(location.href);
    if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    run(input.value);
  }, 120);
});
document.getElementById("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.pushState(null, "", url);
  run(input.value);
});
window.addEventListener("popstate", () => {
  const q = new URL(location.href).searchParams.get("q") || "";
  input.value = q;
  run(q);
});
