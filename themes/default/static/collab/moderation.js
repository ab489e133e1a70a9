// /{lang}/forum/moderation/: the review queue for moderators. Each item names the reported
// content and the reports; a decision (hide, restore, delete, dismiss, approve) needs a
// reason, which the API stores and which is shown with the decision.
import { ApiError, post, page, session, seg } from "allmende/collab/api.js";
import { t, h, lang, say, fresh, done, fail, time, who, richText, field, busy, loginHint, isModerator, uid } from "allmende/collab/ui.js";

const ACTIONS = ["hide", "restore", "delete", "dismiss", "approve"];

/** Where the reported content can be seen, when the item says enough to link it. */
function targetUrl(item) {
  const x = { ...(item.target || {}), ...item };
  const type = x.target_type || x.type;
  const id = x.target_id ?? x.id;
  if (type === "topic") return `/${lang}/forum/topic/?id=${encodeURIComponent(x.topic_id ?? id)}`;
  if (type === "post" && x.topic_id !== undefined) return `/${lang}/forum/topic/?id=${encodeURIComponent(x.topic_id)}#post-${encodeURIComponent(x.target_id ?? id)}`;
  const project = x.project || x.project_slug;
  const number = x.ticket_number ?? x.number;
  if ((type === "ticket" || type === "comment") && project && number !== undefined) {
    return `/${lang}/tickets/?project=${encodeURIComponent(project)}&number=${encodeURIComponent(number)}${type === "comment" ? `#comment-${encodeURIComponent(x.target_id)}` : ""}`;
  }
  return null;
}

function decisionText(d) {
  return t("decision_shown", {
    action: t(`action_${d.action}`),
    name: d.decided_by ? who(d.decided_by) : who(d.moderator || d.actor || ""),
    reason: d.reason || "",
  });
}

function queueItem(root, item) {
  const type = item.target_type || item.target?.type || "post";
  const targetId = item.target_id ?? item.target?.id;
  const headingId = uid("queue");
  const url = targetUrl(item);
  const reports = Array.isArray(item.reports) ? item.reports : [];
  const reasons = reports.length ? reports : [{ reason: item.reason, text: item.text, reporter: item.reporter, created_at: item.created_at }].filter((r) => r.reason);
  const li = h("li", { class: "queue-item", "aria-labelledby": headingId },
    h("h2", { id: headingId, text: t("queue_item", { target: t(`target_${type}`), id: targetId }) }),
    item.target?.body_html || item.excerpt || item.target?.title
      ? h("blockquote", {}, item.target?.title ? h("p", {}, h("strong", { text: item.target.title })) : null,
        item.target?.body_html ? richText(item.target.body_html) : item.excerpt ? h("p", { text: item.excerpt }) : null)
      : null,
    url ? h("p", {}, h("a", { href: url, text: t("open_target") })) : null,
    h("h3", { text: t("reports") }),
    h("ul", { class: "reports" }, reasons.map((r) => h("li", {},
      h("strong", { text: t(`reason_${r.reason}`) }),
      r.text ? `: ${r.text}` : "",
      r.reporter ? ` – ${who(r.reporter)}` : "",
      r.created_at ? [" ", time(r.created_at)] : null))));
  const decided = item.decision || (item.state && item.state !== "pending" && item.action ? item : null);
  if (decided) {
    li.append(h("p", { class: "decision", text: decisionText(decided) }));
    return li;
  }
  const name = uid("action");
  const legendId = uid("legend");
  const choices = h("fieldset", { "aria-labelledby": legendId },
    h("legend", { id: legendId, text: t("decision") }),
    ACTIONS.map((a, i) => {
      const input = h("input", { type: "radio", name, value: a, id: `${name}-${a}`, checked: i === 0 });
      return h("div", { class: "choice" }, input, h("label", { for: input.id, text: t(`action_${a}`) }));
    }));
  const reason = h("textarea", { name: "reason", rows: 3, required: true, maxlength: 2000 });
  const form = h("form", { class: "collab-form decision-form", "aria-labelledby": headingId },
    choices, field(t("decision_reason"), reason),
    h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("submit_decision") })));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const action = form.querySelector(`input[name="${name}"]:checked`)?.value || ACTIONS[0];
    const res = await busy(root, form, () => post(`/moderation/queue/${seg(item.id)}/decision`, { action, reason: reason.value.trim() }));
    if (!res) return;
    const d = res.data?.decision || { action: res.data?.action || action, reason: res.data?.reason || reason.value.trim(), decided_by: res.data?.decided_by || session()?.me };
    const shown = h("p", { class: "decision", tabindex: -1, text: decisionText(d) });
    form.replaceWith(shown);
    say(root, t("decided", { action: t(`action_${d.action}`), reason: d.reason }));
    shown.focus();
  });
  li.append(form);
  return li;
}

export async function queuePage(root) {
  const body = fresh(root);
  const s = session();
  if (!s) {
    body.append(h("p", { text: t("moderation_only") }), loginHint());
    done(root, "login");
    return;
  }
  if (!isModerator(s.me)) {
    say(root, t("moderation_only"));
    done(root, "forbidden");
    return;
  }
  say(root, t("loading"));
  const list = h("ul", { class: "queue" });
  let res;
  try {
    res = await page("/moderation/queue", { limit: 50 });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
      say(root, t("moderation_only"));
      done(root, "forbidden");
    } else done(root, fail(root, err));
    return;
  }
  list.append(...res.items.map((item) => queueItem(root, item)));
  say(root, res.items.length ? "" : t("queue_none"));
  body.append(h("p", { text: t("moderation_intro") }), list);
  done(root, "queue");
}
