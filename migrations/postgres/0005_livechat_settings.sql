-- Livechat settings (one row) and per-operator capacity overrides (PostgreSQL).
CREATE TABLE livechat_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
ALTER TABLE operator_presence ADD COLUMN own_capacity BIGINT;
