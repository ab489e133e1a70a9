// Tickets, forum and login on the static pages (themes/default/static/collab/), against the
// in-memory fake API (lib/fakeapi.js) so every state is known: the flows through the UI with
// focus and announcements, conflicts (412), an unreachable API, and pages without JavaScript.
// collab.e2e.test.js runs the same flows against the real API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, newPage } from "./lib/browser.js";
import { signIn, rendered, devLogin, focusedText } from "./lib/collab.js";
import { oidcProvider } from "./lib/oidc.js";

let env;
// The login provider for the OIDC tests, under /idp/ of the same server.
const provider = oidcProvider({ clientId: "katalog", username: "hanna", onToken: (token) => env.fake.issue("hanna", "member", token) });
before(async () => {
  env = await start({ routes: { "/idp/": provider.handle } });
});
after(async () => {
  await env?.close();
});

const tickets = (page) => page.locator("[data-collab=entry-tickets]");

test("entry page lists the entry's tickets and discussions for a reader who is not logged in", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await page.goto(env.base + "/de/software/opendesk/");
    await rendered(page, "entry-tickets", "list");
    await rendered(page, "entry-forum", "list");
    const first = tickets(page).locator(".ticket-item").first();
    assert.match(await first.textContent(), /#1 Kalender-Export als ICS.*offen.*enhancement.*1 Kommentare/s);
    // Open tickets by default; the filter shows the closed one.
    assert.equal(await tickets(page).locator(".ticket-item").count(), 1);
    await tickets(page).getByLabel("Tickets anzeigen").selectOption("closed");
    await page.waitForFunction(() => /Tippfehler/.test(document.querySelector("[data-collab=entry-tickets] .tickets")?.textContent));
    assert.match(await tickets(page).locator(".collab-status").textContent(), /1 Tickets angezeigt/);
    // Logged out: a way to log in that comes back here, no forms.
    const login = tickets(page).getByRole("link", { name: "Anmelden" });
    assert.equal(await login.getAttribute("href"), "/de/login/?return=%2Fde%2Fsoftware%2Fopendesk%2F");
    assert.equal(await page.locator("[data-collab=entry-tickets] form.collab-form").count(), 0);
    assert.match(await page.locator("[data-collab=account]").textContent(), /Anmelden/);
    // An entry without topics yet says so and offers to start one.
    await page.goto(env.base + "/de/software/nextcloud/");
    await rendered(page, "entry-forum", "list");
    assert.match(await page.locator("[data-collab=entry-forum]").textContent(), /Noch keine Themen/);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test("tickets: dev login → open a ticket → comment → react → close, with focus and announcements", { timeout: 90_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await devLogin(page, env.base, "/de/software/opendesk/", "carla", "member");
    await page.waitForURL(env.base + "/de/software/opendesk/");
    await rendered(page, "entry-tickets", "list");
    assert.match(await page.locator("[data-collab=account]").textContent(), /Angemeldet als carla/);

    const slot = tickets(page);
    await slot.getByLabel("Titel").fill("Export nach CSV");
    await slot.getByLabel("Beschreibung (Markdown)").fill("Bitte auch **CSV**.");
    await slot.getByRole("button", { name: "Ticket eröffnen" }).click();
    await page.waitForFunction(() => /Ticket #3 eröffnet/.test(document.querySelector("[data-collab=entry-tickets] .collab-status").textContent));
    assert.equal(await focusedText(page), "#3 Export nach CSV");

    await page.keyboard.press("Enter");
    await page.waitForURL(/\/de\/tickets\/\?project=opendesk&number=3$/);
    await rendered(page, "ticket", "ticket");
    assert.equal(await page.locator("h1").textContent(), "#3 Export nach CSV");
    assert.match(await page.title(), /^#3 Export nach CSV – /);

    await page.getByLabel("Kommentar (Markdown)").fill("Mit Semikolon, bitte.");
    await page.getByRole("button", { name: "Kommentieren", exact: true }).click();
    await page.waitForSelector(".comments li:focus");
    assert.match(await page.locator(".comments li:focus").textContent(), /carla.*Mit Semikolon, bitte\./s);
    assert.equal(await page.locator("[data-collab=ticket] .collab-status").textContent(), "Kommentar hinzugefügt.");

    const agree = page.locator(".reactions[data-target=ticket]").getByRole("button", { name: /Zustimmung/ });
    assert.equal(await agree.getAttribute("aria-pressed"), "false");
    await agree.click();
    await page.waitForFunction(() => document.querySelector(".reaction[aria-pressed=true]"));
    assert.match(await agree.textContent(), /Zustimmung: 1$/);

    const close = page.getByRole("button", { name: "Ticket schließen" });
    await close.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("[data-collab=ticket] .collab-status").textContent === "Ticket geschlossen.");
    assert.equal(await page.locator(".ticket-head .badge").textContent(), "geschlossen");
    assert.equal(await focusedText(page), "Ticket wieder öffnen");
    const stored = env.fake.db.tickets.find((t) => t.project === "opendesk" && t.number === 3);
    assert.equal(stored.state, "closed");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test("tickets: a change by someone else meanwhile (412) is said, and the current state shown", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await signIn(page, env.fake, "erik", "member");
    await page.goto(env.base + "/de/tickets/?project=opendesk&number=1");
    await rendered(page, "ticket", "ticket");
    // Someone else renames the ticket after it was loaded: its ETag changes.
    const t1 = env.fake.db.tickets.find((t) => t.project === "opendesk" && t.number === 1);
    t1.title = "Kalender-Export (ICS und CSV)";
    t1.version += 1;
    await page.getByRole("button", { name: "Ticket schließen" }).click();
    await page.waitForFunction(() => /inzwischen geändert/.test(document.querySelector("[data-collab=ticket] .collab-status").textContent));
    await page.waitForFunction(() => document.querySelector("h1").textContent === "#1 Kalender-Export (ICS und CSV)");
    assert.equal(t1.state, "open");
    assert.deepEqual(page.problems.filter((p) => !/HTTP 412/.test(p)), []);
  } finally {
    await page.context().close();
  }
});

test("forum: new topic → reply → like → report → a moderator hides the post through the queue", { timeout: 90_000 }, async () => {
  const page = await newPage(env.browser);
  const mod = await newPage(env.browser);
  try {
    await signIn(page, env.fake, "dana", "member");
    await page.goto(env.base + "/de/forum/");
    await rendered(page, "forum", "categories");
    await page.getByRole("link", { name: "Allgemeines" }).click();
    await rendered(page, "forum", "topics");
    assert.equal(await page.locator("h1").textContent(), "Allgemeines");

    await page.getByLabel("Titel").fill("Erfahrungen mit openDesk?");
    await page.getByLabel("Ihr Beitrag (Markdown)").fill("Wer nutzt es schon?");
    await page.getByRole("button", { name: "Thema beginnen" }).click();
    await page.waitForFunction(() => document.querySelector("[data-collab=forum] .collab-status").textContent === "Thema begonnen.");
    assert.equal(await focusedText(page), "Erfahrungen mit openDesk?");
    await page.keyboard.press("Enter");
    await rendered(page, "topic", "topic");
    assert.equal(await page.locator("h1").textContent(), "Erfahrungen mit openDesk?");

    // Reply to the opening post.
    await page.getByRole("button", { name: "dana antworten" }).click();
    assert.equal(await page.evaluate(() => document.activeElement.name), "body");
    assert.equal(await page.locator(".reply-note").textContent(), "Ihre Antwort an dana");
    await page.keyboard.type("Wir, seit Mai.");
    await page.getByRole("button", { name: "Antwort senden" }).click();
    await page.waitForSelector(".posts li:focus");
    const replyId = (await page.locator(".posts li:focus").getAttribute("id")).replace("post-", "");
    const reply = page.locator(`#post-${replyId}`);
    assert.match(await reply.textContent(), /als Antwort an dana.*Wir, seit Mai\./s);

    // Like the opening post.
    const like = page.locator(".posts li").first().locator("button.like");
    await like.click();
    await page.waitForFunction(() => document.querySelector(".posts li button.like").getAttribute("aria-pressed") === "true");
    assert.equal(await like.textContent(), "Gefällt mir (1)");

    // Report the reply.
    const details = reply.locator("details.report");
    await details.locator("summary").click();
    await details.getByLabel("Grund").selectOption("off_topic");
    await details.getByLabel("Was ist das Problem? (optional)").fill("Gehört in die Kategorie openDesk.");
    await details.getByRole("button", { name: "Meldung senden" }).click();
    await page.waitForFunction(() => /Meldung ist bei der Moderation/.test(document.querySelector("[data-collab=topic] .collab-status").textContent));
    assert.equal(await details.getAttribute("open"), null);
    assert.equal(await focusedText(page), "Melden");

    // The moderator decides in the queue; the reason is stored and shown.
    await signIn(mod, env.fake, "mona", "moderator");
    await mod.goto(env.base + "/de/forum/moderation/");
    await rendered(mod, "moderation", "queue");
    const item = mod.locator(".queue-item", { has: mod.getByRole("heading", { name: `Beitrag #${replyId}` }) });
    assert.match(await item.textContent(), /Am Thema vorbei: Gehört in die Kategorie openDesk\. – dana/);
    await item.getByLabel("Ausblenden").check();
    await item.getByLabel("Begründung (wird gespeichert und gezeigt)").fill("Am Thema vorbei; bitte in openDesk fragen.");
    await item.getByRole("button", { name: "Entscheiden" }).click();
    await mod.waitForSelector(".decision:focus");
    assert.equal(await mod.locator(".decision:focus").textContent(), "Entscheidung: Ausblenden durch mona. Begründung: Am Thema vorbei; bitte in openDesk fragen.");

    await page.reload();
    await rendered(page, "topic", "topic");
    assert.match(await page.locator(`#post-${replyId}`).textContent(), /von der Moderation ausgeblendet/);
    assert.deepEqual([...page.problems, ...mod.problems], []);
  } finally {
    await page.context().close();
    await mod.context().close();
  }
});

test("the review queue is for moderators; others are told so", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await signIn(page, env.fake, "fritz", "member");
    await page.goto(env.base + "/de/forum/moderation/");
    await rendered(page, "moderation", "forbidden");
    assert.match(await page.locator("[data-collab=moderation] .collab-status").textContent(), /Nur die Moderation/);
  } finally {
    await page.context().close();
  }
});

test("without a login only illegal content can be reported (DSA notice), as the API allows", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await page.goto(env.base + "/en/tickets/?project=opendesk&number=1");
    await rendered(page, "ticket", "ticket");
    const report = page.locator(".collab-body > .post-actions > details.report");
    await report.locator("summary").click();
    const options = await report.locator("select option").allTextContents();
    assert.deepEqual(options, ["Illegal content"]);
    assert.equal(await page.getByRole("link", { name: "Log in" }).last().getAttribute("href"), "/en/login/?return=%2Fen%2Ftickets%2F%3Fproject%3Dopendesk%26number%3D1");
  } finally {
    await page.context().close();
  }
});

test("logout in the header forgets the token and returns focus to the login link", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await signIn(page, env.fake, "gina", "member");
    await page.goto(env.base + "/en/software/opendesk/");
    await rendered(page, "entry-tickets", "list");
    assert.equal(await tickets(page).getByRole("button", { name: "Open ticket" }).count(), 1);
    await page.locator("[data-collab=account]").getByRole("button", { name: "Log out" }).click();
    await page.waitForFunction(() => document.activeElement?.classList.contains("account-login"));
    assert.equal(await page.locator(".account-status").textContent(), "You are logged out.");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("allmende-session")), null);
    await page.waitForFunction(() => !document.querySelector("[data-collab=entry-tickets] form.collab-form"));
  } finally {
    await page.context().close();
  }
});

test("addresses that name no ticket or topic say so", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await page.goto(env.base + "/de/tickets/");
    await rendered(page, "ticket", "no-ticket");
    assert.match(await page.locator(".collab-status").textContent(), /nennt kein Ticket/);
    await page.goto(env.base + "/de/forum/?category=keine-solche");
    await rendered(page, "forum", "missing");
    assert.match(await page.locator(".collab-status").textContent(), /Diese Kategorie gibt es nicht/);
    await page.goto(env.base + "/en/forum/topic/?id=999999");
    await rendered(page, "topic", "missing");
    assert.match(await page.locator(".collab-status").textContent(), /does not exist/);
  } finally {
    await page.context().close();
  }
});

test("an unreachable API is said in German and English, with links onward", { timeout: 60_000 }, async () => {
  const down = await start({ api: "down" });
  try {
    for (const [lang, text] of [["de", /nicht erreichbar/], ["en", /cannot be reached/]]) {
      const page = await newPage(down.browser);
      try {
        await page.goto(`${down.base}/${lang}/software/opendesk/`);
        await rendered(page, "entry-tickets", "unreachable");
        await rendered(page, "entry-forum", "unreachable");
        const slot = tickets(page);
        assert.match(await slot.locator("[role=status]").textContent(), text);
        assert.equal(await slot.locator(".collab-offline").isVisible(), true);
        assert.equal(await slot.locator(".collab-offline a").first().getAttribute("href"), `/${lang}/software/`);
        await page.goto(`${down.base}/${lang}/forum/topic/?id=1`);
        await rendered(page, "topic", "unreachable");
        assert.equal(await page.locator(".collab-offline").isVisible(), true);
      } finally {
        await page.context().close();
      }
    }
  } finally {
    await down.close();
  }
});

test("without JavaScript the areas explain that they need it", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser, { javaScriptEnabled: false });
  try {
    await page.goto(env.base + "/de/software/opendesk/");
    assert.match(await tickets(page).textContent(), /brauchen JavaScript/);
    assert.equal(await page.locator(".collab-offline").first().isVisible(), false);
    await page.goto(env.base + "/en/forum/");
    assert.match(await page.locator("main").textContent(), /need JavaScript/);
    // The header's login link still leads to the login page.
    assert.equal(await page.locator(".account-login").getAttribute("href"), "/en/login/");
  } finally {
    await page.context().close();
  }
});

test("OIDC login: authorization code with PKCE against the configured issuer, then back to the page", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    // The demo has no issuer configured; give the pages one, as site.toml's oidc_issuer would.
    await page.route((url) => url.pathname === "/de/login/", async (route) => {
      const r = await route.fetch();
      const html = (await r.text()).replace("<body ", `<body data-oidc-issuer="${env.base}/idp/realms/demo" data-oidc-client="katalog" `);
      await route.fulfill({ response: r, body: html });
    });
    await page.goto(env.base + "/de/login/?return=%2Fde%2Fsoftware%2Fopendesk%2F");
    await rendered(page, "login", "login");
    await page.getByRole("button", { name: "Mit dem Konto Ihrer Organisation anmelden" }).click();
    await page.waitForURL(env.base + "/de/software/opendesk/");
    await rendered(page, "entry-tickets", "list");
    assert.match(await page.locator("[data-collab=account]").textContent(), /Angemeldet als hanna/);
    const a = provider.seen.authorize;
    assert.equal(a.response_type, "code");
    assert.equal(a.code_challenge_method, "S256");
    assert.equal(a.redirect_uri, `${env.base}/de/login/`);
    assert.match(a.scope, /\bopenid\b/);
    assert.equal(provider.seen.issuer, `${env.base}/idp/realms/demo`);
    // The code and verifier went to the token endpoint; the address no longer shows the code.
    assert.ok(provider.seen.token.code_verifier.length >= 43);
    assert.equal(await page.evaluate(() => JSON.parse(sessionStorage.getItem("allmende-session")).via), "oidc");
    // Leaving for the provider and coming back cancels the login page's own icon requests.
    assert.deepEqual(page.problems.filter((p) => !p.endsWith("net::ERR_ABORTED")), []);
  } finally {
    await page.context().close();
  }
});

test("OIDC login: an answer that belongs to no login started here is refused", { timeout: 60_000 }, async () => {
  const page = await newPage(env.browser);
  try {
    await page.goto(env.base + "/en/login/?code=stolen&state=forged");
    await rendered(page, "login", "login-error");
    assert.match(await page.locator(".collab-status").textContent(), /does not belong to a login started here/);
    assert.equal(new URL(page.url()).search, "");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("allmende-session")), null);
  } finally {
    await page.context().close();
  }
});
