// The search engine's worker: allmende-search (tantivy) compiled to WebAssembly
// (search-wasm/, built by search-wasm/build-wasm.sh into engine.wasm beside this file).
//
// The index arrives lazily: one root file names small content-hashed blocks (posting lists
// cut where lists start, the rest in 8 KiB) and small files of hit cards, and a query fetches
// only the blocks and cards it touches. The engine cannot wait for the network, so a query is
// an attempt that either answers or names the blocks it needs; those are fetched together and
// the query runs again (each attempt is a few milliseconds). Blocks stay in memory for the
// page's lifetime and the HTTP cache keeps them longer (their names change with their bytes).
//
// Hits first, facet counts after: the facet columns (~30 KiB gzip at 10,000 entries) are
// not fetched with the engine. A query that asks for counts (`request.counts`, default true)
// while no counted query has run yet goes in two steps: without counts (it reads no facet
// column but those it filters by), answered as a partial result the page shows at once; then
// with counts, which fetches the facet columns once per visit. Later queries go in one step.
// The first step asks for a screen's worth of hits (FIRST_HITS) only: each hit needs its card
// file, and over HTTP/1.1 a browser fetches 6 files at a time, so they come in one wave
// instead of four for a page of 20; the rest of the page comes with the counts.
//
// Messages in:  {type: "init", engine, root, lang, module}  (module "page": the page compiles
//               the engine, whose download its preload link started, and sends it as
//               {type: "module", module}; anything else: the worker fetches it itself)
//               {type: "module", module}   (a WebAssembly.Module, or null to fetch it here)
//               {type: "query", id, request}   (request: allmende_search::SearchRequest)
// Messages out: {type: "result", id, response, stats, partial} (partial: hits without facet
//               counts, the complete result follows with the same id) | {type: "error", id, message}
"use strict";

const enc = new TextEncoder();
const dec = new TextDecoder();
let config = null;
let engine = null; // the instance's exports
let opened; // resolves `ready` once "init" came
let ready = new Promise((resolve) => { opened = resolve; }); // the root file, once open
let latest = 0;
// True once a query with facet counts has run: the facet columns are decoded in the engine,
// so counting costs no fetch any more.
let countsReady = false;
const bytesByName = new Map(); // block name → Promise<Uint8Array>
const placed = []; // every need ({file, block, name} or {cards, name}) handed to the engine
const totals = { requests: 0, bytes: 0 };
const FIRST_HITS = 6;

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  const b = new Uint8Array(await r.arrayBuffer());
  totals.requests += 1;
  totals.bytes += b.length;
  return b;
}

function put(bytes) {
  const ptr = engine.alloc(bytes.length);
  new Uint8Array(engine.memory.buffer, ptr, bytes.length).set(bytes);
  return ptr;
}

function answer() {
  const view = new Uint8Array(engine.memory.buffer, engine.result_ptr(), engine.result_len());
  return JSON.parse(dec.decode(view));
}

let modulePromise = null;
let moduleFromPage = null; // resolves with what the page sent
let moduleArrived = null;
function loadModule() {
  modulePromise ??= (async () => {
    const given = moduleFromPage && (await moduleFromPage);
    if (given instanceof WebAssembly.Module) return given;
    const r = await fetch(config.engine);
    if (!r.ok) throw new Error(`${config.engine}: HTTP ${r.status}`);
    totals.requests += 1;
    const counted = r.clone().arrayBuffer().then((b) => { totals.bytes += b.byteLength; });
    // Compiles while the bytes stream in (needs the server's application/wasm type).
    const module = await WebAssembly.compileStreaming(r).catch(async () => WebAssembly.compile(await (await fetch(config.engine)).arrayBuffer()));
    await counted;
    return module;
  })();
  return modulePromise;
}

async function instantiate(root) {
  const module = await loadModule();
  let exports = null;
  const instance = await WebAssembly.instantiate(module, {
    env: {
      // getrandom's hook; reading the index never needs randomness, linking does.
      random_fill(ptr, len) {
        for (let off = 0; off < len; off += 65536) {
          crypto.getRandomValues(new Uint8Array(exports.memory.buffer, ptr + off, Math.min(65536, len - off)));
        }
      },
    },
  });
  exports = instance.exports;
  engine = exports;
  const lang = enc.encode(config.lang);
  const rootPtr = put(root);
  const langPtr = put(lang);
  if (engine.open(rootPtr, root.length, langPtr, lang.length) !== 0) throw new Error(answer().error);
  // After a restart (see `attempt`), hand back every file already fetched.
  for (const need of placed) hand(need, await bytesByName.get(need.name));
}

// Starts fetching the blocks every query reads (the root's `eager` list: length norms, small
// term dictionaries; for a small catalogue also its postings and columns, and its cards in
// `eager_cards`) while the engine is still on its way.
function fetchEager(root) {
  const len = new DataView(root.buffer, root.byteOffset).getUint32(4, true);
  const manifest = JSON.parse(dec.decode(root.subarray(8, 8 + len)));
  const blocks = (manifest.eager || []).map(([file, block]) => ({ file, block, name: manifest.files[file].blocks[block] }));
  const cards = (manifest.eager_cards || []).map(([n, name]) => ({ cards: n, name }));
  return blocks.concat(cards).map((need) => {
    if (!bytesByName.has(need.name)) bytesByName.set(need.name, fetchBytes(new URL(need.name, config.rootUrl)));
    return need;
  });
}

async function open() {
  // Engine and root file load side by side, and the eager blocks as soon as the root is there.
  const rootPromise = fetchBytes(config.rootUrl);
  const eager = rootPromise.then(fetchEager);
  const [root] = await Promise.all([rootPromise, loadModule()]);
  await instantiate(root);
  // Each eager file goes to the engine as it arrives; a query does not wait for all of them
  // (the hits of a small catalogue need no facet column): what it misses it asks for, and
  // `run` then waits for the fetch already under way.
  for (const need of await eager) {
    bytesByName.get(need.name).then(
      (b) => { if (hand(need, b) === 0) placed.push(need); },
      () => { bytesByName.delete(need.name); }, // the query asks again
    );
  }
  return root;
}

// Gives the engine a fetched file: an index block or a file of hit cards.
function hand(need, b) {
  return "cards" in need
    ? engine.add_cards(need.cards, put(b), b.length)
    : engine.add_block(need.file, need.block, put(b), b.length);
}

function attempt(request) {
  const bytes = enc.encode(JSON.stringify(request));
  engine.query(put(bytes), bytes.length);
  return answer();
}

async function run(id, request) {
  const root = await ready;
  const started = performance.now();
  const before = { ...totals };
  let compute = 0;
  let rounds = 0;
  for (let i = 0; i < 16; i += 1) {
    const t = performance.now();
    let a;
    try {
      a = attempt(request);
    } catch (e) {
      // A trap (the engine aborts on a bug rather than unwinding) leaves the instance
      // unusable: start a fresh one with the blocks we have and try once more.
      if (!(e instanceof WebAssembly.RuntimeError) || i > 0) throw e;
      await instantiate(root);
      a = attempt(request);
    }
    compute += performance.now() - t;
    if (a.error) throw new Error(a.error);
    if (a.ok) {
      return {
        response: a.ok,
        stats: {
          ms: performance.now() - started,
          computeMs: compute,
          rounds,
          requests: totals.requests - before.requests,
          bytes: totals.bytes - before.bytes,
        },
      };
    }
    if (id !== latest) return null; // superseded while typing: keep the blocks, drop the answer
    rounds += 1;
    // Counting stops at the first facet column still missing, before the hits are known; the
    // same query without counts names the hits' cards, so both come in this round.
    let needs = a.need;
    if (request.counts !== false) {
      const names = new Set(needs.map((n) => n.name));
      const hitsOnly = attempt({ ...request, counts: false });
      if (hitsOnly.need) needs = needs.concat(hitsOnly.need.filter((n) => !names.has(n.name)));
    }
    await Promise.all(needs.map(async (need) => {
      const { name } = need;
      if (!bytesByName.has(name)) bytesByName.set(name, fetchBytes(new URL(name, config.rootUrl)));
      let b;
      try {
        b = await bytesByName.get(name);
      } catch (e) {
        bytesByName.delete(name); // let a later query try again
        throw e;
      }
      if (hand(need, b) === 0) placed.push(need);
    }));
  }
  throw new Error("the query needed more rounds of index blocks than expected");
}

self.onmessage = async (ev) => {
  const m = ev.data;
  if (m.type === "init") {
    config = { ...m, rootUrl: new URL(m.root, self.location.href).href };
    if (m.module === "page") moduleFromPage = new Promise((resolve) => { moduleArrived = resolve; });
    const o = open();
    o.catch(() => {});
    opened(o);
    return;
  }
  if (m.type === "module") {
    moduleArrived?.(m.module);
    return;
  }
  if (m.type === "query") {
    latest = m.id;
    const counts = m.request.counts !== false;
    try {
      if (counts && !countsReady) {
        const limit = Math.min(m.request.limit ?? FIRST_HITS, FIRST_HITS);
        const hits = await run(m.id, { ...m.request, counts: false, limit });
        if (!hits) return;
        self.postMessage({ type: "result", id: m.id, partial: true, ...hits, totals: { ...totals } });
        // Superseded while the hits were on their way: the next query fetches the columns.
        if (m.id !== latest) return;
      }
      const out = await run(m.id, m.request);
      if (out && counts) countsReady = true;
      if (out) self.postMessage({ type: "result", id: m.id, partial: false, ...out, totals: { ...totals } });
    } catch (e) {
      self.postMessage({ type: "error", id: m.id, message: String(e && e.message || e) });
    }
  }
};
