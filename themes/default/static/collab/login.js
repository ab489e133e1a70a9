// /{lang}/login/: who is logged in, logout; login through the OIDC provider of site.toml
// (this page is also its redirect URI) and, on this machine, the API's development login.
import { ApiError, session, page, post } from "allmende/collab/api.js";
import { t, h, lang, say, fresh, done, fail, field, who, time, once } from "allmende/collab/ui.js";
import { LoginError, devLogin, devLoginPossible, oidcBegin, oidcFinish, logout, safeReturn } from "allmende/collab/auth.js";

const ROLES = ["member", "reader", "moderator", "admin"];

/** Where a notification leads: the ticket or topic, at the comment or post it concerns. */
function notificationHref(n) {
  const s = n.subject || {};
  if (s.type === "ticket") {
    const url = `/${lang}/tickets/?project=${encodeURIComponent(s.project)}&number=${encodeURIComponent(s.number)}`;
    return s.item_id ? `${url}#comment-${s.item_id}` : url;
  }
  const url = `/${lang}/forum/topic/?id=${encodeURIComponent(s.id)}`;
  return s.item_id ? `${url}#post-${s.item_id}` : url;
}

/** The signed-in reader's notifications (newest first), with "mark all as read". */
function notificationsSection(root) {
  const list = h("ul", { class: "notifications" });
  const empty = h("p", { class: "empty", text: t("notifications_none"), hidden: true });
  const readAll = h("button", { type: "button", class: "secondary", text: t("notifications_read_all"), hidden: true });
  const section = h("section", { id: "notifications", "aria-labelledby": "notifications-h" },
    h("h2", { id: "notifications-h", text: t("notifications") }), empty, list,
    h("p", { class: "form-actions" }, readAll));
  const load = async () => {
    const res = await page("/me/notifications", { limit: 50 });
    list.replaceChildren(...res.items.map((n) => h("li", { class: n.read ? "read" : "unread" },
      n.read ? null : h("span", { class: "badge", text: t("notification_new") }), " ",
      h("a", { href: notificationHref(n), text: t(`notification_${n.reason.replace(".", "_")}`, { name: who(n.actor), title: n.subject?.title || "" }) }),
      " ", time(n.created_at))));
    empty.hidden = res.items.length > 0;
    readAll.hidden = !res.items.some((n) => !n.read);
  };
  readAll.addEventListener("click", () => once(readAll, async () => {
    try {
      await post("/me/notifications/read", {});
      await load();
      say(root, t("notifications_all_read"));
      list.querySelector("a")?.focus();
    } catch (err) {
      fail(root, err);
    }
  }));
  load().catch((err) => fail(root, err));
  return section;
}

function loginError(root, err) {
  if (err instanceof LoginError) {
    say(root, err.key === "login_failed" ? t("login_failed", { detail: err.detail }) : t(err.key));
    return "login-error";
  }
  if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
    say(root, t("dev_login_off"));
    return "dev-login-off";
  }
  return fail(root, err);
}

export async function loginPage(root) {
  const params = new URLSearchParams(location.search);
  const body = fresh(root);
  const issuer = document.body.dataset.oidcIssuer;
  const client = document.body.dataset.oidcClient;
  const returnTo = safeReturn(params.get("return"), lang);

  // Back from the login provider: finish, clean the address, go where the reader came from.
  if (params.has("code") || params.has("error")) {
    say(root, t("loading"));
    try {
      const back = await oidcFinish(params, lang);
      history.replaceState(null, "", location.pathname);
      location.assign(back);
      return;
    } catch (err) {
      history.replaceState(null, "", location.pathname);
      done(root, loginError(root, err));
      return;
    }
  }

  const s = session();
  if (s) {
    const name = s.me?.display_name || s.me?.username || "";
    const out = h("button", { type: "button", text: t("logout") });
    out.addEventListener("click", () => {
      if (logout(lang)) return;
      say(root, t("logged_out"));
      loginPage(root).then(() => root.querySelector("button, input")?.focus());
    });
    body.append(
      h("p", { text: t("login_done", { name }) }),
      h("p", { class: "form-actions" }, out, " ", h("a", { href: returnTo, text: t("return_to") })),
      notificationsSection(root));
    done(root, "logged-in");
    return;
  }

  body.append(h("p", { text: t("login_intro") }));
  let offered = false;
  if (issuer && client) {
    offered = true;
    const button = h("button", { type: "button", text: t("login_oidc") });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await oidcBegin(issuer, client, lang, returnTo);
      } catch (err) {
        loginError(root, err);
        button.disabled = false;
      }
    });
    body.append(h("p", {}, button), h("p", { class: "hint", text: t("login_oidc_note", { issuer: new URL(issuer).host }) }));
  }
  if (devLoginPossible()) {
    offered = true;
    const name = h("input", { type: "text", name: "username", required: true, maxlength: 64, autocomplete: "username"});
    const role = h("select", { name: "role" }, ROLES.map((r) => h("option", { value: r, text: t(`role_${r}`) })));
    const form = h("form", { class: "collab-form", "aria-labelledby": "dev-login-h" },
      h("h2", { id: "dev-login-h", text: t("login_dev") }),
      h("p", { class: "hint", text: t("login_dev_note") }),
      field(t("username"), name),
      field(t("role"), role),
      h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("login") })));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const me = await devLogin(name.value.trim(), role.value);
        say(root, t("login_done", { name: me?.display_name || me?.username || name.value.trim() }));
        if (params.has("return")) {
          location.assign(returnTo);
          return;
        }
        await loginPage(root);
        root.querySelector("button")?.focus();
      } catch (err) {
        loginError(root, err);
        name.focus();
      } finally {
        button.disabled = false;
      }
    });
    body.append(form);
  }
  if (!offered) say(root, t("no_login_method"));
  done(root, "login");
}
