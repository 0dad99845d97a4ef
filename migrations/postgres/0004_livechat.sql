-- Livechat: operator presence and capacity, conversation assignment (PostgreSQL).
CREATE TABLE operator_presence (
    operator_id BIGINT PRIMARY KEY REFERENCES operators(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('available', 'away', 'offline')),
    capacity BIGINT NOT NULL DEFAULT 3,
    load BIGINT NOT NULL DEFAULT 0,
    last_seen_at BIGINT NOT NULL DEFAULT 0,
    last_assigned_at BIGINT NOT NULL DEFAULT 0
);
ALTER TABLE conversations ADD COLUMN operator_id BIGINT REFERENCES operators(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN queued_at BIGINT;
CREATE INDEX conversations_queue ON conversations(state, queued_at);
CREATE INDEX conversations_operator ON conversations(operator_id, state);
