// Tickets of a catalogue entry: the list and "open a ticket" on the entry page, and the ticket
// page /{lang}/tickets/?project=<slug>&number=<n> with its comments, reactions, close/reopen
// and reports. Changes to a ticket send its ETag as If-Match; a 412 shows the current state.
import { ApiError, request, get, post, page, session, seg } from "allmende/collab/api.js";
import {
  t, h, lang, say, fresh, done, fail, time, who, richText, field, heading, busy, loginHint,
  reportControl, moreButton, reactionKinds, reactionLabel, once, loc, uid, isModerator,
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

/** The controls of a ticket template's body elements (GitHub issue forms); `compose()` writes the ticket body. */
function templateControls(template) {
  const parts = [];
  const answers = [];
  for (const el of template.body || []) {
    const a = el.attributes || {};
    const required = Boolean(el.validations?.required);
    if (el.type === "markdown") {
      parts.push(h("div", { class: "template-note", text: loc(a.value) }));
      continue;
    }
    const label = loc(a.label);
    const hint = a.description ? loc(a.description) : undefined;
    if (el.type === "checkboxes") {
      const boxes = (a.options || []).map((o) => {
        const box = h("input", { type: "checkbox", id: uid("cb"), required: Boolean(o.required) });
        return { box, text: loc(o.label), item: h("li", {}, box, " ", h("label", { for: box.id, text: loc(o.label) })) };
      });
      parts.push(h("fieldset", { class: "field" }, h("legend", { text: label }),
        hint ? h("p", { class: "hint", text: hint }) : null,
        h("ul", { class: "checks" }, boxes.map((b) => b.item))));
      answers.push(() => [label, boxes.map((b) => `- [${b.box.checked ? "x" : " "}] ${b.text}`).join("\n")]);
      continue;
    }
    let control;
    if (el.type === "dropdown") {
      control = h("select", { required, multiple: Boolean(a.multiple) },
        a.multiple ? null : h("option", { value: "", text: t("template_choose") }),
        (a.options || []).map((o) => h("option", { value: loc(o.label), text: loc(o.label) })));
      answers.push(() => [label, [...control.selectedOptions].map((o) => o.value).filter(Boolean).join(", ")]);
    } else {
      control = el.type === "textarea"
        ? h("textarea", { rows: 5, required, maxlength: 65536, placeholder: a.placeholder ? loc(a.placeholder) : undefined })
        : h("input", { type: "text", required, maxlength: 1000, autocomplete: "off", placeholder: a.placeholder ? loc(a.placeholder) : undefined });
      if (a.value) control.value = loc(a.value);
      answers.push(() => {
        const v = control.value.trim();
        return [label, v && el.type === "textarea" && a.render ? `\`\`\`${a.render}\n${v}\n\`\`\`` : v];
      });
    }
    parts.push(field(required ? `${label} ${t("required_mark")}` : label, control, hint));
  }
  // GitHub's layout of an issue-form answer: a heading per question, "No response" when empty.
  const compose = () => answers.map((f) => f()).map(([q, v]) => `### ${q}\n\n${v || t("template_no_response")}`).join("\n\n");
  return { parts, compose };
}

/** The "open a ticket" form, with the project's ticket templates; `onCreated(ticket)` after the API accepted it. */
function newTicketForm(root, project, level, onCreated) {
  if (!session()) return h("div", { class: "collab-new" }, loginHint());
  const title = h("input", { type: "text", name: "title", required: true, maxlength: 200, autocomplete: "off" });
  const text = h("textarea", { name: "body", rows: 6, maxlength: 65536 });
  const blank = [field(t("ticket_body"), text)];
  const body = h("div", { class: "template-fields" }, blank);
  const kind = h("select", { name: "template" }, h("option", { value: "", text: t("template_blank") }));
  const kindField = field(t("template_kind"), kind);
  kindField.hidden = true;
  let templates = [];
  let current = null;
  get(`/projects/${seg(project)}/ticket-templates`)
    .then((res) => {
      templates = res.data?.items || [];
      for (const tpl of templates) kind.append(h("option", { value: tpl.id, text: `${loc(tpl.name)} – ${loc(tpl.description)}` }));
      kindField.hidden = templates.length === 0;
    })
    // Without templates (an older API, or none reachable) the blank form still works.
    .catch(() => {});
  kind.addEventListener("change", () => {
    const tpl = templates.find((x) => x.id === kind.value);
    current = tpl ? { id: tpl.id, ...templateControls(tpl) } : null;
    body.replaceChildren(...(current ? current.parts : blank));
    if (tpl?.title && !title.value.trim()) title.value = tpl.title;
  });
  const headingId = `new-ticket-${seg(project)}`;
  const form = h("form", { class: "collab-form", "aria-labelledby": headingId },
    heading(level, t("new_ticket"), { id: headingId }),
    kindField,
    field(t("ticket_title"), title),
    body,
    h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("submit_ticket") })));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const payload = current
      ? { title: title.value.trim(), body: current.compose(), template: current.id }
      : { title: title.value.trim(), body: text.value };
    const created = await busy(root, form, () => post(`/projects/${seg(project)}/tickets`, payload));
    if (!created) return;
    form.reset();
    current = null;
    body.replaceChildren(...blank);
    say(root, t(created.data.visibility === "hidden" ? "ticket_held" : "ticket_opened", { n: created.data.number }));
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

/**
 * The eight reactions of a ticket or comment, as toggle buttons. `path` is the reactions
 * resource; `reread()` (optional) resolves to the target re-read from the API, else the count
 * is adjusted here (the API answered, so the change happened).
 */
function reactionBar(root, target, path, reread) {
  const state = reactionsOf(target);
  const group = h("div", { class: "reactions", role: "group", "aria-label": t("reactions"), "data-target": reread ? "ticket" : "comment" });
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
        await request(s.mine ? "DELETE" : "PUT", `${path}/${seg(kind)}`);
        s.mine = !s.mine;
        s.count = reread ? reactionsOf(await reread())[kind]?.count ?? 0 : Math.max(0, s.count + (s.mine ? 1 : -1));
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
  const hidden = comment.visibility === "hidden";
  const deleted = comment.visibility === "deleted";
  return h("li", { class: `comment${hidden ? " is-hidden" : ""}`, id: `comment-${comment.id}`, tabindex: -1 },
    h("p", { class: "post-meta" }, h("strong", { text: who(comment) }), " ", time(comment.created_at)),
    hidden ? h("p", { class: "notice", text: t("hidden") }) : null,
    deleted ? h("p", { class: "notice", text: t("comment_deleted") }) : richText(comment.body_html, comment.body),
    hidden || deleted ? null : reactionBar(root, comment, `/comments/${seg(comment.id)}/reactions`),
    hidden || deleted ? null : h("div", { class: "post-actions" }, reportControl(root, "comment", comment.id)));
}

/** /{lang}/tickets/?project=…&number=…: one ticket. */
/**
 * Moderators' triage of one ticket: its labels (checkboxes from the project's labels) and
 * assignees (usernames), saved in one PATCH with the ticket's ETag. `current()` gives the
 * ticket and its ETag; `saved(ticket, etag)` takes the API's answer.
 */
async function triageForm(root, project, current, saved, reread) {
  const { data } = await get(`/projects/${seg(project)}/labels`);
  const labels = data.items || [];
  const { ticket } = current();
  const has = new Set((ticket.labels || []).map((l) => l.name));
  const boxes = labels.map((l) => h("input", { type: "checkbox", name: "label", value: l.name, checked: has.has(l.name) }));
  const group = h("fieldset", { class: "triage-labels" },
    h("legend", { text: t("triage_labels") }),
    labels.length
      ? h("ul", { class: "checklist" }, labels.map((l, i) => {
        const id = uid("lbl");
        boxes[i].id = id;
        return h("li", {}, boxes[i], " ", h("label", { for: id, text: l.name }), l.description ? h("span", { class: "hint", text: ` – ${l.description}` }) : null);
      }))
      : h("p", { class: "empty", text: t("triage_no_labels") }));
  const people = h("input", {
    type: "text", name: "assignees", autocomplete: "off",
    value: (ticket.assignees || []).map((a) => a.username).join(", "),
  });
  const form = h("form", { class: "collab-form triage", "aria-labelledby": "triage-h" },
    heading(2, t("triage"), { id: "triage-h" }),
    group,
    field(t("triage_assignees"), people, t("triage_assignees_hint")),
    h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("triage_save") })));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      labels: boxes.filter((b) => b.checked).map((b) => b.value),
      assignees: people.value.split(/[\s,]+/).map((s) => s.replace(/^@/, "")).filter(Boolean),
    };
    const res = await busy(root, form, () => request("PATCH", ticketPath(project, current().ticket.number), { body, ifMatch: current().etag }));
    if (res) {
      saved(res.data, res.etag);
      say(root, t("triage_saved"));
      return;
    }
    // A 412 (someone else changed the ticket) or a refusal: show the ticket as stored now.
    const fresh = await reread().catch((err) => fail(root, err));
    if (!fresh) return;
    const now = new Set((fresh.labels || []).map((l) => l.name));
    boxes.forEach((b) => { b.checked = now.has(b.value); });
    people.value = (fresh.assignees || []).map((a) => a.username).join(", ");
  });
  return form;
}

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
      say(root, t(res.data.visibility === "hidden" ? "comment_held" : "comment_added"));
      item.focus();
      await refresh().catch((err) => fail(root, err));
    });
  } else form = loginHint();

  let triage = null;
  if (isModerator(session()?.me)) {
    triage = await triageForm(root, project, () => ({ ticket, etag }), (t2, e2) => {
      if (t2) ticket = t2;
      etag = e2 || etag;
      showHead();
    }, refresh).catch((err) => { fail(root, err); return null; });
  }

  body.append(
    head,
    richText(ticket.body_html, ticket.body),
    reactionBar(root, ticket, `${ticketPath(project, ticket.number)}/reactions`, refresh),
    h("div", { class: "post-actions" }, session() ? toggle : null, reportControl(root, "ticket", ticket.id)),
    triage,
    heading(2, t("comments"), { id: "comments-h" }),
    comments, none, more, form);
  done(root, "ticket");
}
