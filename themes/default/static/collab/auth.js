// Logging in. Two ways: OpenID Connect authorization code + PKCE as a public client against
// the issuer in site.toml (no client secret, no cookies: the access token is kept in
// sessionStorage and sent as `Authorization: Bearer`), and the API's development login
// (`POST /dev/login`, loopback only). After either, `/me` says who is logged in and with
// which roles.
import { get, post, session, setSession, clearSession } from "allmende/collab/api.js";

const PENDING = "allmende-oidc";

/** A failed login, with a label key for the reader (`login_state_mismatch`, …) or a detail. */
export class LoginError extends Error {
  constructor(key, detail = "") {
    super(detail || key);
    this.key = key;
    this.detail = detail;
  }
}

async function begin(token, via, extra = {}) {
  setSession({ token, via, ...extra });
  try {
    const { data: me } = await get("/me");
    setSession({ token, via, ...extra, me });
    return me;
  } catch (err) {
    clearSession();
    throw err;
  }
}

export async function devLogin(username, role) {
  const { data } = await post("/dev/login", { username, role });
  if (!data || typeof data.token !== "string") throw new LoginError("login_failed", "no token");
  return begin(data.token, "dev");
}

/** The development login answers only on loopback, so it is offered only there. */
export function devLoginPossible() {
  return ["127.0.0.1", "localhost", "[::1]", "::1"].includes(location.hostname);
}

const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));

async function discovery(issuer) {
  let r;
  try {
    r = await fetch(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`);
  } catch (e) {
    throw new LoginError("login_failed", e.message);
  }
  if (!r.ok) throw new LoginError("login_failed", `discovery: HTTP ${r.status}`);
  const conf = await r.json();
  if (!conf.authorization_endpoint || !conf.token_endpoint) throw new LoginError("login_failed", "discovery document without endpoints");
  return conf;
}

/** The login page of this language is the redirect URI registered at the issuer. */
export const redirectUri = (lang) => `${location.origin}/${lang}/login/`;

/** Same-site paths only, so a crafted link cannot send the reader elsewhere after login. */
export function safeReturn(value, lang) {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : `/${lang}/`;
}

/** Starts the OIDC login: PKCE verifier, state and nonce stay in sessionStorage until the answer. */
export async function oidcBegin(issuer, clientId, lang, returnTo) {
  const conf = await discovery(issuer);
  const verifier = random(32);
  const state = random(16);
  const nonce = random(16);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, issuer, clientId, returnTo: safeReturn(returnTo, lang) }));
  const u = new URL(conf.authorization_endpoint);
  const params = {
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri(lang),
    scope: "openid profile email",
    state,
    nonce,
    code_challenge: b64url(digest),
    code_challenge_method: "S256",
    ui_locales: lang,
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  location.assign(u.href);
}

function claims(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch {
    return {};
  }
}

/**
 * Finishes the OIDC login on the redirect URI (`?code=…&state=…` or `?error=…`): checks the
 * state, exchanges the code with the verifier, checks the ID token's nonce and audience (the
 * API verifies the access token's signature itself). Resolves to the path to return to.
 */
export async function oidcFinish(params, lang) {
  let pending = null;
  try { pending = JSON.parse(sessionStorage.getItem(PENDING) || "null"); } catch { /* none */ }
  sessionStorage.removeItem(PENDING);
  if (!pending || params.get("state") !== pending.state) throw new LoginError("login_state_mismatch");
  if (params.get("error")) throw new LoginError("login_failed", params.get("error_description") || params.get("error"));
  const { clientId } = pending;
  const conf = await discovery(pending.issuer);
  let r;
  try {
    r = await fetch(conf.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: params.get("code") || "",
        redirect_uri: redirectUri(lang),
        client_id: clientId,
        code_verifier: pending.verifier,
      }),
    });
  } catch (e) {
    throw new LoginError("login_failed", e.message);
  }
  const tokens = await r.json().catch(() => ({}));
  if (!r.ok || !tokens.access_token) throw new LoginError("login_failed", tokens.error_description || tokens.error || `HTTP ${r.status}`);
  if (tokens.id_token) {
    const c = claims(tokens.id_token);
    const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
    if (c.nonce !== pending.nonce || !aud.includes(clientId)) throw new LoginError("login_state_mismatch");
  }
  const lifetime = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) * 1000 : 0;
  await begin(tokens.access_token, "oidc", {
    id_token: tokens.id_token,
    expires_at: lifetime ? Date.now() + lifetime : undefined,
    end_session: conf.end_session_endpoint,
  });
  return pending.returnTo;
}

/**
 * Forgets the token. After an OIDC login the provider's session ends too (RP-initiated
 * logout), which means leaving the page: returns true when that navigation started.
 */
export function logout(lang) {
  const s = session();
  clearSession();
  if (s?.via === "oidc" && s.end_session) {
    const u = new URL(s.end_session);
    if (s.id_token) u.searchParams.set("id_token_hint", s.id_token);
    u.searchParams.set("post_logout_redirect_uri", redirectUri(lang));
    location.assign(u.href);
    return true;
  }
  return false;
}
