-- Full-text search over topic titles and post texts: PostgreSQL, German configuration;
-- twin of sqlite/0004_forum_search.sql.
ALTER TABLE topics ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('german', title)) STORED;
CREATE INDEX topics_search ON topics USING gin (search);
ALTER TABLE posts ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('german', body)) STORED;
CREATE INDEX posts_search ON posts USING gin (search);
