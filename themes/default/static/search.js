// The search page /{lang}/search/?q=…&category=…&sort=…: results as you type, facets with
// live counts, sorting. The engine (tantivy in WebAssembly) runs in a worker
// (search/worker.js) over an index it fetches in small blocks. State lives in the URL, so a
// result list can be shared and the back button returns to the previous one.
const list = document.getElementById("search-results");
const count = document.getElementById("search-count");
const input = document.getElementById("search-q");
const form = document.getElementById("search-form");
const sortSelect = document.getElementById("search-sort");
const filtersBox = document.getElementById("search-filters");
const facetsBox = document.getElementById("search-facets");
const facetsWrap = document.getElementById("search-facets-wrap");
const moreWrap = document.getElementById("search-more-wrap");
const moreButton = document.getElementById("search-more");
const labels = JSON.parse(list.dataset.labels || "{}");
const lang = list.dataset.lang;
const FACETS = ["category", "status", "type", "license", "platform", "maintenance", "organisation", "audience"];
const TRANSLATED = new Set(["category", "status", "type", "maintenance", "audience"]);
const PAGE = 20;
const SHOWN_VALUES = 8;

// Shared with the browser tests and the benchmark: what the last query cost.
// `queries` counts complete answers (hits and facet counts), `hitsShown` the hit lists shown;
// `firstResultsAt` is when the first hits were shown, `countsAt` when their facet counts were.
const probe = (window.__search = { queries: 0, hitsShown: 0, last: null, first: null, firstResultsAt: null, countsAt: null, error: null });
// The benchmark (bench/search/) times warm queries through the same worker.
probe.ask = (request) => ask({ lang, filters: {}, sort: "relevance", offset: 0, limit: PAGE, ...request });

let worker = null;
let nextId = 0;
const pending = new Map();
function engine() {
  if (!worker) {
    worker = new Worker(list.dataset.worker);
    worker.onmessage = (ev) => {
      const m = ev.data;
      const p = pending.get(m.id);
      if (!p) return;
      // Hits before their facet counts: the complete answer follows with the same id.
      if (m.type === "result" && m.partial) { p.partial?.(m); return; }
      pending.delete(m.id);
      if (m.type === "result") p.resolve(m); else p.reject(new Error(m.message));
    };
    worker.postMessage({ type: "init", engine: list.dataset.engine, root: list.dataset.root, lang, module: "page" });
    // The engine is fetched here rather than in the worker: the page's preload link
    // (search.html) started its download while the HTML was parsed, and only the page can take
    // it over. It compiles while it streams in; the worker gets the module (or null and then
    // fetches it itself).
    WebAssembly.compileStreaming(fetch(list.dataset.engine))
      .catch(() => null)
      .then((module) => worker.postMessage({ type: "module", module }));
  }
  return worker;
}
// Resolves with the complete answer; `partial` (optional) gets the hits first when the worker
// answers in two steps.
function ask(request, partial) {
  const id = ++nextId;
  // An older query the worker dropped (superseded) never answers: forget it.
  for (const [k, p] of pending) if (k < id) { p.resolve(null); pending.delete(k); }
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, partial });
    engine().postMessage({ type: "query", id, request });
  });
}

function fmt(template, n) {
  return (template || "{n}").replace("{n}", n.toLocaleString(lang));
}
function valueLabel(facet, value) {
  return (TRANSLATED.has(facet) && labels[facet] && labels[facet][value]) || value;
}

function readState() {
  const p = new URL(location.href).searchParams;
  const filters = {};
  for (const f of FACETS) {
    const v = p.getAll(f).filter(Boolean);
    if (v.length) filters[f] = v;
  }
  const sort = ["name", "updated"].includes(p.get("sort")) ? p.get("sort") : "relevance";
  return { q: p.get("q") || "", sort, filters };
}
function writeState(state, push) {
  const url = new URL(location.href);
  url.search = "";
  if (state.q) url.searchParams.set("q", state.q);
  if (state.sort !== "relevance") url.searchParams.set("sort", state.sort);
  for (const f of FACETS) for (const v of state.filters[f] || []) url.searchParams.append(f, v);
  if (url.href === location.href) return;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

let state = readState();
let shown = [];
let total = 0;
const expanded = new Set();
let lastFacets = {};

function renderHits(hits, append) {
  if (!append) list.replaceChildren();
  for (const h of hits) {
    const li = document.createElement("li");
    li.className = "hit";
    if (h.logo) {
      const img = document.createElement("img");
      img.src = h.logo;
      img.alt = "";
      img.width = 40;
      img.height = 40;
      img.loading = "lazy";
      li.append(img);
    }
    const body = document.createElement("div");
    const a = document.createElement("a");
    a.href = h.url;
    a.className = "hit-name";
    a.textContent = h.name;
    const p = document.createElement("p");
    // The engine escapes the text and adds only <mark> around matched words.
    p.innerHTML = h.snippet_html;
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [valueLabel("status", h.status), h.license].filter(Boolean).join(" · ");
    body.append(a, p, meta);
    li.append(body);
    list.append(li);
  }
}

function renderFacets(facets) {
  const focused = document.activeElement && document.activeElement.id;
  facetsBox.replaceChildren();
  for (const key of FACETS) {
    const values = (facets[key] || []).filter(([v, n]) => n > 0 || (state.filters[key] || []).includes(v));
    if (!values.length) continue;
    const fs = document.createElement("fieldset");
    fs.dataset.facet = key;
    const legend = document.createElement("legend");
    legend.textContent = (labels.facet && labels.facet[key]) || key;
    fs.append(legend);
    const ul = document.createElement("ul");
    const limit = expanded.has(key) ? values.length : SHOWN_VALUES;
    values.forEach(([value, n], i) => {
      const selected = (state.filters[key] || []).includes(value);
      if (i >= limit && !selected) return;
      const li = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      // Named by value, so focus stays on the same value when counts reorder the list.
      box.id = `facet-${key}-${value.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0).toString(16)}`)}`;
      box.checked = selected;
      box.dataset.facet = key;
      box.dataset.value = value;
      const label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = `${valueLabel(key, value)} (${n.toLocaleString(lang)})`;
      li.append(box, label);
      ul.append(li);
    });
    fs.append(ul);
    if (values.length > limit) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "facet-more";
      more.id = `facet-more-${key}`;
      more.dataset.facet = key;
      more.textContent = fmt(labels.search && labels.search.show_more, values.length);
      fs.append(more);
    }
    facetsBox.append(fs);
  }
  filtersBox.hidden = false;
  if (focused) {
    const el = document.getElementById(focused);
    if (el) el.focus();
  }
}

function active() {
  return state.q.trim() !== "" || Object.keys(state.filters).length > 0;
}

// Facets while their counts are on the way: the box keeps its place and says so (visible
// text only; the live region announced the result count already).
function showCounting() {
  const p = document.createElement("p");
  p.className = "facets-counting";
  p.textContent = (labels.search && labels.search.counting) || "…";
  facetsBox.replaceChildren(p);
  facetsBox.setAttribute("aria-busy", "true");
  filtersBox.hidden = false;
}

function showHits(m, request, append) {
  const r = m.response;
  total = r.total;
  shown = append ? shown.concat(r.hits) : r.hits;
  renderHits(r.hits, append);
  list.removeAttribute("aria-busy");
  moreWrap.hidden = shown.length >= total;
  count.textContent = total === 0 ? (labels.search && labels.search.none) || "0" : fmt(labels.search && labels.search.count, total);
  probe.hitsShown += 1;
  probe.first = { request, partial: Boolean(m.partial), hits: r.hits.length, stats: m.stats, totals: m.totals };
  if (probe.firstResultsAt === null) probe.firstResultsAt = performance.now();
}

// The complete answer after a partial one (the worker sends the first hits of a cold query
// ahead): the hits shown stay where they are and the rest of the page goes below them.
function showRest(hits) {
  const same = shown.every((h, i) => hits[i] && hits[i].slug === h.slug);
  if (!same) {
    shown = hits;
    renderHits(hits, false);
  } else if (hits.length > shown.length) {
    renderHits(hits.slice(shown.length), true);
    shown = hits;
  }
  moreWrap.hidden = shown.length >= total;
}

let generation = 0;
async function run(append = false) {
  const gen = ++generation;
  if (!active()) {
    list.replaceChildren();
    count.textContent = "";
    moreWrap.hidden = true;
    filtersBox.hidden = true;
    shown = [];
    return;
  }
  // More of the same list needs no new counts.
  const request = { q: state.q, lang, filters: state.filters, sort: state.sort, offset: append ? shown.length : 0, limit: PAGE, counts: !append };
  list.setAttribute("aria-busy", "true");
  let hitsShown = false;
  let m;
  try {
    m = await ask(request, (partial) => {
      if (gen !== generation) return;
      hitsShown = true;
      showHits(partial, request, append);
      showCounting();
    });
  } catch (e) {
    if (gen !== generation) return;
    probe.error = String(e.message || e);
    const failed = (labels.search && labels.search.failed) || "";
    if (hitsShown) {
      // The hits stand; only the counts failed.
      facetsBox.removeAttribute("aria-busy");
      facetsBox.textContent = failed;
    } else {
      count.textContent = failed;
      list.removeAttribute("aria-busy");
    }
    return;
  }
  if (!m || gen !== generation) return;
  if (!hitsShown) showHits(m, request, append);
  else showRest(m.response.hits);
  if (!append) {
    lastFacets = m.response.facets;
    facetsBox.removeAttribute("aria-busy");
    renderFacets(m.response.facets);
    if (probe.countsAt === null) probe.countsAt = performance.now();
  }
  probe.queries += 1;
  probe.last = { request, stats: m.stats, totals: m.totals };
  list.dataset.queries = String(probe.queries);
}

function syncControls() {
  input.value = state.q;
  sortSelect.value = state.sort;
}

let timer;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    state = { ...state, q: input.value };
    writeState(state, false);
    run();
  }, 120);
});
form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearTimeout(timer);
  state = { ...state, q: input.value };
  writeState(state, true);
  run();
});
sortSelect.addEventListener("change", () => {
  state = { ...state, sort: sortSelect.value };
  writeState(state, true);
  run();
});
facetsBox.addEventListener("change", (ev) => {
  const box = ev.target;
  if (!box.dataset || !box.dataset.facet) return;
  const key = box.dataset.facet;
  const values = new Set(state.filters[key] || []);
  if (box.checked) values.add(box.dataset.value); else values.delete(box.dataset.value);
  const filters = { ...state.filters };
  if (values.size) filters[key] = [...values]; else delete filters[key];
  state = { ...state, filters };
  writeState(state, true);
  run();
});
facetsBox.addEventListener("click", (ev) => {
  const b = ev.target.closest && ev.target.closest("button.facet-more");
  if (!b) return;
  const key = b.dataset.facet;
  expanded.add(key);
  renderFacets(lastFacets);
  // The button is gone: continue at the first value it revealed.
  const next = facetsBox.querySelectorAll(`fieldset[data-facet="${key}"] input`)[SHOWN_VALUES];
  if (next) next.focus();
});
moreButton.addEventListener("click", () => run(true));
window.addEventListener("popstate", () => {
  state = readState();
  syncControls();
  run();
});
// Start the engine early when the reader is about to type.
input.addEventListener("focus", () => engine(), { once: true });

// Wide screens show the facets beside the hits; narrow ones fold them above the hits (the
// reader opens them), so facets filled in after the hits never move the list.
const wide = window.matchMedia("(min-width: 60rem)");
const fitFacets = () => { if (facetsWrap) facetsWrap.open = wide.matches; };
wide.addEventListener("change", fitFacets);
fitFacets();

syncControls();
run();
