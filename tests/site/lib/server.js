// A tiny static file server for the built site: 127.0.0.1, a random free port,
// `index.html` for directories, `404.html` (status 404) for anything missing. Requests below
// /api/ (the demo's `api_url = "/"`) go to `options.api`: a request handler (the fake API), the
// address of a running API to forward to, or "down" to close the connection unanswered.
// `options.routes` maps further path prefixes to request handlers (the test login provider).
import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".xml": "application/xml",
  ".atom": "application/atom+xml",
  ".ttl": "text/turtle; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".yml": "text/yaml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

async function fileFor(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const full = path.join(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) return null; // no ../ escapes
  try {
    const st = await fs.stat(full);
    if (st.isFile()) return full;
    if (st.isDirectory()) {
      const index = path.join(full, "index.html");
      if ((await fs.stat(index)).isFile()) return index;
    }
  } catch {
    /* missing */
  }
  return null;
}

/** Forwards one request to the API at `upstream` (loopback, so its dev login answers). */
function forward(upstream, req, res) {
  const target = new URL(req.url, upstream);
  const headers = { ...req.headers, host: target.host };
  const out = http.request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  out.on("error", () => res.destroy());
  req.pipe(out);
}

/** Starts the server; resolves to { url, close() }. */
export async function serve(root, options = {}) {
  root = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, "http://localhost");
    const extra = Object.entries(options.routes || {}).find(([prefix]) => pathname.startsWith(prefix));
    if (extra) {
      extra[1](req, res).catch(() => res.destroy());
      return;
    }
    if (pathname.startsWith("/api/") && options.api) {
      if (options.api === "down") req.socket.destroy();
      else if (typeof options.api === "function") options.api(req, res).catch(() => res.destroy());
      else forward(options.api, req, res);
      return;
    }
    let file = await fileFor(root, pathname);
    let status = 200;
    if (!file) {
      status = 404;
      file = path.join(root, "404.html");
    }
    let body;
    try {
      body = await fs.readFile(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(status, {
      "content-type": TYPES[path.extname(file).toLowerCase()] || "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
