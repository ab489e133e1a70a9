// Entry point of the tickets and forum scripts on every page (when site.toml has `api_url`):
// the login control in the header, and each `[data-collab]` area, whose module is loaded only
// on pages that have one. Areas render again when the login changes. A page without an area
// seen by a reader who is not logged in (most visits) loads only the small API module: the
// rest would share the line with what the page is for (the search engine, say).
let session, get, loadLabels, t, h, lang, fail, done, logout;

const VIEWS = {
  "entry-tickets": ["allmende/collab/tickets.js", "entryTickets"],
  ticket: ["allmende/collab/tickets.js", "ticketPage"],
  "entry-forum": ["allmende/collab/forum.js", "entryTopics"],
  forum: ["allmende/collab/forum.js", "forumPage"],
  topic: ["allmende/collab/forum.js", "topicPage"],
  moderation: ["allmende/collab/moderation.js", "queuePage"],
  login: ["allmende/collab/login.js", "loginPage"],
};

const account = document.querySelector("[data-collab=account]");
const areas = [...document.querySelectorAll("[data-collab]")].filter((el) => VIEWS[el.dataset.collab]);

/** The header control: a link to the login page, or the name and a logout button. */
function renderAccount(focus = false) {
  if (!account) return;
  const s = session();
  let status = account.querySelector(".account-status");
  if (!status) {
    status = h("span", { class: "account-status visually-hidden", role: "status" });
    account.append(status);
  }
  for (const el of [...account.children]) if (el !== status) el.remove();
  const back = location.pathname.endsWith("/login/") ? "" : `?return=${encodeURIComponent(location.pathname + location.search)}`;
  if (!s) {
    const link = h("a", { class: "account-login", href: `/${lang}/login/${back}`, text: t("login") });
    account.prepend(link);
    if (focus) link.focus();
    return;
  }
  const name = s.me ? (s.me.display_name || s.me.username || s.me.name || "") : "";
  const button = h("button", { type: "button", class: "link-button", text: t("logout") });
  button.addEventListener("click", () => {
    if (logout(lang)) return;
    status.textContent = t("logged_out");
    renderAccount(true);
  });
  const inbox = h("a", { class: "account-inbox", href: `/${lang}/login/#notifications`, text: t("notifications") });
  account.prepend(h("span", { class: "account-name", text: t("signed_in_as", { name }) }), " ", inbox, " ", button);
  // The unread count, when the API answers (the link works without it).
  get("/me/notifications", { unread: "true", limit: 100 })
    .then((res) => {
      const n = res.data?.items?.length || 0;
      if (n) inbox.textContent = t("notifications_unread", { n: n >= 100 ? "99+" : n });
    })
    .catch(() => {});
}

async function renderArea(root) {
  const [module, fn] = VIEWS[root.dataset.collab];
  try {
    const view = await import(module);
    await view[fn](root);
  } catch (err) {
    done(root, fail(root, err));
  }
}

async function main() {
  ({ session, get } = await import("allmende/collab/api.js"));
  // Without a login and without an area, the header's static link is all there is to show.
  if (!areas.length && !session()) return;
  try {
    const [ui, auth] = await Promise.all([import("allmende/collab/ui.js"), import("allmende/collab/auth.js")]);
    ({ loadLabels, t, h, lang, fail, done } = ui);
    ({ logout } = auth);
    await loadLabels();
  } catch (err) {
    console.warn(err);
    return;
  }
  renderAccount();
  await Promise.all(areas.map(renderArea));
  document.addEventListener("allmende-session", () => {
    renderAccount();
    for (const root of areas) if (root.dataset.collab !== "login") renderArea(root);
  });
}

main();
