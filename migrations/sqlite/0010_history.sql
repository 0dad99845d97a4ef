-- History, bots and transcripts (issue 12, items 2, 4 and 5) (SQLite).

-- Bots: the languages they answer in, and archiving (an archived bot leaves the lists and
-- its chatbox says it is unavailable; its conversations stay in the history).
ALTER TABLE bots ADD COLUMN langs TEXT NOT NULL DEFAULT '["fr","en"]';
ALTER TABLE bots ADD COLUMN archived_at INTEGER;

-- The operators who took part in a conversation (took it from the queue or got it by a
-- transfer): the history's operator filter, kept after the conversation goes back to the bot.
CREATE TABLE conversation_operators (
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    PRIMARY KEY (operator_id, conversation_id)
);
CREATE INDEX conversation_operators_conversation ON conversation_operators(conversation_id);
INSERT INTO conversation_operators (operator_id, conversation_id)
    SELECT operator_id, id FROM conversations WHERE operator_id IS NOT NULL;

-- The address a visitor gave for their transcript (monitored conversations have theirs in
-- monitored_conversations), and the transcripts mailed for a conversation.
ALTER TABLE conversations ADD COLUMN visitor_email TEXT;
CREATE INDEX conversations_visitor_email ON conversations(visitor_email) WHERE visitor_email IS NOT NULL;
CREATE TABLE transcript_mails (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    mail_id INTEGER REFERENCES mail_outbox(id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    requested_by TEXT NOT NULL CHECK (requested_by IN ('visitor', 'operator')),
    operator_id INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX transcript_mails_conversation ON transcript_mails(conversation_id, created_at);

-- The history's order (most recent activity first) walked by keyset, overall and per bot.
CREATE INDEX conversations_recent ON conversations(updated_at, id);
CREATE INDEX conversations_bot_recent ON conversations(bot_id, updated_at, id);
CREATE INDEX monitored_email ON monitored_conversations(email);

-- What a message says, as searched (its text, or the title of the knowledge item it
-- carries); written by the application with the message.
ALTER TABLE messages ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- The text index: the one place the two backends differ (see store/mod.rs, the migrations
-- test). Both find a substring of 3 characters or more, case-insensitively, through a
-- trigram index: FTS5's trigram tokenizer here, pg_trgm on PostgreSQL.
-- dialect-specific {
UPDATE messages SET search_text = TRIM(COALESCE(json_extract(body, '$.text'), '') || ' ' || COALESCE(json_extract(body, '$.knowledge.title'), ''));
CREATE VIRTUAL TABLE messages_fts USING fts5(search_text, content='messages', content_rowid='id', tokenize='trigram');
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
-- }
