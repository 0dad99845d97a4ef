-- Livechat: operator presence and capacity, conversation assignment (SQLite).
CREATE TABLE operator_presence (
    operator_id INTEGER PRIMARY KEY REFERENCES operators(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('available', 'away', 'offline')),
    capacity INTEGER NOT NULL DEFAULT 3,
    load INTEGER NOT NULL DEFAULT 0,
    last_seen_at INTEGER NOT NULL DEFAULT 0,
    last_assigned_at INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE conversations ADD COLUMN operator_id INTEGER REFERENCES operators(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN queued_at INTEGER;
CREATE INDEX conversations_queue ON conversations(state, queued_at);
CREATE INDEX conversations_operator ON conversations(operator_id, state);
