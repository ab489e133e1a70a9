-- What a contribution must pass before it is public (portable SQL): verified
-- public-sector staff, per-project interaction limits, indexes for the per-author
-- throttles, and in-app notifications fanned out from the events outbox.

-- 1: the identity provider vouches for public-administration staff (role or verified
-- e-mail domain); they skip pre-moderation.
ALTER TABLE users ADD COLUMN verified BIGINT NOT NULL DEFAULT 0;

-- GitHub-style temporary interaction limits, one per project (catalogue entry).
CREATE TABLE interaction_limits (
    project TEXT PRIMARY KEY,
    -- existing_users | prior_contributors | moderators_only
    level TEXT NOT NULL,
    reason TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX tickets_author ON tickets (author_id, created_at);
CREATE INDEX comments_author ON comments (author_id, created_at);
CREATE INDEX topics_author ON topics (author_id, created_at);

-- One row per recipient of an event; what it points at is checked against the
-- visibility predicate when read, so a notification never outlives access.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    event_id TEXT NOT NULL REFERENCES events (id),
    -- comment.created, ticket.closed, ticket.reopened, ticket.assigned, post.replied, topic.replied
    reason TEXT NOT NULL,
    actor_id TEXT,
    project TEXT,
    ticket_id TEXT,
    comment_id TEXT,
    topic_id TEXT,
    post_id TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, created_at, id);

-- The request an audit row came from (its X-Request-Id), next to the client's address
-- prefix (request_ip, /24 or /48), so an audit entry can be matched with the access logs.
ALTER TABLE audit_events ADD COLUMN request_id TEXT;
