-- Full-text search over topic titles and post texts: SQLite FTS5, kept in step by
-- triggers like ticket_search (twin: postgres/0004_forum_search.sql).
CREATE VIRTUAL TABLE topic_search USING fts5 (
    topic_id UNINDEXED, title,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER topics_search_insert AFTER INSERT ON topics BEGIN
    INSERT INTO topic_search (topic_id, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER topics_search_update AFTER UPDATE OF title ON topics BEGIN
    DELETE FROM topic_search WHERE topic_id = old.id;
    INSERT INTO topic_search (topic_id, title) VALUES (new.id, new.title);
END;
CREATE VIRTUAL TABLE post_search USING fts5 (
    post_id UNINDEXED, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (post_id, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER posts_search_update AFTER UPDATE OF body ON posts BEGIN
    DELETE FROM post_search WHERE post_id = old.id;
    INSERT INTO post_search (post_id, body) VALUES (new.id, new.body);
END;
