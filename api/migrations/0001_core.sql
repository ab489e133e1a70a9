-- Portable SQL (SQLite 3.35+ and PostgreSQL 13+): BIGINT integers, TEXT strings,
-- times as milliseconds since 1970 (UTC), ids as UUIDv7 text made by the API.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (issuer, subject)
);

CREATE TABLE access_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX access_tokens_user ON access_tokens (user_id);

CREATE TABLE projects (
    slug TEXT PRIMARY KEY,
    next_number BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE milestones (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects (slug),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    state TEXT NOT NULL,
    due_on TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (project, title)
);

CREATE TABLE labels (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects (slug),
    name TEXT NOT NULL,
    color TEXT NOT NULL,
    description TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (project, name)
);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects (slug),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    renderer BIGINT NOT NULL,
    state TEXT NOT NULL,
    state_reason TEXT,
    duplicate_of BIGINT,
    author_id TEXT NOT NULL REFERENCES users (id),
    milestone_id TEXT REFERENCES milestones (id),
    confidential BIGINT NOT NULL,
    -- public | hidden (moderation) | deleted (tombstone)
    visibility TEXT NOT NULL,
    locked_reason TEXT,
    locked BIGINT NOT NULL,
    comments_count BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    deleted_at BIGINT,
    deleted_by TEXT,
    deleted_reason TEXT,
    UNIQUE (project, number)
);
CREATE INDEX tickets_project_created ON tickets (project, created_at, id);
CREATE INDEX tickets_project_updated ON tickets (project, updated_at, id);

CREATE TABLE ticket_labels (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    label_id TEXT NOT NULL REFERENCES labels (id),
    PRIMARY KEY (ticket_id, label_id)
);
CREATE INDEX ticket_labels_label ON ticket_labels (label_id);

CREATE TABLE ticket_assignees (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_assignees_user ON ticket_assignees (user_id);

CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    author_id TEXT NOT NULL REFERENCES users (id),
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
CREATE INDEX comments_ticket ON comments (ticket_id, created_at, id);

-- One row per (target, user, kind); target_kind is `ticket` or `comment`.
CREATE TABLE reactions (
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (target_kind, target_id, user_id, kind)
);

CREATE TABLE subscriptions (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);

-- The outbox: every write appends here in its own transaction; feeds the timeline,
-- notifications and (later) webhooks.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    project TEXT,
    ticket_id TEXT,
    actor_id TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX events_ticket ON events (ticket_id, id);
