-- The learning loop (issue 14, item 3): visitor questions an admin or supervisor dismissed
-- from a bot's "To learn" page (off-topic) (SQLite). A dismissed question never comes back:
-- the page hides every collected question whose normalized text is one of these, or which
-- is a near-duplicate of one (same sentence meaning, see `service::learning`).
CREATE TABLE learning_dismissed (
    id INTEGER PRIMARY KEY,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    -- The question as the visitor wrote it (shown in the page's list of dismissed ones).
    question TEXT NOT NULL,
    -- Its normalized form (folded, words only, one space between): the key.
    normalized TEXT NOT NULL,
    operator_id INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (bot_id, normalized)
);
