-- Full-text search over tickets: SQLite FTS5 (twin: postgres/0002_search.sql).
-- A table of its own keyed by the ticket id (rowids of tables without an INTEGER PRIMARY
-- KEY may change on VACUUM, so an external-content table would drift), kept in step by
-- triggers so the API's write path is the same on both databases.
CREATE VIRTUAL TABLE ticket_search USING fts5 (
    ticket_id UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search (ticket_id, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_search WHERE ticket_id = old.id;
END;
CREATE TRIGGER tickets_search_update AFTER UPDATE OF title, body ON tickets BEGIN
    DELETE FROM ticket_search WHERE ticket_id = old.id;
    INSERT INTO ticket_search (ticket_id, title, body) VALUES (new.id, new.title, new.body);
END;
