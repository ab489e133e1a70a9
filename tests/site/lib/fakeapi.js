// A small in-memory stand-in for the tickets and forum API (/api/v1), for the page tests that
// need API answers in known states (axe on filled pages, keyboard, error handling). It follows
// the contract's paths and JSON shapes (list envelope {items, next_cursor}, problem+json,
// ETag/If-Match). The end-to-end test (collab.e2e.test.js) runs against the real API instead.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SITE } from "./site.js";

const PREFIX = "/api/v1";
const now = () => new Date(Date.UTC(2026, 10, 20, 9, 30)).toISOString();

/** A fresh fake with seed data; `handle(req, res)` answers requests below /api/v1. */
export function fakeApi() {
  const users = new Map(); // token → user
  const db = {
    tickets: [], comments: [], categories: [], topics: [], posts: [], reports: [], queue: [],
    seq: 100, // seed objects have small fixed ids (tests link to them), new ones count from here
  };
  const id = () => ++db.seq;
  const user = (username, role = "member") => ({ id: `u-${username}`, username, display_name: username, role });
  const alice = user("alice");

  // Seed: tickets and a discussion for opendesk, general categories, one reported post.
  db.tickets.push(
    { id: 1, project: "opendesk", number: 1, title: "Kalender-Export als ICS", body_html: "<p>Bitte <strong>ICS</strong>-Export ergänzen.</p><h2>Warum</h2><p>Für Fachverfahren.</p>", state: "open", labels: [{ name: "enhancement" }], author: alice, created_at: now(), updated_at: now(), version: 1, reactions: { "+1": 2 } },
    { id: 2, project: "opendesk", number: 2, title: "Tippfehler in der Anleitung", body_html: "<p>Seite 3.</p>", state: "closed", state_reason: "completed", labels: [], author: alice, created_at: now(), updated_at: now(), version: 3, reactions: {} },
  );
  db.comments.push({ id: 1, ticket: db.tickets[0].id, body_html: "<p>Sehe ich auch so.</p>", author: user("bob"), created_at: now() });
  db.categories.push(
    { slug: "allgemein", name: { de: "Allgemeines", en: "General" }, description: { de: "Alles rund um den Katalog", en: "Everything about the catalogue" } },
  );
  // One category per catalogue entry, as the API keeps them.
  for (const e of JSON.parse(fs.readFileSync(path.join(SITE, "data", "software.json"), "utf8")).software) {
    db.categories.push({ slug: e.slug, name: e.publiccode?.name || e.slug, project: e.slug });
  }
  const topic = { id: 1, category: "allgemein", title: "Willkommen im Forum", author: alice, created_at: now(), updated_at: now(), closed: false };
  db.topics.push(topic);
  const first = { id: 1, topic_id: topic.id, body_html: "<p>Hallo zusammen!</p>", author: alice, created_at: now(), likes: new Set(["bob"]), hidden: false };
  const spam = { id: 2, topic_id: topic.id, body_html: "<p>Billige Uhren</p>", author: user("spammer"), created_at: now(), likes: new Set(), hidden: false, reply_to: first.id };
  db.posts.push(first, spam);
  db.queue.push({ id: 1, target_type: "post", target_id: spam.id, topic_id: topic.id, state: "pending", reports: [{ reason: "spam", text: "Werbung", reporter: user("bob"), created_at: now() }] });

  const ticketOut = (tk, viewer) => ({
    ...tk,
    comments_count: db.comments.filter((c) => c.ticket === tk.id).length,
    // Counts only (as the API): who reacted is not part of a ticket.
    reactions: Object.fromEntries(Object.entries(tk.reactions).filter(([, n]) => n > 0)),
    mine: undefined,
  });
  const postOut = (p, viewer) => {
    const { likes, ...rest } = p;
    return { ...rest, like_count: likes.size, liked: viewer ? likes.has(viewer.username) : false, body_html: p.hidden && !(isModerator(viewer)) ? "" : p.body_html };
  };
  const topicOut = (t) => ({ ...t, post_count: db.posts.filter((p) => p.topic_id === t.id).length });

  function send(res, status, body, headers = {}) {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { "content-type": status >= 400 ? "application/problem+json" : "application/json", ...headers });
    res.end(text);
  }
  const problem = (res, status, title, detail) => send(res, status, { type: "about:blank", title, title_de: TITLES_DE[status] || title, status, detail });
  const list = (res, items, query) => {
    const limit = Math.min(Number(query.get("limit")) || 20, 100);
    const start = Number(query.get("cursor") || 0);
    const slice = items.slice(start, start + limit);
    send(res, 200, { items: slice, next_cursor: start + limit < items.length ? String(start + limit) : null });
  };
  const etagOf = (tk) => `"t${tk.id}v${tk.version}"`;

  async function readJson(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    if (!chunks.length) return {};
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  }

  async function handle(req, res) {
    const url = new URL(req.url, "http://x");
    const path = url.pathname.slice(PREFIX.length);
    const q = url.searchParams;
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization || "");
    const viewer = auth ? users.get(auth[1]) : null;
    if (auth && !viewer) return problem(res, 401, "Unauthorized", "The token is unknown or expired.");
    let body = {};
    try {
      if (req.method === "POST" || req.method === "PATCH" || req.method === "PUT") body = await readJson(req);
    } catch {
      return problem(res, 400, "Bad Request", "The body is not JSON.");
    }
    const needLogin = () => { if (!viewer) { problem(res, 401, "Unauthorized", "Log in first."); return true; } return false; };
    let m;
    if (req.method === "POST" && path === "/dev/login") {
      if (!body.username) return problem(res, 422, "Unprocessable Content", "username is missing");
      const token = crypto.randomBytes(16).toString("hex");
      users.set(token, user(body.username, body.role || "member"));
      return send(res, 200, { token });
    }
    if (req.method === "GET" && path === "/me") return viewer ? send(res, 200, viewer) : problem(res, 401, "Unauthorized", "Log in first.");
    if (path === "/me/notifications" || path === "/me/notifications/read") {
      if (!viewer) return problem(res, 401, "Unauthorized", "Log in first.");
      if (req.method === "GET") return send(res, 200, { items: [], next_cursor: null });
      return res.writeHead(204).end();
    }
    if (req.method === "GET" && /^\/projects\/[^/]+\/ticket-templates$/.test(path)) return send(res, 200, { items: [], next_cursor: null });
    if ((m = /^\/projects\/([^/]+)\/tickets$/.exec(path))) {
      const project = decodeURIComponent(m[1]);
      if (req.method === "GET") {
        const state = q.get("state");
        const items = db.tickets.filter((tk) => tk.project === project && (!state || tk.state === state)).sort((a, b) => b.number - a.number);
        return list(res, items.map((tk) => ticketOut(tk, viewer)), q);
      }
      if (req.method === "POST") {
        if (needLogin()) return;
        if (!body.title) return send(res, 422, { type: "about:blank", title: "Unprocessable Content", title_de: TITLES_DE[422], status: 422, detail: "The ticket needs a title.", errors: [{ field: "title", code: "missing_field", message: "title is missing" }] }, { "content-type": "application/problem+json" });
        const number = Math.max(0, ...db.tickets.filter((tk) => tk.project === project).map((tk) => tk.number)) + 1;
        const tk = { id: id(), project, number, title: body.title, body_html: `<p>${escapeHtml(body.body || "")}</p>`, state: "open", labels: [], author: viewer, created_at: now(), updated_at: now(), version: 1, reactions: {}, mine: {} };
        db.tickets.push(tk);
        return send(res, 201, ticketOut(tk, viewer), { etag: etagOf(tk) });
      }
    }
    if ((m = /^\/projects\/([^/]+)\/tickets\/(\d+)(\/.*)?$/.exec(path))) {
      const tk = db.tickets.find((x) => x.project === decodeURIComponent(m[1]) && x.number === Number(m[2]));
      if (!tk) return problem(res, 404, "Not Found", "No such ticket.");
      const rest = m[3] || "";
      if (rest === "" && req.method === "GET") return send(res, 200, ticketOut(tk, viewer), { etag: etagOf(tk) });
      if (rest === "" && req.method === "PATCH") {
        if (needLogin()) return;
        if (req.headers["if-match"] && req.headers["if-match"] !== etagOf(tk)) return problem(res, 412, "Precondition Failed", "The ticket changed meanwhile.");
        for (const k of ["title", "state", "state_reason", "labels"]) if (k in body) tk[k] = body[k];
        tk.version += 1;
        return send(res, 200, ticketOut(tk, viewer), { etag: etagOf(tk) });
      }
      if (rest === "/comments" && req.method === "GET") return list(res, db.comments.filter((c) => c.ticket === tk.id), q);
      if (rest === "/comments" && req.method === "POST") {
        if (needLogin()) return;
        const c = { id: id(), ticket: tk.id, body_html: `<p>${escapeHtml(body.body || "")}</p>`, author: viewer, created_at: now() };
        db.comments.push(c);
        return send(res, 201, c);
      }
      if ((m = /^\/reactions\/(.+)$/.exec(rest)) && (req.method === "PUT" || req.method === "DELETE")) {
        if (needLogin()) return;
        const kind = decodeURIComponent(m[1]);
        tk.mine ??= {};
        const mine = new Set(tk.mine[viewer.username] || []);
        const had = mine.has(kind);
        if (req.method === "PUT" && !had) { mine.add(kind); tk.reactions[kind] = (tk.reactions[kind] || 0) + 1; }
        if (req.method === "DELETE" && had) { mine.delete(kind); tk.reactions[kind] = Math.max(0, (tk.reactions[kind] || 0) - 1); }
        tk.mine[viewer.username] = [...mine];
        res.writeHead(204).end();
        return;
      }
    }
    if (req.method === "GET" && path === "/categories") return list(res, db.categories.map((c) => ({ ...c, topic_count: db.topics.filter((t) => t.category === c.slug).length })), q);
    if ((m = /^\/categories\/([^/]+)\/topics$/.exec(path))) {
      const slug = decodeURIComponent(m[1]);
      if (!db.categories.some((c) => c.slug === slug)) return problem(res, 404, "Not Found", "No such category.");
      if (req.method === "GET") return list(res, db.topics.filter((t) => t.category === slug).map(topicOut), q);
      if (req.method === "POST") {
        if (needLogin()) return;
        const t = { id: id(), category: slug, title: body.title, author: viewer, created_at: now(), updated_at: now(), closed: false };
        db.topics.unshift(t);
        db.posts.push({ id: id(), topic_id: t.id, body_html: `<p>${escapeHtml(body.body || "")}</p>`, author: viewer, created_at: now(), likes: new Set(), hidden: false });
        return send(res, 201, topicOut(t));
      }
    }
    if ((m = /^\/topics\/(\d+)(\/posts)?$/.exec(path))) {
      const t = db.topics.find((x) => x.id === Number(m[1]));
      if (!t) return problem(res, 404, "Not Found", "No such topic.");
      if (!m[2] && req.method === "GET") return send(res, 200, topicOut(t));
      if (m[2] && req.method === "GET") return list(res, db.posts.filter((p) => p.topic_id === t.id).map((p) => postOut(p, viewer)), q);
      if (m[2] && req.method === "POST") {
        if (needLogin()) return;
        const p = { id: id(), topic_id: t.id, body_html: `<p>${escapeHtml(body.body || "")}</p>`, author: viewer, created_at: now(), likes: new Set(), hidden: false, reply_to: body.reply_to };
        db.posts.push(p);
        return send(res, 201, postOut(p, viewer));
      }
    }
    if ((m = /^\/posts\/(\d+)\/like$/.exec(path)) && (req.method === "PUT" || req.method === "DELETE")) {
      if (needLogin()) return;
      const p = db.posts.find((x) => x.id === Number(m[1]));
      if (!p) return problem(res, 404, "Not Found", "No such post.");
      if (req.method === "PUT") p.likes.add(viewer.username);
      else p.likes.delete(viewer.username);
      return send(res, 200, postOut(p, viewer));
    }
    if (req.method === "POST" && path === "/reports") {
      if (!viewer && body.reason !== "illegal") return problem(res, 401, "Unauthorized", "Only reports of illegal content are possible without a login.");
      const r = { id: id(), ...body, reporter: viewer, created_at: now() };
      db.reports.push(r);
      const post = body.target_type === "post" ? db.posts.find((p) => p.id === Number(body.target_id)) : null;
      let item = db.queue.find((i) => i.state === "pending" && i.target_type === body.target_type && i.target_id === body.target_id);
      if (!item) {
        item = { id: id(), target_type: body.target_type, target_id: body.target_id, topic_id: post?.topic_id, state: "pending", reports: [] };
        db.queue.push(item);
      }
      item.reports.push({ reason: body.reason, text: body.text, reporter: viewer, created_at: now() });
      return send(res, 201, r);
    }
    if (req.method === "GET" && path === "/moderation/queue") {
      if (!isModerator(viewer)) return problem(res, 403, "Forbidden", "Moderators only.");
      return list(res, db.queue.filter((i) => i.state === "pending"), q);
    }
    if ((m = /^\/moderation\/queue\/(\d+)\/decision$/.exec(path)) && req.method === "POST") {
      if (!isModerator(viewer)) return problem(res, 403, "Forbidden", "Moderators only.");
      const item = db.queue.find((i) => i.id === Number(m[1]));
      if (!item) return problem(res, 404, "Not Found", "No such queue item.");
      if (!body.reason) return problem(res, 422, "Unprocessable Content", "A decision needs a reason.");
      item.state = "decided";
      item.decision = { action: body.action, reason: body.reason, decided_by: viewer, decided_at: now() };
      if (item.target_type === "post") {
        const p = db.posts.find((x) => x.id === Number(item.target_id));
        if (p && body.action === "hide") p.hidden = true;
        if (p && body.action === "restore") p.hidden = false;
      }
      return send(res, 200, item);
    }
    return problem(res, 404, "Not Found", `No route ${req.method} ${path}`);
  }

  /** A token for `username` with `role`, as the dev login would give (for tests that start logged in). */
  function issue(username, role = "member", token = crypto.randomBytes(16).toString("hex")) {
    users.set(token, user(username, role));
    return { token, me: users.get(token) };
  }

  return { handle, issue, db };
}

const TITLES_DE = { 400: "Ungültige Anfrage", 401: "Nicht angemeldet", 403: "Nicht erlaubt", 404: "Nicht gefunden", 412: "Inzwischen geändert", 422: "Nicht verarbeitbar" };
const isModerator = (u) => u?.role === "moderator" || u?.role === "admin";

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
