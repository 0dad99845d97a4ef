-- The operator's workspace (issue 13): blocking abusive visitors (item 8) and canned answers
-- (item 1). Private notes (item 3) are messages of kind 'note': no schema change.
--
-- A visitor's last client address (the TCP peer of its chatbox connection), so that a block
-- can also hold that address.
ALTER TABLE visitors ADD COLUMN last_address TEXT;
-- A block: the visitor (its token) and/or a client address, on one bot, until `expires_at`
-- (NULL: permanently) unless lifted.
CREATE TABLE visitor_blocks (
    id INTEGER PRIMARY KEY,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    visitor_id INTEGER REFERENCES visitors(id) ON DELETE SET NULL,
    address TEXT,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_by INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    lifted_at INTEGER,
    lifted_by INTEGER REFERENCES operators(id) ON DELETE SET NULL
);
CREATE INDEX visitor_blocks_visitor ON visitor_blocks(visitor_id);
CREATE INDEX visitor_blocks_address ON visitor_blocks(bot_id, address);
-- Canned answers: global (bot_id NULL) or one bot's; one shortcut per scope and language.
CREATE TABLE canned_answers (
    id INTEGER PRIMARY KEY,
    bot_id INTEGER REFERENCES bots(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    shortcut TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX canned_answers_key ON canned_answers(COALESCE(bot_id, 0), lang, shortcut);
