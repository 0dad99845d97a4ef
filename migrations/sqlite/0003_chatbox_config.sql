-- The draft chatbox configuration of each bot (JSON text, see domain::chatbox_config).
-- What the chatbox serves is the copy inside the latest deployment's snapshot.
CREATE TABLE chatbox_configs (
    bot_id INTEGER PRIMARY KEY REFERENCES bots(id) ON DELETE CASCADE,
    config TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES operators(id) ON DELETE SET NULL
);
