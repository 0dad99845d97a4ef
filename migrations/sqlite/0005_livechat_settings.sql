-- Livechat settings (one row) and per-operator capacity overrides (SQLite).
CREATE TABLE livechat_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
ALTER TABLE operator_presence ADD COLUMN own_capacity INTEGER;
