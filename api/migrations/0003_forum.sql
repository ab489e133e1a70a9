-- The forum (portable SQL, same conventions as 0001_core): category → topic → post,
-- with every edit of a post kept as a revision. Categories come from the configuration
-- (general ones plus one per catalogue entry), so they are a slug here, not a table.

CREATE TABLE topics (
    id TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    closed BIGINT NOT NULL,
    pinned BIGINT NOT NULL,
    archived BIGINT NOT NULL,
    slow_mode_seconds BIGINT NOT NULL,
    -- public | hidden (moderation) | deleted (tombstone)
    visibility TEXT NOT NULL,
    posts_count BIGINT NOT NULL,
    last_posted_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    deleted_by TEXT,
    deleted_reason TEXT
);
CREATE INDEX topics_category ON topics (category, pinned, last_posted_at, id);

CREATE TABLE posts (
    id TEXT PRIMARY KEY,
    topic_id TEXT NOT NULL REFERENCES topics (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    reply_to TEXT REFERENCES posts (id),
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    renderer BIGINT NOT NULL,
    visibility TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    deleted_by TEXT,
    deleted_reason TEXT
);
CREATE INDEX posts_topic ON posts (topic_id, created_at, id);
CREATE INDEX posts_author ON posts (author_id, created_at);

-- Every version of a post's text (version 1 is the original), like Discourse's history.
CREATE TABLE post_revisions (
    post_id TEXT NOT NULL REFERENCES posts (id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    editor_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, version)
);
