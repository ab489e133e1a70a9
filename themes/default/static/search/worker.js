// The search engine's worker: allmende-search (tantivy) compiled to WebAssembly
// (search-wasm/, built by search-wasm/build-wasm.sh into engine.wasm beside this file).
//
// The index arrives lazily: one root file names content-hashed blocks of 8 KiB, and a query
// fetches only the blocks it touches. The engine cannot wait for the network, so a query is
// an attempt that either answers or names the blocks it needs; those are fetched together and
// the query runs again (each attempt is a few milliseconds). Blocks stay in memory for the
// page's lifetime and the HTTP cache keeps them longer (their names change with their bytes).
//
// Messages in:  {type: "init", engine, root, lang}
//               {type: "query", id, request}   (request: allmende_search::SearchRequest)
// Messages out: {type: "result", id, response, stats} | {type: "error", id, message}
"use strict";

const enc = new TextEncoder();
const dec = new TextDecoder();
let config = null;
let engine = null; // the instance's exports
let ready = null; // Promise of the open engine
let latest = 0;
const bytesByName = new Map(); // block name → Promise<Uint8Array>
const placed = []; // [file, block, name] of every block handed to the engine
const totals = { requests: 0, bytes: 0 };

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
function loadModule() {
  modulePromise ??= (async () => {
    const r = await fetch(config.engine);
    if (!r.ok) throw new Error(`${config.engine}: HTTP ${r.status}`);
    totals.requests += 1;
    const bytes = await r.arrayBuffer();
    totals.bytes += bytes.byteLength;
    return WebAssembly.compile(bytes);
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
  // After a restart (see `attempt`), hand back every block already fetched.
  for (const [file, block, name] of placed) {
    const b = await bytesByName.get(name);
    engine.add_block(file, block, put(b), b.length);
  }
}

async function open() {
  // Engine and root file load side by side: the cold start costs one round trip.
  const [root] = await Promise.all([fetchBytes(config.rootUrl), loadModule()]);
  await instantiate(root);
  return root;
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
    await Promise.all(a.need.map(async ({ file, block, name }) => {
      if (!bytesByName.has(name)) bytesByName.set(name, fetchBytes(new URL(name, config.rootUrl)));
      let b;
      try {
        b = await bytesByName.get(name);
      } catch (e) {
        bytesByName.delete(name); // let a later query try again
        throw e;
      }
      if (engine.add_block(file, block, put(b), b.length) === 0) placed.push([file, block, name]);
    }));
  }
  throw new Error("the query needed more rounds of index blocks than expected");
}

self.onmessage = async (ev) => {
  const m = ev.data;
  if (m.type === "init") {
    config = { ...m, rootUrl: new URL(m.root, self.location.href).href };
    ready = open();
    ready.catch(() => {});
    return;
  }
  if (m.type === "query") {
    latest = m.id;
    try {
      const out = await run(m.id, m.request);
      if (out) self.postMessage({ type: "result", id: m.id, ...out, totals: { ...totals } });
    } catch (e) {
      self.postMessage({ type: "error", id: m.id, message: String(e && e.message || e) });
    }
  }
};
