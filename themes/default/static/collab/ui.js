// What the tickets, forum and login views share: their labels, building elements, the live
// status line of each area, error messages, dates, user content and the report form.
import { ApiError, Unreachable, get, post, session } from "allmende/collab/api.js";

export const lang = document.body.dataset.lang || document.documentElement.lang || "de";
let L = {};
let REACTIONS = {};

/** Loads this language's labels (a content-hashed file, cached by the browser). */
export async function loadLabels() {
  if (Object.keys(L).length) return;
  const r = await fetch(document.body.dataset.labels);
  if (!r.ok) throw new Error(`labels: HTTP ${r.status}`);
  const j = await r.json();
  L = j.collab || {};
  REACTIONS = j.reaction || {};
}

/** The label `key` with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  return (L[key] ?? key).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

export const reactionKinds = () => Object.keys(REACTIONS);
export const reactionLabel = (kind) => REACTIONS[kind] || kind;

/** `h("a", { href, class: "x", onclick: f }, child, …)`; false, null and undefined are skipped. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

let ids = 0;
/** A page-unique id for labels and references. */
export const uid = (prefix) => `${prefix}-${++ids}`;

/** The area's live region (present in the page before anything changes, so it is announced). */
export function say(root, text) {
  const status = root.querySelector(".collab-status");
  if (status) status.textContent = text || "";
}

/**
 * Replaces what the area showed before with an empty container (after the status line and
 * the offline notice) and returns it.
 */
export function fresh(root) {
  root.querySelector(":scope > .collab-body")?.remove();
  root.querySelector(":scope > .collab-offline")?.setAttribute("hidden", "");
  const body = h("div", { class: "collab-body" });
  root.append(body);
  return body;
}

/** Tells listeners (and tests) that an area finished rendering, and how. */
export function done(root, outcome) {
  root.dataset.state = outcome;
  root.dispatchEvent(new CustomEvent("collab-rendered", { bubbles: true, detail: { outcome } }));
}

/** What went wrong, in words for the reader. */
export function explain(err) {
  if (err instanceof Unreachable) return t("unreachable");
  if (err instanceof ApiError) {
    if (err.status === 401) return t("session_expired");
    if (err.status === 412) return t("conflict");
    if (err.status === 429) return t("rate_limited", { seconds: err.retryAfter || 1 });
    const title = lang === "de" && err.titleDe ? err.titleDe : err.title;
    const detail = [title, err.detail, ...err.errors.map((e) => e.message || [e.field, e.code].filter(Boolean).join(": "))]
      .filter(Boolean).join(" ");
    if (err.status === 403) return detail || t("forbidden");
    return t("error", { detail: detail || `HTTP ${err.status}` });
  }
  return t("error", { detail: err?.message || String(err) });
}

/**
 * Reports an error in the area's live region; when the API cannot be reached the way onward
 * (catalogue, contact) is shown. Returns the outcome name for `done`.
 */
export function fail(root, err) {
  say(root, explain(err));
  if (err instanceof Unreachable) {
    root.querySelector(":scope > .collab-offline")?.removeAttribute("hidden");
    return "unreachable";
  }
  if (!(err instanceof ApiError)) console.warn(err);
  return err instanceof ApiError ? `error-${err.status}` : "error";
}

export function fmtDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang === "de" ? "de-DE" : "en-GB", { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** A `<time>` element for an RFC 3339 timestamp. */
export const time = (iso) => (iso ? h("time", { datetime: iso, text: fmtDate(iso) }) : "");

/** The display name of a user object (or of the author of a ticket, comment, topic, post). */
export function who(x) {
  const u = x && typeof x === "object" && "author" in x ? x.author : x;
  if (!u) return "?";
  if (typeof u === "string") return u;
  return u.display_name || u.name || u.username || u.login || (u.id !== undefined ? `#${u.id}` : "?");
}

/** A localised name: a string, or { de, en, … }. */
export function loc(v) {
  if (!v || typeof v === "string") return v || "";
  return v[lang] || v.de || v.en || Object.values(v)[0] || "";
}

/**
 * The API's rendered Markdown. It is sanitised on the server; this keeps the page safe even
 * if it were not, and keeps user headings out of the page's outline.
 */
export function richText(html, fallback = "") {
  const tpl = document.createElement("template");
  tpl.innerHTML = html || "";
  for (const el of tpl.content.querySelectorAll("script, style, iframe, frame, object, embed, form, input, button, select, textarea, link, meta, base, svg, math")) el.remove();
  for (const el of tpl.content.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const p = document.createElement("p");
    p.append(h("strong", {}, ...el.childNodes));
    el.replaceWith(p);
  }
  for (const el of tpl.content.querySelectorAll("*")) {
    for (const a of [...el.attributes]) {
      const unsafeUrl = ["href", "src", "xlink:href", "action", "formaction"].includes(a.name) && !/^(https?:|mailto:|#|\/(?!\/))/i.test(a.value.trim());
      if (/^on/i.test(a.name) || a.name === "style" || a.name === "id" || unsafeUrl) el.removeAttribute(a.name);
    }
    if (el.tagName === "A" && /^https?:/i.test(el.getAttribute("href") || "")) el.setAttribute("rel", "nofollow ugc noopener");
    // No external images (they tell third parties who reads what).
    if (el.tagName === "IMG" && /^https?:/i.test(el.getAttribute("src") || "")) el.replaceWith(el.getAttribute("alt") || "");
  }
  const div = h("div", { class: "prose user-content" });
  if (tpl.content.childNodes.length) div.append(tpl.content);
  else if (fallback) div.append(h("p", { text: fallback }));
  return div;
}

/** Label + control, stacked. */
export function field(label, control, hint) {
  const id = control.id || (control.id = uid("f"));
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint`, text: hint }) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id, text: label }), hintEl, control);
}

/** A heading of `level` (2–6). */
export const heading = (level, text, props = {}) => h(`h${Math.min(Math.max(level, 2), 6)}`, { ...props, text });

/**
 * Runs `action` once at a time for `control` (a button or form): while it runs the control
 * is marked aria-disabled and further activations are ignored. It is not `disabled`, because
 * disabling the focused button would drop keyboard focus to the page.
 */
export async function once(control, action) {
  if (control.dataset.pending) return undefined;
  control.dataset.pending = "1";
  control.setAttribute("aria-disabled", "true");
  try {
    return await action();
  } finally {
    delete control.dataset.pending;
    control.removeAttribute("aria-disabled");
  }
}

/** Submits a form through `action` once at a time; errors go to the area's live region. */
export async function busy(root, form, action) {
  const button = form.querySelector("button[type=submit]") || form;
  form.setAttribute("aria-busy", "true");
  try {
    return await once(button, action);
  } catch (err) {
    fail(root, err);
    return undefined;
  } finally {
    form.removeAttribute("aria-busy");
  }
}

/** "Log in to take part" with a link that comes back here. */
export function loginHint() {
  const back = location.pathname + location.search;
  return h("p", { class: "login-hint" }, t("login_needed"), " ",
    h("a", { href: `/${lang}/login/?return=${encodeURIComponent(back)}`, text: t("login") }));
}

export const loggedIn = () => Boolean(session());

/** Moderators and admins (from /me: `roles` list or a single `role`). */
export function isModerator(me) {
  const roles = [...(Array.isArray(me?.roles) ? me.roles : []), me?.role].filter(Boolean);
  return roles.some((r) => r === "moderator" || r === "admin") || me?.is_moderator === true || me?.is_admin === true;
}

/**
 * How long the reader has been typing in `form`: milliseconds from the first input to now,
 * from zero again after a reset. Sent as `typing_ms`: the API holds an account's first text
 * typed faster than a person types (a script) for approval.
 */
export function typingTime(form) {
  let since = 0;
  form.addEventListener("input", () => { if (!since) since = performance.now(); });
  form.addEventListener("reset", () => { since = 0; });
  return () => (since ? Math.round(performance.now() - since) : 0);
}

const REASONS = ["spam", "off_topic", "inappropriate", "illegal", "other"];

const leadingZeroBits = (buf) => {
  let n = 0;
  for (const b of new Uint8Array(buf)) {
    if (b !== 0) return n + Math.clz32(b) - 24;
    n += 8;
  }
  return n;
};

/**
 * The proof of work the API asks of an anonymous report: a nonce such that
 * SHA-256(`challenge:nonce`) starts with `difficulty` zero bits (about 65,000 hashes, a
 * second or two). Hashes go in batches, so the page stays responsive between them.
 */
export async function solveChallenge({ challenge, difficulty }) {
  const enc = new TextEncoder();
  for (let start = 0; start < 2 ** 28; start += 512) {
    const nonces = Array.from({ length: 512 }, (_, i) => String(start + i));
    const digests = await Promise.all(nonces.map((n) => crypto.subtle.digest("SHA-256", enc.encode(`${challenge}:${n}`))));
    const hit = digests.findIndex((d) => leadingZeroBits(d) >= difficulty);
    if (hit >= 0) return nonces[hit];
  }
  throw new Error("no nonce found");
}

/**
 * "Report" for one ticket, comment, topic or post: a disclosure with the reason and a note.
 * Anonymous reports are allowed only for illegal content, so without a login only that
 * reason is offered.
 */
export function reportControl(root, targetType, targetId) {
  const details = h("details", { class: "report" });
  const summary = h("summary", { text: t("report") });
  const reasons = session() ? REASONS : ["illegal"];
  const select = h("select", { name: "reason" }, reasons.map((r) => h("option", { value: r, text: t(`reason_${r}`) })));
  const note = h("textarea", { name: "text", rows: 3, maxlength: 2000 });
  const form = h("form", { class: "collab-form report-form", "aria-label": t("report_what") },
    field(t("report_reason"), select),
    field(t("report_text"), note),
    h("p", { class: "form-actions" },
      h("button", { type: "submit", text: t("report_submit") }), " ",
      h("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => { details.open = false; summary.focus(); } })));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const sent = await busy(root, form, async () => {
      const report = { target_type: targetType, target_id: targetId, reason: select.value, text: note.value.trim() || undefined };
      if (!session()) {
        // Without an account the API wants a solved challenge (and counts per address).
        say(root, t("report_checking"));
        const { data: challenge } = await get("/reports/challenge");
        report.proof = { challenge: challenge.challenge, nonce: await solveChallenge(challenge) };
      }
      return post("/reports", report);
    });
    if (sent === undefined) return;
    form.reset();
    details.open = false;
    say(root, t("reported"));
    summary.focus();
  });
  details.append(summary, form);
  return details;
}

/** A "Show more" button that loads the next page of a list into `list`. */
export function moreButton(root, loadNext) {
  const button = h("button", { type: "button", class: "secondary more", text: t("load_more"), hidden: true });
  button.addEventListener("click", () => once(button, async () => {
    try {
      const first = await loadNext();
      // Focus the first new item, so keyboard users continue where the list grew.
      first?.focus();
    } catch (err) {
      fail(root, err);
    }
  }));
  return button;
}
