-- Day one (issue 11): a visitor's attempt with an expired or revoked link, shown to the
-- operators (SQLite).
ALTER TABLE monitored_conversations ADD COLUMN dead_link_at INTEGER;
ALTER TABLE monitored_conversations ADD COLUMN dead_link_reason TEXT;

-- Which operators have opened which monitored conversation ("seen": no "nouvelle" for them
-- in another browser).
CREATE TABLE monitored_seen (
    monitored_id INTEGER NOT NULL REFERENCES monitored_conversations(id) ON DELETE CASCADE,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (monitored_id, operator_id)
);
