// The tickets and forum API as the pages use it (contract: /api/v1, JSON bodies, list
// envelope {items, next_cursor}, RFC 9457 problem+json errors, ETag + If-Match on changes).
// The login session lives here too, because every request carries its bearer token.
const SESSION = "allmende-session";

/** `<body data-api>` (site.toml `api_url`) as the absolute address of `/api/v1`, or null. */
export function base() {
  const raw = document.body.dataset.api;
  if (!raw) return null;
  const u = new URL(raw, location.href);
  let path = u.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/api/v1")) path += "/api/v1";
  return u.origin + path;
}

/** The stored login: { token, via: "dev" | "oidc", me, expires_at?, … } or null. */
export function session() {
  let s = null;
  try { s = JSON.parse(sessionStorage.getItem(SESSION) || "null"); } catch { /* storage off */ }
  if (s && s.expires_at && Date.now() > s.expires_at) {
    clearSession();
    return null;
  }
  return s && typeof s.token === "string" ? s : null;
}

export function setSession(s) {
  try { sessionStorage.setItem(SESSION, JSON.stringify(s)); } catch { /* storage off: this page only */ }
  document.dispatchEvent(new CustomEvent("allmende-session"));
}

export function clearSession() {
  try { sessionStorage.removeItem(SESSION); } catch { /* storage off */ }
  document.dispatchEvent(new CustomEvent("allmende-session"));
}

/** The API answered with an error (problem+json: title, title_de, detail, errors[]). */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || "";
    this.titleDe = problem.title_de || "";
    this.detail = problem.detail || "";
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    const retry = Number(headers.get("Retry-After") || problem.retry_after);
    this.retryAfter = Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : 0;
  }
}

/** No answer from the API at all, or not the API answering (a proxy error, a static host's HTML). */
export class Unreachable extends Error {}

/** Encodes one path segment. */
export const seg = (v) => encodeURIComponent(String(v));

/**
 * One request. `body` is sent as JSON, `query` as search parameters, `ifMatch` as If-Match.
 * Resolves to { data, etag }; rejects with ApiError or Unreachable.
 */
export async function request(method, path, { body, query, ifMatch } = {}) {
  const root = base();
  if (!root) throw new Unreachable("no api_url");
  const url = new URL(root + path);
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  const headers = { Accept: "application/json, application/problem+json" };
  const s = session();
  if (s) headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch) headers["If-Match"] = ifMatch;
  let r;
  try {
    r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-cache" });
  } catch (e) {
    throw new Unreachable(e.message);
  }
  const type = r.headers.get("Content-Type") || "";
  const json = /json/.test(type);
  if (!r.ok) {
    // Gateways answer 502–504 without the API, and a static host has no /api at all.
    if (!json && (r.status >= 500 || r.status === 404 || r.status === 405)) throw new Unreachable(`HTTP ${r.status}`);
    const problem = json ? await r.json().catch(() => ({})) : {};
    // The token expired or was revoked: forget it, so the page offers to log in again.
    if (r.status === 401 && s) clearSession();
    throw new ApiError(r.status, problem || {}, r.headers);
  }
  if (r.status === 204) return { data: null, etag: r.headers.get("ETag") };
  if (!json) throw new Unreachable(`not JSON: ${type}`);
  return { data: await r.json(), etag: r.headers.get("ETag") };
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body) => request("POST", path, { body });

/** One page of a list: { items, next } (`next` is the cursor of the following page, or null). */
export async function page(path, query) {
  const { data } = await get(path, query);
  return { items: Array.isArray(data?.items) ? data.items : [], next: data?.next_cursor || null };
}
