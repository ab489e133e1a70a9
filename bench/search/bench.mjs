// Allmende's search against Pagefind on the same built site (not a test: prints figures).
//
//   node bench/search/bench.mjs SITE_DIR [--queries de|en|both] [--no-throttle] [--http2] [--gzip]
//
// SITE_DIR is the output of `allmende build` (e.g. public/ or target/bench/cat/public).
// Pagefind (npm `pagefind`, installed into bench/search/node_modules by `npm ci` there) indexes
// the same entry pages (SITE_DIR/{de,en}/software/<slug>/index.html) into SITE_DIR/pagefind/.
// Both are served by one node server on 127.0.0.1 over HTTP/1.1 (Chromium opens at most 6
// connections per host, so many small requests queue), compressed as a CDN does: brotli
// (quality 11) where the browser accepts it, else gzip -9; `--gzip` serves gzip only. Pagefind's
// index files come gzipped already and are served as they are. Before the measured visits,
// one unthrottled visit per query and peer lets the server compress what they fetch (a CDN
// keeps compressed copies). `--http2` serves HTTPS with HTTP/2 instead (a certificate for
// 127.0.0.1 made with Debian's `openssl`, which Chromium is told to accept); note that
// Chromium's emulated throttling then lets one large response hold up the small ones.
// Every visit is a fresh browser context (cold HTTP cache) in Debian's Chromium, optionally
// throttled through CDP Network.emulateNetworkConditions (150 ms latency, 1.6 Mbit/s down,
// 750 kbit/s up).
import http from "node:http";
import http2 from "node:http2";
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, "..", "..", "tests", "site", "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
const site = path.resolve(args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--queries") || "public");
const throttle = !args.includes("--no-throttle");
const http1 = !args.includes("--http2");
const brotli = !args.includes("--gzip");

// 20 fixed queries: German, English, compounds, typos, one-letter prefixes.
const ALL_QUERIES = [
  ["de", "Bürgerbeteiligung"], ["de", "Beteiligung"], ["de", "Buergerbeteiligung"], ["de", "Videokonferenz"],
  ["de", "Verwaltung"], ["de", "Ratsinformationssystem"], ["de", "Dokumentenmanagement"], ["de", "Karten Geodaten"],
  ["de", "Formular"], ["de", "Videokonferens"], ["de", "Verwaltnug"], ["de", "b"],
  ["en", "participation"], ["en", "video conferencing"], ["en", "document management"], ["en", "open data portal"],
  ["en", "citizen"], ["en", "partcipation"], ["en", "maps"], ["en", "v"],
];
const which = args.includes("--queries") ? args[args.indexOf("--queries") + 1] : "both";
const QUERIES = ALL_QUERIES.filter(([lang]) => which === "both" || which === lang);

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml", ".bin": "application/octet-stream" };
const INCOMPRESSIBLE = new Set([".png", ".jpg", ".webp", ".gif", ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"]);
const packed = new Map();

// A throwaway certificate for 127.0.0.1 (browsers speak HTTP/2 only over TLS).
function certificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "allmende-bench-tls-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "2",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: ["ignore", "ignore", "inherit"] });
    return { key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function encode(file, body, accepted) {
  const coding = brotli && /\bbr\b/.test(accepted) ? "br" : /gzip/.test(accepted) ? "gzip" : null;
  if (!coding) return [body, null];
  const key = `${coding}:${file}`;
  if (!packed.has(key)) {
    packed.set(key, coding === "br"
      ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : zlib.gzipSync(body, { level: 9 }));
  }
  return [packed.get(key), coding];
}

function serve(root) {
  const handler = (req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(root, p);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
    const ext = path.extname(file);
    const headers = { "content-type": TYPES[ext] || "application/octet-stream", "cache-control": "no-cache" };
    let body = fs.readFileSync(file);
    // Pagefind's files are gzipped already; everything else is compressed as a CDN would.
    if (!INCOMPRESSIBLE.has(ext)) {
      const [packedBody, coding] = encode(file, body, req.headers["accept-encoding"] || "");
      body = packedBody;
      if (coding) headers["content-encoding"] = coding;
    }
    res.writeHead(200, headers);
    res.end(body);
  };
  const server = http1 ? http.createServer(handler) : http2.createSecureServer({ ...certificate(), allowHTTP1: true }, handler);
  const scheme = http1 ? "http" : "https";
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `${scheme}://127.0.0.1:${server.address().port}` })));
}

function du(dir, filter = () => true) {
  let bytes = 0, files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const f = path.join(e.parentPath ?? e.path, e.name);
    if (!filter(f)) continue;
    bytes += fs.statSync(f).size;
    files += 1;
  }
  return { bytes, files };
}

function pagefind() {
  const bin = path.join(HERE, "node_modules", ".bin", "pagefind");
  if (!fs.existsSync(bin)) execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: HERE, stdio: "inherit" });
  fs.rmSync(path.join(site, "pagefind"), { recursive: true, force: true });
  const t = Date.now();
  execFileSync(bin, ["--site", site, "--glob", "{de,en}/software/*/index.html", "--output-subdir", "pagefind"], { stdio: ["ignore", "ignore", "inherit"] });
  const ms = Date.now() - t;
  // A minimal search page per language (Pagefind picks the index of the page's `lang`): the
  // same work as ours for first results (search, then the data of the first 10 hits, whose
  // fragments hold title and excerpt).
  for (const lang of ["de", "en"]) {
    fs.writeFileSync(path.join(site, `pagefind-search-${lang}.html`), `<!doctype html><html lang="${lang}"><meta charset="utf-8"><title>Pagefind</title><ul id="r"></ul>
<script type="module">
window.__pf = { firstResultsAt: null, error: null };
const q = new URL(location.href).searchParams.get("q") || "";
try {
  const pf = await import("/pagefind/pagefind.js");
  const s = await pf.search(q);
  const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
  document.getElementById("r").innerHTML = data.map((d) => "<li><a href='" + d.url + "'>" + (d.meta.title || d.url) + "</a> " + d.excerpt + "</li>").join("");
  window.__pf.total = s.results.length;
  window.__pf.firstResultsAt = performance.now();
  window.__pf.search = async (q) => { const t = performance.now(); const r = await pf.search(q); await Promise.all(r.results.slice(0, 10).map((x) => x.data())); return performance.now() - t; };
} catch (e) { window.__pf.error = String(e); }
</script></html>`);
  }
  return ms;
}

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--ignore-certificate-errors", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// `ready`: the first results are shown (for Allmende: the hits, whose facet counts may follow);
// `complete` (optional): the facet counts are shown too.
async function visit(browser, base, url, ready, classify, complete, throttled = throttle) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  if (throttled) {
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
  }
  const sizes = { engine: [0, 0], data: [0, 0], page: [0, 0] };
  // Playwright's page events include the page's dedicated workers (where both engines fetch
  // their index), which the page's own CDP session does not see. Bytes as transferred
  // (compressed body and headers).
  const counting = [];
  page.on("requestfinished", (req) => {
    counting.push(req.sizes().then((s) => {
      const k = classify(req.url());
      sizes[k][0] += 1;
      sizes[k][1] += s.responseBodySize + s.responseHeadersSize;
    }).catch(() => {}));
  });
  await page.goto(base + url);
  await page.waitForFunction(ready, null, { timeout: 120000 });
  // What had arrived when the first results were shown.
  await Promise.all(counting);
  const atHits = { engine: [...sizes.engine], data: [...sizes.data] };
  if (complete) await page.waitForFunction(complete, null, { timeout: 120000 });
  const result = await page.evaluate(() => {
    const s = window.__search || window.__pf;
    return { at: s.firstResultsAt, countsAt: s.countsAt, error: s.error, total: window.__search ? (document.getElementById("search-count").textContent) : s.total, first: window.__search?.first, stats: window.__search?.last?.stats, totals: window.__search?.last?.totals };
  });
  await page.waitForTimeout(100);
  await Promise.all(counting);
  return { page, context, sizes, atHits, ...result };
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const kb = (b) => (b / 1024).toFixed(1);

async function main() {
  if (!fs.existsSync(path.join(site, "search"))) throw new Error(`${site}/search missing: build the site with allmende build first`);
  console.log(`site: ${site}  throttled: ${throttle ? "150 ms latency, 1.6 Mbit/s" : "no"}  served: ${http1 ? "HTTP/1.1" : "HTTPS, HTTP/2"}, ${brotli ? "brotli/gzip" : "gzip"}`);
  const pfMs = pagefind();
  const ours = du(path.join(site, "search"));
  const pf = du(path.join(site, "pagefind"));
  const engineFiles = fs.readdirSync(path.join(site, "assets", "search")).map((f) => path.join(site, "assets", "search", f));
  const gz = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
  const br = (f) => zlib.brotliCompressSync(fs.readFileSync(f), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`index: allmende ${ours.files} files ${kb(ours.bytes)} KiB | pagefind ${pf.files} files ${kb(pf.bytes)} KiB (indexing took ${pfMs} ms)`);
  console.log(`engine (gzip -9 / brotli 11): allmende ${engineFiles.map((f) => `${path.basename(f)} ${kb(gz(f))}/${kb(br(f))} KiB`).join(", ")}`);

  const { server, url: base } = await serve(site);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
  const ourClass = (u) => (/\/assets\/search\/|\/assets\/search\.|engine\.|worker\./.test(u) ? "engine" : /\/search\/[^?]*\.bin$/.test(u) ? "data" : "page");
  const pfClass = (u) => (/pagefind\.js|\.wasm|pagefind-entry|pagefind-highlight/.test(u) ? "engine" : /\/pagefind\//.test(u) ? "data" : "page");
  const rows = [];
  const warmOurs = [], warmPf = [], coldCompute = [];
  const oursReady = () => window.__search && (window.__search.firstResultsAt !== null || window.__search.error);
  const oursComplete = () => window.__search.countsAt !== null || window.__search.error;
  const pfReady = () => window.__pf && (window.__pf.firstResultsAt !== null || window.__pf.error);
  for (const [lang, q] of QUERIES) {
    const enc = encodeURIComponent(q);
    for (const v of [
      await visit(browser, base, `/${lang}/search/?q=${enc}`, oursReady, ourClass, oursComplete, false),
      await visit(browser, base, `/pagefind-search-${lang}.html?q=${enc}`, pfReady, pfClass, null, false),
    ]) await v.context.close();
  }
  for (const [lang, q] of QUERIES) {
    const enc = encodeURIComponent(q);
    const a = await visit(browser, base, `/${lang}/search/?q=${enc}`, oursReady, ourClass, oursComplete);
    if (a.stats) coldCompute.push(a.stats.computeMs);
    for (let i = 0; i < 5; i += 1) {
      const t = await a.page.evaluate(async (qq) => { const m = await window.__search.ask({ q: qq }); return m.stats.computeMs; }, q);
      warmOurs.push(t);
    }
    await a.context.close();
    const b = await visit(browser, base, `/pagefind-search-${lang}.html?q=${enc}`, pfReady, pfClass);
    for (let i = 0; i < 5 && !b.error; i += 1) warmPf.push(await b.page.evaluate((qq) => window.__pf.search(qq), q));
    await b.context.close();
    const facetData = [a.sizes.data[0] - a.atHits.data[0], a.sizes.data[1] - a.atHits.data[1]];
    rows.push({
      q: `${lang}:${q}`,
      // Time to first results (hits shown) and to the facet counts shown after them.
      "ours ms": Math.round(a.at), "ours counts ms": Math.round(a.countsAt), "ours hits": (a.total || "").replace(/\D+/g, "") || a.error,
      "ours eng KiB/req": `${kb(a.sizes.engine[1])}/${a.sizes.engine[0]}`,
      // Per-query data to the first results (root file included), then the facet columns.
      "ours data KiB/req": `${kb(a.atHits.data[1])}/${a.atHits.data[0]}`, "ours facets KiB/req": `${kb(facetData[1])}/${facetData[0]}`,
      "rounds": a.first?.stats?.rounds, "counts rounds": a.first?.partial ? a.stats?.rounds : 0,
      // What the worker counts itself (decoded bytes: root + blocks + cards).
      "ours worker KiB/req": a.totals ? `${kb(a.totals.bytes)}/${a.totals.requests}` : "",
      "pf ms": Math.round(b.at), "pf hits": b.total ?? b.error,
      "pf eng KiB/req": `${kb(b.sizes.engine[1])}/${b.sizes.engine[0]}`, "pf data KiB/req": `${kb(b.sizes.data[1])}/${b.sizes.data[0]}`,
    });
  }
  console.table(rows);
  const span = (k) => { const xs = rows.map((r) => r[k]).filter(Number.isFinite); return `${Math.min(...xs)}–${Math.max(...xs)} ms (median ${pct(xs, 50)})`; };
  const kib = (k) => { const xs = rows.map((r) => Number(String(r[k]).split("/")[0])); return `median ${pct(xs, 50).toFixed(1)}, max ${Math.max(...xs).toFixed(1)} KiB`; };
  console.log(`time to first results: allmende ${span("ours ms")}, facet counts shown ${span("ours counts ms")} | pagefind ${span("pf ms")}`);
  console.log(`per-query data (transferred): allmende to first results ${kib("ours data KiB/req")}, facet columns ${kib("ours facets KiB/req")} | pagefind ${kib("pf data KiB/req")}`);
  console.log(`warm query in the worker (search + facets + top 20), ms: p50 ${pct(warmOurs, 50).toFixed(2)} p95 ${pct(warmOurs, 95).toFixed(2)} | cold engine compute p50 ${pct(coldCompute, 50).toFixed(1)}`);
  console.log(`pagefind warm search + data of 10, ms: p50 ${pct(warmPf, 50).toFixed(2)} p95 ${pct(warmPf, 95).toFixed(2)}`);
  await browser.close();
  server.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
