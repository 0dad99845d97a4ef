-- Personal data, on time (issue 15, item 8): each bot's retention of its conversations
-- (days since their last activity; NULL keeps them forever) and what happens at its end
-- (`delete` them, or `anonymize` them: the personal data replaced, the counts kept).
ALTER TABLE bots ADD COLUMN retention_days INTEGER;
ALTER TABLE bots ADD COLUMN retention_mode TEXT NOT NULL DEFAULT 'anonymize' CHECK (retention_mode IN ('delete', 'anonymize'));
-- When the sweeper anonymized the conversation or the visitor (not taken again).
ALTER TABLE conversations ADD COLUMN anonymized_at INTEGER;
ALTER TABLE visitors ADD COLUMN anonymized_at INTEGER;

-- An anonymized message loses its searched text: the text index follows the update.
-- dialect-specific {
CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO messages_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
-- }
