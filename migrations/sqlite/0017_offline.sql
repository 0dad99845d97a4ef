-- Office hours and the offline form (issue 13, item 5): the messages visitors leave when
-- nobody can answer (SQLite). The conversation keeps its kind; this table marks it
-- "message hors ligne" in the history. Answered by mail: the conversation then gets a
-- monitored record (its link opens the conversation in the chatbox).
CREATE TABLE offline_messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    -- The visitor's frame: a retry of the same form stores nothing twice.
    client_id TEXT NOT NULL,
    email TEXT NOT NULL,
    message TEXT NOT NULL,
    lang TEXT NOT NULL,
    team_mail_id INTEGER REFERENCES mail_outbox(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    answered_at INTEGER,
    answered_by INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    UNIQUE (conversation_id, client_id)
);
CREATE INDEX offline_messages_created ON offline_messages(created_at);
