// Tickets of a catalogue entry: the list and "open a ticket" on the entry page, and the ticket
// page /{lang}/tickets/?project=<slug>&number=<n> with its comments, reactions, close/reopen
// and reports. Changes to a ticket send its ETag as If-Match; a 412 shows the current state.
import { ApiError, request, get, post, page, session, seg } from "allmende/collab/api.js";
import {
  t, h, lang, say, fresh, done, fail, time, who, richText, field, heading, busy, loginHint,
  reportControl, moreButton, reactionKinds, reactionLabel, once,
} from "allmende/collab/ui.js";

export const ticketUrl = (project, number) => `/${lang}/tickets/?project=${encodeURIComponent(project)}&number=${encodeURIComponent(number)}`;
const ticketPath = (project, number) => `/projects/${seg(project)}/tickets/${seg(number)}`;

const stateOf = (ticket) => (ticket.state === "closed" ? "closed" : "open");
const stateBadge = (ticket) => h("span", { class: `badge state-${stateOf(ticket)}`, text: t(`state_${stateOf(ticket)}`) });
const labelName = (l) => (typeof l === "string" ? l : l?.name || "");
const countOf = (x, ...keys) => {
  for (const k of keys) if (Number.isFinite(x?.[k])) return x[k];
  return null;
};

function labelList(ticket) {
  const names = (ticket.labels || []).map(labelName).filter(Boolean);
  if (!names.length) return null;
  return h("ul", { class: "labels", "aria-label": t("labels") }, names.map((n) => h("li", { text: n })));
}

/** One line of a ticket list: number and title (a link), state, labels, comment count. */
function ticketItem(project, ticket) {
  const comments = countOf(ticket, "comment_count", "comments_count", "comments");
  const link = h("a", { href: ticketUrl(project, ticket.number), text: `#${ticket.number} ${ticket.title}` });
  return h("li", { class: "ticket-item" },
    link, " ",
    h("span", { class: "meta" }, stateBadge(ticket), labelList(ticket),
      comments === null ? null : h("span", { text: t("comments_count", { n: comments }) })));
}

/** The "open a ticket" form; `onCreated(ticket)` after the API accepted it. */
function newTicketForm(root, project, level, onCreated) {
  if (!session()) return h("div", { class: "collab-new" }, loginHint());
  const title = h("input", { type: "text", name: "title", required: true, maxlength: 200, autocomplete: "off" });
  const text = h("textarea", { name: "body", rows: 6, maxlength: 65536 });
  const headingId = `new-ticket-${seg(project)}`;
  const form = h("form", { class: "collab-form", "aria-labelledby": headingId },
    heading(level, t("new_ticket"), { id: headingId }),
    field(t("ticket_title"), title),
    field(t("ticket_body"), text),
    h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("submit_ticket") })));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const created = await busy(root, form, () => post(`/projects/${seg(project)}/tickets`, { title: title.value.trim(), body: text.value }));
    if (!created) return;
    form.reset();
    say(root, t("ticket_opened", { n: created.data.number }));
    onCreated(created.data);
  });
  return form;
}

/** The entry page's tickets: filter by state, the list (paged), and the form. */
export async function entryTickets(root) {
  const project = root.dataset.project;
  const body = fresh(root);
  const level = 3;
  const stateSelect = h("select", { name: "state" },
    ["open", "closed", "all"].map((s) => h("option", { value: s, text: t(`filter_${s}`) })));
  const list = h("ul", { class: "tickets", "aria-label": t("tickets_list") });
  const empty = h("p", { class: "empty", hidden: true });
  let next = null;
  const load = async (reset) => {
    const state = stateSelect.value;
    const res = await page(`/projects/${seg(project)}/tickets`, { state: state === "all" ? undefined : state, limit: 20, cursor: reset ? undefined : next });
    if (reset) list.replaceChildren();
    const items = res.items.map((tk) => ticketItem(project, tk));
    list.append(...items);
    next = res.next;
    more.hidden = !next;
    empty.hidden = list.children.length > 0;
    empty.textContent = state === "open" ? t("tickets_none") : t("tickets_none_state");
    return items[0]?.querySelector("a");
  };
  const more = moreButton(root, () => load(false));
  stateSelect.addEventListener("change", async () => {
    try {
      await load(true);
      say(root, t("tickets_shown", { n: list.children.length }));
    } catch (err) {
      fail(root, err);
    }
  });
  say(root, t("loading"));
  try {
    await load(true);
  } catch (err) {
    done(root, fail(root, err));
    return;
  }
  say(root, "");
  const form = newTicketForm(root, project, level, (ticket) => {
    if (stateSelect.value !== "closed") {
      const item = ticketItem(project, ticket);
      list.prepend(item);
      empty.hidden = true;
      item.querySelector("a").focus();
    }
  });
  body.append(
    h("div", { class: "collab-filter" }, field(t("filter_state"), stateSelect)),
    list, empty, more, form);
  done(root, "list");
}

/** Reactions as { kind: { count, mine } }, from a map of counts or a list of groups. */
function reactionsOf(ticket) {
  const out = {};
  const r = ticket.reactions;
  const mine = new Set(ticket.my_reactions || ticket.viewer_reactions || []);
  if (Array.isArray(r)) {
    for (const g of r) {
      const kind = g.kind || g.content;
      if (kind) out[kind] = { count: g.count ?? 0, mine: Boolean(g.me ?? g.reacted ?? g.viewer_has_reacted ?? mine.has(kind)) };
    }
  } else if (r && typeof r === "object") {
    for (const [kind, v] of Object.entries(r)) {
      if (typeof v === "number") out[kind] = { count: v, mine: mine.has(kind) };
      else if (v && typeof v === "object") out[kind] = { count: v.count ?? 0, mine: Boolean(v.me ?? v.reacted ?? mine.has(kind)) };
    }
  }
  return out;
}

/** `refresh()` re-reads the ticket (its counts and ETag) and resolves to it. */
function reactionBar(root, ticket, refresh) {
  const state = reactionsOf(ticket);
  const group = h("div", { class: "reactions", role: "group", "aria-label": t("reactions") });
  for (const kind of reactionKinds()) {
    const s = state[kind] || { count: 0, mine: false };
    const button = h("button", { type: "button", class: "reaction", "aria-pressed": String(s.mine), disabled: !session() });
    const show = () => {
      button.textContent = t("reaction_label", { reaction: reactionLabel(kind), n: s.count });
      button.setAttribute("aria-pressed", String(s.mine));
    };
    show();
    button.addEventListener("click", () => once(button, async () => {
      try {
        await request(s.mine ? "DELETE" : "PUT", `${ticketPath(ticket.project, ticket.number)}/reactions/${seg(kind)}`);
        s.mine = !s.mine;
        // The ticket carries the counts (not who reacted): take them from the API.
        s.count = reactionsOf(await refresh())[kind]?.count ?? 0;
        show();
        say(root, t(s.mine ? "reaction_saved" : "reaction_removed"));
      } catch (err) {
        fail(root, err);
      }
    }));
    group.append(button);
  }
  return group;
}

function commentItem(root, comment) {
  return h("li", { class: "comment", id: `comment-${comment.id}`, tabindex: -1 },
    h("p", { class: "post-meta" }, h("strong", { text: who(comment) }), " ", time(comment.created_at)),
    richText(comment.body_html, comment.body),
    h("div", { class: "post-actions" }, reportControl(root, "comment", comment.id)));
}

/** /{lang}/tickets/?project=…&number=…: one ticket. */
export async function ticketPage(root) {
  const q = new URLSearchParams(location.search);
  const project = q.get("project") || "";
  const number = q.get("number") || "";
  const h1 = document.getElementById("collab-h1");
  const body = fresh(root);
  if (!project || !/^[1-9][0-9]*$/.test(number)) {
    say(root, t("ticket_address"));
    done(root, "no-ticket");
    return;
  }
  const crumb = document.querySelector(".crumbs [aria-current=page]");
  let ticket;
  let etag;
  say(root, t("loading"));
  try {
    ({ data: ticket, etag } = await get(ticketPath(project, number)));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      say(root, t("ticket_missing"));
      done(root, "missing");
    } else done(root, fail(root, err));
    return;
  }
  say(root, "");
  const entryUrl = `/${lang}/software/${encodeURIComponent(project)}/`;
  const projectName = ticket.project_name || project;
  const head = h("div", { class: "ticket-head" });
  const showHead = () => {
    h1.textContent = `#${ticket.number} ${ticket.title}`;
    document.title = `${h1.textContent} – ${document.title.split(" – ").slice(-1)[0]}`;
    if (crumb) {
      crumb.textContent = `#${ticket.number}`;
      crumb.href = ticketUrl(project, ticket.number);
    }
    head.replaceChildren(
      h("p", { class: "meta" }, stateBadge(ticket), " ",
        h("span", {}, t("opened_by", { name: who(ticket), date: "" }).replace(/\s*$/, " "), time(ticket.created_at)),
        labelList(ticket)),
      h("p", {}, h("a", { href: entryUrl, text: t("all_tickets", { project: projectName }) })),
      ticket.locked ? h("p", { class: "notice", text: t("locked", { reason: ticket.lock_reason || ticket.locked_reason || "" }) }) : null);
  };
  showHead();
  // The page's own changes (a comment, a reaction) change the ticket's version too; reading it
  // again keeps the ETag current, so a following close is not refused as a conflict.
  const refresh = async () => {
    ({ data: ticket, etag } = await get(ticketPath(project, ticket.number)));
    showHead();
    return ticket;
  };

  // Close and reopen: the API decides who may; the button is offered to everyone logged in.
  const toggle = h("button", { type: "button", class: "secondary" });
  const showToggle = () => { toggle.textContent = t(stateOf(ticket) === "open" ? "close_ticket" : "reopen_ticket"); };
  showToggle();
  toggle.addEventListener("click", () => once(toggle, async () => {
    const closing = stateOf(ticket) === "open";
    try {
      const patch = closing ? { state: "closed", state_reason: "completed" } : { state: "open" };
      const res = await request("PATCH", ticketPath(project, ticket.number), { body: patch, ifMatch: etag });
      if (res.data) ticket = res.data;
      else ticket.state = closing ? "closed" : "open";
      etag = res.etag || etag;
      showHead();
      showToggle();
      say(root, t(closing ? "ticket_closed" : "ticket_reopened"));
    } catch (err) {
      fail(root, err);
      if (err instanceof ApiError && err.status === 412) {
        // Someone else changed the ticket: show theirs, keep the reader's place.
        try {
          await refresh();
          showToggle();
        } catch (e) {
          fail(root, e);
        }
      }
    }
  }));

  const comments = h("ol", { class: "comments", "aria-labelledby": "comments-h" });
  const none = h("p", { class: "empty", text: t("comments_none"), hidden: true });
  let next = null;
  const loadComments = async () => {
    const res = await page(`${ticketPath(project, ticket.number)}/comments`, { limit: 50, cursor: next || undefined });
    const items = res.items.map((c) => commentItem(root, c));
    comments.append(...items);
    next = res.next;
    more.hidden = !next;
    none.hidden = comments.children.length > 0;
    return items[0];
  };
  const more = moreButton(root, loadComments);
  try {
    await loadComments();
  } catch (err) {
    done(root, fail(root, err));
    return;
  }

  let form;
  if (session()) {
    const text = h("textarea", { name: "body", rows: 5, required: true, maxlength: 65536 });
    form = h("form", { class: "collab-form", "aria-labelledby": "comment-form-h" },
      heading(2, t("add_comment"), { id: "comment-form-h" }),
      field(t("comment_body"), text),
      h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("submit_comment") })));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const res = await busy(root, form, () => post(`${ticketPath(project, ticket.number)}/comments`, { body: text.value }));
      if (!res) return;
      form.reset();
      const item = commentItem(root, res.data);
      comments.append(item);
      none.hidden = true;
      say(root, t("comment_added"));
      item.focus();
      await refresh().catch((err) => fail(root, err));
    });
  } else form = loginHint();

  body.append(
    head,
    richText(ticket.body_html, ticket.body),
    reactionBar(root, ticket, refresh),
    h("div", { class: "post-actions" }, session() ? toggle : null, reportControl(root, "ticket", ticket.id)),
    heading(2, t("comments"), { id: "comments-h" }),
    comments, none, more, form);
  done(root, "ticket");
}
