-- Moderation (portable SQL): reports, the review queue, sanctions on users and the
-- append-only audit log.

-- One queue item per target under review; reports attach to the open item of their target.
CREATE TABLE review_items (
    id TEXT PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    -- pending | approved (action taken) | rejected (dismissed)
    state TEXT NOT NULL,
    -- why it is in the queue: `reports` or `pre_moderation`
    source TEXT NOT NULL,
    reports_count BIGINT NOT NULL,
    action TEXT,
    reason TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX review_items_state ON review_items (state, created_at, id);
CREATE INDEX review_items_target ON review_items (target_kind, target_id, state);

CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES review_items (id),
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    -- NULL for anonymous reports (reason `illegal` only)
    reporter_id TEXT REFERENCES users (id),
    reason TEXT NOT NULL,
    text TEXT NOT NULL,
    -- open | closed (its queue item was decided)
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reports_target ON reports (target_kind, target_id, state);
CREATE INDEX reports_reporter ON reports (reporter_id, created_at);

-- Silences and suspensions; the newest unlifted, unexpired row of a kind applies.
CREATE TABLE user_sanctions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    -- silence | suspension
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    lifted_at BIGINT,
    lifted_by TEXT
);
CREATE INDEX user_sanctions_user ON user_sanctions (user_id, kind);

-- Append-only: written in the same transaction as the change it records; never updated.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    actor_id TEXT,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reason TEXT,
    data TEXT NOT NULL,
    request_ip TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_events_created ON audit_events (created_at, id);

-- Proof-of-work challenges already used for an anonymous report (one proof, one report).
CREATE TABLE pow_spent (
    challenge TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
