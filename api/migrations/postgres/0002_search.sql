-- Full-text search over tickets: PostgreSQL with the German configuration (stemming,
-- stop words); twin of sqlite/0002_search.sql.
ALTER TABLE tickets ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('german', title || ' ' || body)) STORED;
CREATE INDEX tickets_search ON tickets USING gin (search);
