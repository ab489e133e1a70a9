// A minimal OpenID Connect provider for the login test: discovery, an authorize endpoint that
// logs the user in at once and redirects back with a code, and a token endpoint that checks
// the PKCE verifier (S256), the client and the redirect URI. Access tokens it issues are
// registered with the fake API through `onToken`. It is a request handler mounted under
// /idp/ of the test's static server: Chromium refuses pages' requests from one loopback
// port to another (Local Network Access), which a real provider on its own host never meets.
import crypto from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

export function oidcProvider({ clientId, username, onToken }) {
  const codes = new Map();
  const seen = { authorize: null, token: null };
  const handle = async (req, res) => {
    const base = `http://${req.headers.host}/idp`;
    const url = new URL(req.url.replace(/^\/idp/, ""), base + "/");
    const cors = { "access-control-allow-origin": req.headers.origin || "*", "access-control-allow-headers": "content-type" };
    if (req.method === "OPTIONS") return res.writeHead(204, { ...cors, "access-control-allow-methods": "GET, POST" }).end();
    // Issuers may have a path (Keycloak: /realms/<name>); discovery lives below it.
    if (url.pathname.endsWith("/.well-known/openid-configuration")) {
      const issuer = base + url.pathname.slice(0, -"/.well-known/openid-configuration".length);
      seen.issuer = issuer;
      res.writeHead(200, { ...cors, "content-type": "application/json" });
      return res.end(JSON.stringify({ issuer, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`, jwks_uri: `${base}/certs` }));
    }
    if (url.pathname === "/auth") {
      const p = Object.fromEntries(url.searchParams);
      seen.authorize = p;
      const code = crypto.randomBytes(12).toString("hex");
      codes.set(code, p);
      const back = new URL(p.redirect_uri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", p.state);
      return res.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let body = "";
      for await (const c of req) body += c;
      const p = Object.fromEntries(new URLSearchParams(body));
      seen.token = p;
      const a = codes.get(p.code);
      codes.delete(p.code);
      const challenge = p.code_verifier ? b64url(crypto.createHash("sha256").update(p.code_verifier).digest()) : "";
      const ok = a && p.grant_type === "authorization_code" && p.client_id === clientId && p.redirect_uri === a.redirect_uri &&
        a.code_challenge_method === "S256" && challenge === a.code_challenge;
      if (!ok) {
        res.writeHead(400, { ...cors, "content-type": "application/json" });
        return res.end(JSON.stringify({ error: "invalid_grant", error_description: "code, client, redirect URI or PKCE verifier do not match" }));
      }
      const access = crypto.randomBytes(16).toString("hex");
      onToken(access);
      const idToken = [b64url(JSON.stringify({ alg: "none" })), b64url(JSON.stringify({ iss: seen.issuer, aud: clientId, sub: username, nonce: a.nonce, preferred_username: username })), ""].join(".");
      res.writeHead(200, { ...cors, "content-type": "application/json" });
      return res.end(JSON.stringify({ access_token: access, id_token: idToken, token_type: "Bearer", expires_in: 300 }));
    }
    res.writeHead(404).end();
  };
  return { handle, seen };
}
