-- Monitored conversations, their links, and the mail outbox (SQLite).
CREATE TABLE monitored_conversations (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    starting_knowledge TEXT NOT NULL,
    starting_title TEXT NOT NULL,
    email TEXT NOT NULL,
    strong INTEGER NOT NULL,
    creator_id INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    -- The operator whose offer of help waits for the visitor's answer.
    offer_operator_id INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX monitored_created ON monitored_conversations(created_at);

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'retrying', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);

CREATE TABLE monitored_links (
    id INTEGER PRIMARY KEY,
    monitored_id INTEGER NOT NULL REFERENCES monitored_conversations(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    mail_id INTEGER REFERENCES mail_outbox(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    opened_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX monitored_links_of ON monitored_links(monitored_id);
