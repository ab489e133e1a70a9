// The forum: categories (/{lang}/forum/), the topics of one category (?category=<slug>), a
// topic with its posts, replies, likes and reports (/{lang}/forum/topic/?id=<id>), and on an
// entry page the discussions of that entry (its category has the entry's slug).
import { ApiError, request, get, post, page, session, seg } from "allmende/collab/api.js";
import {
  t, h, lang, say, fresh, done, fail, time, who, loc, richText, field, heading, busy, loginHint,
  reportControl, moreButton, isModerator, once, typingTime,
} from "allmende/collab/ui.js";

export const categoryUrl = (slug) => `/${lang}/forum/?category=${encodeURIComponent(slug)}`;
export const topicUrl = (id) => `/${lang}/forum/topic/?id=${encodeURIComponent(id)}`;

const countOf = (x, ...keys) => {
  for (const k of keys) if (Number.isFinite(x?.[k])) return x[k];
  return null;
};

function topicItem(topic) {
  const posts = countOf(topic, "post_count", "posts_count", "reply_count");
  return h("li", { class: "topic-item" },
    h("a", { href: topicUrl(topic.id), text: topic.title }), " ",
    h("span", { class: "meta" },
      h("span", {}, t("by", { name: who(topic) })),
      time(topic.last_posted_at || topic.updated_at || topic.created_at),
      posts === null ? null : h("span", { text: t("posts_count", { n: posts }) })));
}

/** "Start a topic" in category `slug`; `onCreated(topic)` once the API accepted it. */
function newTopicForm(root, slug, level, onCreated) {
  if (!session()) return h("div", { class: "collab-new" }, loginHint());
  const title = h("input", { type: "text", name: "title", required: true, maxlength: 200, autocomplete: "off" });
  const text = h("textarea", { name: "body", rows: 6, required: true, maxlength: 65536 });
  const headingId = `new-topic-${seg(slug)}`;
  const form = h("form", { class: "collab-form", "aria-labelledby": headingId },
    heading(level, t("new_topic"), { id: headingId }),
    field(t("topic_name"), title),
    field(t("topic_body"), text),
    h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("submit_topic") })));
  const typed = typingTime(form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const res = await busy(root, form, () => post(`/categories/${seg(slug)}/topics`, { title: title.value.trim(), body: text.value, typing_ms: typed() }));
    if (!res) return;
    form.reset();
    say(root, t(res.data.visibility === "hidden" ? "topic_held" : "topic_created"));
    onCreated(res.data);
  });
  return form;
}

/** A paged list of topics in `slug` with its form; resolves to false when there is no such category. */
async function topicsOf(root, body, slug, { level, limit }) {
  const list = h("ul", { class: "topics", "aria-label": t("topics") });
  const empty = h("p", { class: "empty", text: t("topics_none"), hidden: true });
  let next = null;
  const load = async () => {
    const res = await page(`/categories/${seg(slug)}/topics`, { limit, cursor: next || undefined });
    const items = res.items.map(topicItem);
    list.append(...items);
    next = res.next;
    more.hidden = !next;
    empty.hidden = list.children.length > 0;
    return items[0]?.querySelector("a");
  };
  const more = moreButton(root, load);
  try {
    await load();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
  const form = newTopicForm(root, slug, level, (topic) => {
    const item = topicItem(topic);
    list.prepend(item);
    empty.hidden = true;
    item.querySelector("a").focus();
  });
  body.append(list, empty, more, form);
  return true;
}

/** The entry page's discussions: the latest topics of the entry's category and "start a topic". */
export async function entryTopics(root) {
  const project = root.dataset.project;
  const body = fresh(root);
  say(root, t("loading"));
  try {
    const found = await topicsOf(root, body, project, { level: 3, limit: 10 });
    say(root, found ? "" : t("discussion_none"));
    if (found) body.prepend(h("p", {}, h("a", { href: categoryUrl(project), text: t("discussion_all", { project: document.querySelector("h1")?.textContent || project }) })));
    done(root, found ? "list" : "missing");
  } catch (err) {
    done(root, fail(root, err));
  }
}

/** /{lang}/forum/: the categories, or with ?category= one category's topics. */
export async function forumPage(root) {
  const slug = new URLSearchParams(location.search).get("category");
  const body = fresh(root);
  say(root, t("loading"));
  try {
    if (slug) await categoryView(root, body, slug);
    else await categoriesView(root, body);
  } catch (err) {
    done(root, fail(root, err));
  }
}

async function categoriesView(root, body) {
  const list = h("ul", { class: "categories", "aria-labelledby": "categories-h" });
  let next = null;
  const load = async () => {
    const res = await page("/categories", { limit: 50, cursor: next || undefined });
    const items = res.items.map((c) => {
      const topics = countOf(c, "topic_count", "topics_count");
      return h("li", {},
        h("a", { href: categoryUrl(c.slug), text: loc(c.name) || c.slug }),
        topics === null ? null : h("span", { class: "count", text: ` (${t("topics_count", { n: topics })})` }),
        c.description ? h("p", { text: loc(c.description) }) : null);
    });
    list.append(...items);
    next = res.next;
    more.hidden = !next;
    return items[0]?.querySelector("a");
  };
  const more = moreButton(root, load);
  await load();
  say(root, list.children.length ? "" : t("categories_none"));
  const me = session()?.me;
  body.append(
    h("p", { text: t("forum_intro") }),
    isModerator(me) ? h("p", {}, h("a", { href: `/${lang}/forum/moderation/`, text: t("moderation_link") })) : null,
    heading(2, t("categories"), { id: "categories-h" }),
    list, more);
  done(root, "categories");
}

async function categoryView(root, body, slug) {
  const h1 = document.getElementById("collab-h1");
  // The category's name: from the list of categories when it is among the first page.
  let name = slug;
  try {
    const { items } = await page("/categories", { limit: 100 });
    const c = items.find((x) => x.slug === slug);
    if (c) name = loc(c.name) || slug;
  } catch { /* the topics request below reports problems */ }
  body.append(h("p", {}, h("a", { href: `/${lang}/forum/`, text: t("back_to_forum") })), heading(2, t("topics")));
  const found = await topicsOf(root, body, slug, { level: 2, limit: 30 });
  if (!found) {
    body.replaceChildren(h("p", {}, h("a", { href: `/${lang}/forum/`, text: t("back_to_forum") })));
    say(root, t("category_missing"));
    done(root, "missing");
    return;
  }
  h1.textContent = name;
  document.title = `${name} – ${document.title.split(" – ").slice(-1)[0]}`;
  say(root, "");
  done(root, "topics");
}

const postDom = `post-`;

/** /{lang}/forum/topic/?id=…: the posts of a topic, likes, replies, reports. */
export async function topicPage(root) {
  const id = new URLSearchParams(location.search).get("id") || "";
  const h1 = document.getElementById("collab-h1");
  const body = fresh(root);
  if (!/^[A-Za-z0-9_-]+$/.test(id)) {
    say(root, t("topic_address"));
    done(root, "no-topic");
    return;
  }
  say(root, t("loading"));
  let topic;
  try {
    ({ data: topic } = await get(`/topics/${seg(id)}`));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      say(root, t("topic_missing"));
      done(root, "missing");
    } else done(root, fail(root, err));
    return;
  }
  h1.textContent = topic.title;
  document.title = `${topic.title} – ${document.title.split(" – ").slice(-1)[0]}`;
  const crumb = document.querySelector(".crumbs [aria-current=page]");
  if (crumb) {
    crumb.textContent = topic.title;
    crumb.href = topicUrl(topic.id);
  }
  const categorySlug = topic.category_slug || topic.category?.slug || (typeof topic.category === "string" ? topic.category : null);

  const byId = new Map();
  const posts = h("ol", { class: "posts", "aria-labelledby": "posts-h" });
  let replyTo = null;

  // The reply form: a reply to the topic, or to one post (Reply on a post sets that).
  let form = null;
  const text = h("textarea", { name: "body", rows: 5, required: true, maxlength: 65536 });
  const replyNote = h("p", { class: "reply-note", hidden: true });
  const cancelReply = h("button", { type: "button", class: "secondary", text: t("cancel_reply"), hidden: true });
  const setReply = (p) => {
    replyTo = p;
    replyNote.hidden = !p;
    cancelReply.hidden = !p;
    replyNote.textContent = p ? t("replying_to", { name: who(p) }) : "";
  };
  cancelReply.addEventListener("click", () => { setReply(null); text.focus(); });

  const postItem = (p) => {
    byId.set(String(p.id), p);
    const hidden = p.hidden === true || p.visibility === "hidden";
    const parentId = p.reply_to ?? p.reply_to_post_id ?? p.parent_id;
    const parent = parentId !== undefined && parentId !== null ? byId.get(String(parentId)) : null;
    let likes = countOf(p, "like_count", "likes_count", "likes") ?? 0;
    let liked = Boolean(p.liked ?? p.liked_by_me ?? p.viewer_liked);
    const like = h("button", { type: "button", class: "like", "aria-pressed": String(liked), disabled: !session() || hidden });
    const showLike = () => {
      like.textContent = `${t("like")} (${likes})`;
      like.setAttribute("aria-pressed", String(liked));
      like.setAttribute("aria-label", `${t("like")}: ${t("likes", { n: likes })}`);
    };
    showLike();
    like.addEventListener("click", () => once(like, async () => {
      try {
        const res = await request(liked ? "DELETE" : "PUT", `/posts/${seg(p.id)}/like`);
        liked = !liked;
        const fromApi = countOf(res.data, "like_count", "likes_count", "likes");
        likes = fromApi ?? Math.max(0, likes + (liked ? 1 : -1));
        showLike();
        say(root, t(liked ? "liked" : "unliked"));
      } catch (err) {
        fail(root, err);
      }
    }));
    const reply = h("button", { type: "button", class: "secondary", text: t("reply"), "aria-label": t("reply_to", { name: who(p) }) });
    reply.addEventListener("click", () => { setReply(p); text.focus(); });
    return h("li", { class: `post${hidden ? " is-hidden" : ""}`, id: `${postDom}${p.id}`, tabindex: -1 },
      h("p", { class: "post-meta" },
        h("strong", { text: who(p) }), " ", time(p.created_at),
        parent ? h("span", {}, " · ", h("a", { href: `#${postDom}${parent.id}`, text: t("in_reply_to", { name: who(parent) }) })) : null),
      hidden ? h("p", { class: "notice", text: t("hidden") }) : null,
      hidden && !p.body_html ? null : richText(p.body_html, p.body),
      h("div", { class: "post-actions" }, like, session() && !hidden ? reply : null, hidden ? null : reportControl(root, "post", p.id)));
  };

  let next = null;
  const load = async () => {
    const res = await page(`/topics/${seg(topic.id)}/posts`, { limit: 50, cursor: next || undefined });
    const items = res.items.map(postItem);
    posts.append(...items);
    next = res.next;
    more.hidden = !next;
    return items[0];
  };
  const more = moreButton(root, load);
  try {
    await load();
  } catch (err) {
    done(root, fail(root, err));
    return;
  }
  say(root, "");

  if (session() && !topic.closed && !topic.archived) {
    form = h("form", { class: "collab-form", "aria-labelledby": "reply-form-h" },
      heading(2, t("write_reply"), { id: "reply-form-h" }),
      replyNote,
      field(t("reply_body"), text),
      h("p", { class: "form-actions" }, h("button", { type: "submit", text: t("submit_reply") }), " ", cancelReply));
    const typed = typingTime(form);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const payload = { body: text.value, typing_ms: typed() };
      if (replyTo) payload.reply_to = replyTo.id;
      const res = await busy(root, form, () => post(`/topics/${seg(topic.id)}/posts`, payload));
      if (!res) return;
      form.reset();
      setReply(null);
      const item = postItem(res.data);
      posts.append(item);
      say(root, t(res.data.visibility === "hidden" ? "post_held" : "reply_posted"));
      item.focus();
    });
  } else if (!session()) form = loginHint();

  body.append(
    h("p", { class: "meta" },
      categorySlug ? h("a", { href: categoryUrl(categorySlug), text: loc(topic.category?.name) || loc(topic.category_name) || categorySlug }) : null,
      h("a", { href: `/${lang}/forum/`, text: t("back_to_forum") })),
    h("div", { class: "post-actions" }, reportControl(root, "topic", topic.id)),
    heading(2, t("posts"), { id: "posts-h" }),
    posts, more, form);
  done(root, "topic");
}
