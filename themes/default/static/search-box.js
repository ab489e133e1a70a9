// Live results under the header's search box (and the home page's): a WAI-ARIA 1.2 combobox
// with a listbox popup. Without JavaScript the form stays a plain GET form to /{lang}/search/.
//
// The engine is the search page's: the same worker (search/worker.js) and engine.wasm over the
// same lazily fetched index. Their content-hashed addresses and the labels are read from the
// search page itself (fetched once, when the box first gets focus), so no page but the search
// page has to name the index's root file.
//
// Keys: typing shows up to 6 entries; Down/Up move through them (Alt+Down opens the list
// again); Enter opens the entry chosen, or without one submits the form (the search page
// with ?q=); Escape closes the list, a second Escape clears the box; Tab leaves it.
const LIMIT = 6;
const DELAY = 120;

for (const form of document.querySelectorAll("form[data-live-search]")) enhance(form);

function enhance(form) {
  const input = form.querySelector("input[type=search]");
  if (!input) return;
  const lang = form.dataset.lang;
  const listId = `${input.id}-results`;
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "live-results";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  // Names the list after the box's own label.
  const label = form.querySelector(`label[for="${input.id}"]`);
  if (label) {
    label.id ||= `${input.id}-label`;
    list.setAttribute("aria-labelledby", label.id);
  }
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.style.position = "relative";
  form.append(list, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let config = null; // {worker, engine, root, labels} from the search page
  let worker = null;
  let nextId = 0;
  let options = []; // hits shown
  let active = -1;
  let timer = null;
  const pending = new Map();
  const probe = (window.__searchBox ||= { queries: 0, error: null });

  async function start() {
    if (config) return config;
    config = (async () => {
      const r = await fetch(form.action, { credentials: "same-origin" });
      if (!r.ok) throw new Error(`${form.action}: HTTP ${r.status}`);
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      const el = doc.getElementById("search-results");
      if (!el) throw new Error(`${form.action}: no #search-results`);
      const base = new URL(form.action, location.href);
      const abs = (u) => new URL(u, base).href;
      const c = { worker: abs(el.dataset.worker), engine: abs(el.dataset.engine), root: abs(el.dataset.root), labels: JSON.parse(el.dataset.labels || "{}") };
      worker = new Worker(c.worker);
      worker.onmessage = (ev) => {
        const m = ev.data;
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.type === "result") p.resolve(m); else p.reject(new Error(m.message));
      };
      worker.postMessage({ type: "init", engine: c.engine, root: c.root, lang });
      return c;
    })();
    return config;
  }

  async function ask(q) {
    const c = await start();
    const id = ++nextId;
    // The worker drops a query superseded while its blocks load: forget the older ones.
    for (const [k, p] of pending) if (k < id) { p.resolve(null); pending.delete(k); }
    const m = await new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // The list shows no facets: without counts the worker never fetches the facet columns.
      worker.postMessage({ type: "query", id, request: { q, lang, filters: {}, sort: "relevance", offset: 0, limit: LIMIT, counts: false } });
    });
    return m && id === nextId ? { m, labels: c.labels } : null;
  }

  function setActive(i) {
    const items = list.querySelectorAll("[role=option]");
    items.forEach((li, k) => li.setAttribute("aria-selected", String(k === i)));
    active = i;
    if (i >= 0 && items[i]) {
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(show) {
    const visible = show && options.length > 0;
    list.hidden = !visible;
    input.setAttribute("aria-expanded", String(visible));
    if (!visible) setActive(-1);
  }

  function render(hits) {
    options = hits;
    list.replaceChildren();
    hits.forEach((h, i) => {
      const li = document.createElement("li");
      li.id = `${listId}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = h.url;
      const name = document.createElement("span");
      name.className = "live-name";
      name.textContent = h.name;
      const text = document.createElement("span");
      text.className = "live-text";
      // The engine escapes the text and adds only <mark> around matched words.
      text.innerHTML = h.snippet_html;
      li.append(name, text);
      list.append(li);
    });
    setActive(-1);
  }

  async function update() {
    const q = input.value;
    if (!q.trim()) {
      render([]);
      open(false);
      status.textContent = "";
      return;
    }
    let out;
    try {
      out = await ask(q);
    } catch (e) {
      probe.error = String(e.message || e);
      return; // the form still works: Enter goes to the search page
    }
    if (!out || input.value !== q) return;
    const { m, labels } = out;
    const s = labels.search || {};
    render(m.response.hits);
    open(document.activeElement === input);
    const n = m.response.total;
    status.textContent = n === 0 ? s.none || "0" : (s.count || "{n}").replace("{n}", n.toLocaleString(lang));
    probe.queries += 1;
    probe.last = { q, total: n, stats: m.stats };
  }

  function go(i) {
    const h = options[i];
    if (h) location.href = new URL(h.url, location.href).href;
  }

  input.addEventListener("focus", () => { start().catch((e) => { probe.error = String(e.message || e); }); });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, DELAY);
  });
  input.addEventListener("keydown", (ev) => {
    const n = options.length;
    if (ev.key === "ArrowDown") {
      if (!n) return;
      ev.preventDefault();
      if (list.hidden) { open(true); if (ev.altKey) return; }
      setActive(active + 1 >= n ? 0 : active + 1);
    } else if (ev.key === "ArrowUp") {
      if (!n || list.hidden) return;
      ev.preventDefault();
      setActive(active <= 0 ? n - 1 : active - 1);
    } else if (ev.key === "Enter") {
      if (!list.hidden && active >= 0) {
        ev.preventDefault();
        go(active);
      }
    } else if (ev.key === "Escape") {
      if (!list.hidden) {
        ev.preventDefault();
        open(false);
      } else if (input.value) {
        ev.preventDefault();
        input.value = "";
        render([]);
        status.textContent = "";
      }
    }
  });
  input.addEventListener("blur", () => open(false));
  // Keep focus in the box while the pointer picks an option.
  list.addEventListener("mousedown", (ev) => ev.preventDefault());
  list.addEventListener("click", (ev) => {
    const li = ev.target.closest && ev.target.closest("[role=option]");
    if (li) go([...list.children].indexOf(li));
  });
}
