-- Visitors' feedback (issue 14, item 4), both dialog-box modules off by default: a thumbs
-- up or down under a bot answer, and a satisfaction survey at the end of a livechat
-- (SQLite). Both feed the statistics and the learning page (a thumbs-down is a candidate
-- to fix).
CREATE TABLE answer_feedback (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    -- The bot message rated: one rating per answer (a second one replaces the first).
    seq INTEGER NOT NULL,
    -- The knowledge item the answer gave (its external id), when it gave one.
    knowledge_id TEXT,
    -- The visitor's question the answer was for.
    question TEXT NOT NULL DEFAULT '',
    helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    created_at INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE INDEX answer_feedback_bot_created ON answer_feedback(bot_id, created_at);

CREATE TABLE satisfaction (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    -- The operator who held the livechat that ended.
    operator_id INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    -- The seq of the event that ended that livechat: one survey per livechat session.
    ended_seq INTEGER NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (conversation_id, ended_seq)
);
CREATE INDEX satisfaction_bot_created ON satisfaction(bot_id, created_at);
