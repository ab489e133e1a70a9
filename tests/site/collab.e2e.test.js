// End to end: the built pages against the real tickets and forum API (`allmende api` with the
// development login, a fresh SQLite file), both on 127.0.0.1; the test's static server forwards
// /api/ to it, as `allmende serve` mounts it on the site's own origin. Nothing is faked.
//
// Runs when the tree has the API crate (api/Cargo.toml) or ALLMENDE_BIN names a binary. The forum part runs once the API's
// OpenAPI document lists the forum and moderation paths it uses; until then it is reported as
// skipped with the missing paths named.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { start, newPage } from "./lib/browser.js";
import { rendered, devLogin, focusedText, settled } from "./lib/collab.js";
import { axe, assertClean } from "./lib/axe.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// An explicit ALLMENDE_BIN runs the test too (e.g. a binary built from the api branch).
const HAS_API = fs.existsSync(path.join(ROOT, "api", "Cargo.toml")) || Boolean(process.env.ALLMENDE_BIN);
const BIN = process.env.ALLMENDE_BIN || path.join(ROOT, "target", "debug", "allmende");
const FORUM_PATHS = [
  "/categories", "/categories/{slug}/topics", "/topics/{id}", "/topics/{id}/posts", "/posts/{id}/like",
  "/reports", "/moderation/queue", "/moderation/queue/{id}/decision",
];

let api;
let env;
let spec;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts `allmende api` on a free loopback port with a fresh database; resolves when /health answers. */
async function startApi() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "allmende-e2e-"));
  fs.writeFileSync(path.join(dir, "api.toml"), "[api]\n");
  const port = await freePort();
  const child = spawn(BIN, ["api", "--config", path.join(dir, "api.toml")], {
    env: {
      ...process.env,
      ALLMENDE_DATABASE_URL: `sqlite://${path.join(dir, "allmende.db")}`,
      ALLMENDE_LISTEN: `127.0.0.1:${port}`,
      ALLMENDE_DEV_LOGIN: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  // Poll /health until it answers or the process ends (bounded by the attempts, not a clock).
  for (let i = 0; i < 300; i++) {
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 100))]);
    if (code !== undefined) throw new Error(`allmende api exited with ${code}:\n${log}`);
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (i === 299) throw new Error(`allmende api did not answer /api/v1/health:\n${log}`);
  }
  return {
    url,
    log: () => log,
    async close() {
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  if (!HAS_API) return;
  assert.ok(fs.existsSync(BIN), `${BIN} is missing: build it with \`cargo build -p allmende\` (or set ALLMENDE_BIN)`);
  api = await startApi();
  spec = await (await fetch(`${api.url}/api/v1/openapi.json`)).json();
  env = await start({ api: api.url });
});
after(async () => {
  await env?.close();
  await api?.close();
});

const missingForum = () => FORUM_PATHS.filter((p) => !spec?.paths?.[p]);

test("e2e tickets: dev login → open a ticket → comment → react → close (real API)", { timeout: 120_000, skip: !HAS_API && "no api/ crate in this tree" }, async () => {
  const page = await newPage(env.browser);
  try {
    await devLogin(page, env.base, "/de/software/opendesk/", "e2e-anna", "member");
    await page.waitForURL(env.base + "/de/software/opendesk/");
    await rendered(page, "entry-tickets", "list");
    assert.match(await page.locator("[data-collab=account]").textContent(), /Angemeldet als e2e-anna/);

    const slot = page.locator("[data-collab=entry-tickets]");
    await slot.getByLabel("Titel").fill("Schnittstelle für Fachverfahren");
    await slot.getByLabel("Beschreibung (Markdown)").fill("Bitte eine *REST*-Schnittstelle.");
    await slot.getByRole("button", { name: "Ticket eröffnen" }).click();
    await page.waitForFunction(() => /Ticket #\d+ eröffnet/.test(document.querySelector("[data-collab=entry-tickets] .collab-status").textContent));
    const title = await focusedText(page);
    assert.match(title, /^#\d+ Schnittstelle für Fachverfahren$/);
    const number = Number(/^#(\d+)/.exec(title)[1]);

    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/de/tickets/\\?project=opendesk&number=${number}$`));
    await rendered(page, "ticket", "ticket");
    assert.equal(await page.locator("h1").textContent(), `#${number} Schnittstelle für Fachverfahren`);
    assert.equal(await page.locator(".user-content em").first().textContent(), "REST");

    await page.getByLabel("Kommentar (Markdown)").fill("Gern mit **OpenAPI**.");
    await page.getByRole("button", { name: "Kommentieren", exact: true }).click();
    await page.waitForSelector(".comments li:focus");
    assert.match(await page.locator(".comments li:focus").textContent(), /e2e-anna.*Gern mit OpenAPI\./s);

    const agree = page.locator(".reactions[data-target=ticket]").getByRole("button", { name: /Zustimmung/ });
    await agree.click();
    await page.waitForFunction(() => document.querySelector(".reaction[aria-pressed=true]"));
    assert.match(await agree.textContent(), /Zustimmung: 1$/);

    await page.getByRole("button", { name: "Ticket schließen" }).click();
    await page.waitForFunction(() => document.querySelector("[data-collab=ticket] .collab-status").textContent === "Ticket geschlossen.");
    assert.equal(await focusedText(page), "Ticket wieder öffnen");

    // What the page showed is what the API stored.
    const stored = await (await fetch(`${api.url}/api/v1/projects/opendesk/tickets/${number}`)).json();
    assert.equal(stored.state, "closed");
    assert.equal(stored.comments_count, 1);
    assert.equal(stored.reactions["+1"], 1);

    // The filled ticket page passes axe too.
    await page.reload();
    await settled(page);
    assertClean(await axe(page), "ticket page with real API data");
    // Until the API has the forum, the entry page's discussion area gets a 404 (and says so).
    const forumAbsent = missingForum().length > 0;
    assert.deepEqual(page.problems.filter((p) => !(forumAbsent && /HTTP 404: .*\/api\/v1\/categories\//.test(p))), []);
  } finally {
    await page.context().close();
  }
});

test("e2e ticket templates: pick a template, answer its fields, the ticket body carries the answers (real API)", { timeout: 120_000, skip: !HAS_API && "no api/ crate in this tree" }, async () => {
  const page = await newPage(env.browser);
  try {
    await devLogin(page, env.base, "/de/software/opendesk/", "e2e-tilo", "member");
    await page.waitForURL(env.base + "/de/software/opendesk/");
    await rendered(page, "entry-tickets", "list");
    const slot = page.locator("[data-collab=entry-tickets]");
    const kind = slot.getByLabel("Art des Tickets");
    await kind.waitFor();
    await kind.selectOption({ label: "Fehler melden – Etwas funktioniert nicht wie beschrieben." });
    await slot.getByLabel("Titel").fill("Export bricht ab");
    await slot.getByLabel("Was ist passiert? (Pflichtfeld)").fill("Der Export endet mit einem Fehler.");
    await slot.getByLabel("Schritte zum Nachstellen (Pflichtfeld)").fill("1. Export öffnen\n2. Starten");
    await slot.getByLabel("Umgebung").selectOption("Linux");
    assertClean(await axe(page), "entry page with a ticket template form");
    await slot.getByRole("button", { name: "Ticket eröffnen" }).click();
    await page.waitForFunction(() => /Ticket #\d+ eröffnet/.test(document.querySelector("[data-collab=entry-tickets] .collab-status").textContent));
    const number = Number(/^#(\d+)/.exec(await focusedText(page))[1]);
    const stored = await (await fetch(`${api.url}/api/v1/projects/opendesk/tickets/${number}`)).json();
    assert.match(stored.body, /^### Was ist passiert\?\n\nDer Export endet mit einem Fehler\./);
    assert.match(stored.body, /### Version\n\n_Keine Angabe_/);
    assert.match(stored.body, /### Umgebung\n\nLinux$/);

    // Someone comments: tilo's header shows one new notification, the login page lists it.
    const login = await fetch(`${api.url}/api/v1/dev/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "e2e-uwe", role: "member" }) });
    const { token } = await login.json();
    const c = await fetch(`${api.url}/api/v1/projects/opendesk/tickets/${number}/comments`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ body: "Bei mir auch unter Linux." }) });
    assert.equal(c.status, 201);
    await page.reload();
    const inbox = page.locator("[data-collab=account] .account-inbox");
    await page.waitForFunction(() => /\(1 neu\)/.test(document.querySelector("[data-collab=account] .account-inbox")?.textContent || ""));
    await inbox.click();
    await rendered(page, "login", "logged-in");
    const note = page.locator("#notifications li a").first();
    await note.waitFor();
    assert.equal(await note.textContent(), "e2e-uwe hat „Export bricht ab“ kommentiert");
    assert.match(await note.getAttribute("href"), new RegExp(`/de/tickets/\\?project=opendesk&number=${number}#comment-`));
    assertClean(await axe(page), "login page with notifications");
    await page.getByRole("button", { name: "Alle als gelesen markieren" }).click();
    await page.waitForFunction(() => document.querySelector("[data-collab=login] .collab-status").textContent === "Alle Benachrichtigungen sind als gelesen markiert.");
    assert.equal(await page.locator("#notifications li.unread").count(), 0);
  } finally {
    await page.context().close();
  }
});

test("e2e triage: a moderator sets a ticket's labels and assignees on its page (real API)", { timeout: 120_000, skip: !HAS_API && "no api/ crate in this tree" }, async () => {
  const call = async (method, p, token, body) => {
    const r = await fetch(`${api.url}/api/v1${p}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, data: r.status === 204 ? null : await r.json() };
  };
  const login = async (username, role) => (await call("POST", "/dev/login", null, { username, role })).data.token;
  const mod = await login("e2e-mia", "moderator");
  await login("e2e-bea", "member");
  for (const name of ["Barrierefreiheit", "Schnittstelle"]) {
    const r = await call("POST", "/projects/opendesk/labels", mod, { name, color: "0b6e4f", description: `Label ${name}` });
    assert.ok([201, 422].includes(r.status), JSON.stringify(r.data));
  }
  const created = await call("POST", "/projects/opendesk/tickets", mod, { title: "Kontrast im Kalender", body: "Zu hell." });
  assert.equal(created.status, 201, JSON.stringify(created.data));
  const number = created.data.number;

  const page = await newPage(env.browser);
  try {
    await devLogin(page, env.base, `/de/tickets/?project=opendesk&number=${number}`, "e2e-mia", "moderator");
    await page.waitForURL(new RegExp(`/de/tickets/\\?project=opendesk&number=${number}$`));
    await rendered(page, "ticket", "ticket");
    const form = page.locator("form.triage");
    await form.getByLabel("Barrierefreiheit").check();
    await form.getByLabel("Zuständig (Benutzernamen)").fill("e2e-bea, @e2e-mia");
    await form.getByRole("button", { name: "Labels und Zuständige speichern" }).click();
    await page.waitForFunction(() => document.querySelector("[data-collab=ticket] .collab-status").textContent === "Labels und Zuständige gespeichert.");
    // The head shows the new label, and the API stored both changes.
    assert.match(await page.locator(".ticket-head").textContent(), /Barrierefreiheit/);
    const stored = (await call("GET", `/projects/opendesk/tickets/${number}`, mod)).data;
    assert.deepEqual(stored.labels.map((l) => l.name), ["Barrierefreiheit"]);
    assert.deepEqual(stored.assignees.map((a) => a.username).sort(), ["e2e-bea", "e2e-mia"]);
    assertClean(await axe(page), "ticket page with the moderator's triage form");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
  // Members do not get the form (the API would refuse them anyway).
  const member = await newPage(env.browser);
  try {
    await devLogin(member, env.base, `/de/tickets/?project=opendesk&number=${number}`, "e2e-bea", "member");
    await member.waitForURL(new RegExp(`/de/tickets/\\?project=opendesk&number=${number}$`));
    await rendered(member, "ticket", "ticket");
    assert.equal(await member.locator("form.triage").count(), 0);
    assert.match(await member.locator(".ticket-head").textContent(), /Barrierefreiheit/);
  } finally {
    await member.context().close();
  }
});

test("e2e forum: new topic → reply → like → report → a moderator hides it through the queue (real API)", { timeout: 120_000, skip: !HAS_API && "no api/ crate in this tree" }, async (t) => {
  const missing = missingForum();
  if (missing.length) {
    t.skip(`the API does not offer ${missing.join(", ")} yet`);
    return;
  }
  const page = await newPage(env.browser);
  const mod = await newPage(env.browser);
  try {
    await devLogin(page, env.base, "/de/software/opendesk/", "e2e-bernd", "member");
    await page.waitForURL(env.base + "/de/software/opendesk/");
    await rendered(page, "entry-forum", "list");
    const slot = page.locator("[data-collab=entry-forum]");
    await slot.getByLabel("Titel").fill("Wer betreibt openDesk schon?");
    await slot.getByLabel("Ihr Beitrag (Markdown)").fill("Wir suchen Erfahrungsberichte.");
    await slot.getByRole("button", { name: "Thema beginnen" }).click();
    await page.waitForFunction(() => document.querySelector("[data-collab=entry-forum] .collab-status").textContent === "Thema begonnen.");
    assert.equal(await focusedText(page), "Wer betreibt openDesk schon?");
    await page.keyboard.press("Enter");
    await rendered(page, "topic", "topic");

    await page.getByRole("button", { name: "e2e-bernd antworten" }).click();
    await page.keyboard.type("Nachtrag: gern auch Betriebskosten.");
    await page.getByRole("button", { name: "Antwort senden" }).click();
    await page.waitForSelector(".posts li:focus");
    const replyDomId = await page.locator(".posts li:focus").getAttribute("id");
    const reply = page.locator(`#${replyDomId}`);

    const like = page.locator(".posts li").first().locator("button.like");
    await like.click();
    await page.waitForFunction(() => document.querySelector(".posts li button.like").getAttribute("aria-pressed") === "true");
    assert.equal(await like.textContent(), "Gefällt mir (1)");

    const details = reply.locator("details.report");
    await details.locator("summary").click();
    await details.getByLabel("Grund").selectOption("spam");
    await details.getByRole("button", { name: "Meldung senden" }).click();
    await page.waitForFunction(() => /Meldung ist bei der Moderation/.test(document.querySelector("[data-collab=topic] .collab-status").textContent));

    await devLogin(mod, env.base, "/de/forum/moderation/", "e2e-mod", "moderator");
    await mod.waitForURL(env.base + "/de/forum/moderation/");
    await rendered(mod, "moderation", "queue");
    const item = mod.locator(".queue-item").filter({ hasText: "Nachtrag: gern auch Betriebskosten." }).first();
    await item.getByLabel("Ausblenden").check();
    await item.getByLabel("Begründung (wird gespeichert und gezeigt)").fill("Werbung ohne Bezug.");
    await item.getByRole("button", { name: "Entscheiden" }).click();
    await mod.waitForSelector(".decision:focus");
    assert.match(await mod.locator(".decision:focus").textContent(), /Ausblenden durch e2e-mod\. Begründung: Werbung ohne Bezug\./);

    await page.reload();
    await rendered(page, "topic", "topic");
    assert.match(await page.locator(`#${replyDomId}`).textContent(), /von der Moderation ausgeblendet/);
    assert.deepEqual([...page.problems, ...mod.problems], []);
  } finally {
    await page.context().close();
    await mod.context().close();
  }
});
