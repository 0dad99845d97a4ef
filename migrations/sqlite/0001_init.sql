-- Vigie schema v1 (SQLite). Times are milliseconds since the Unix epoch.
CREATE TABLE operators (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'operator')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_operator ON sessions(operator_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);

CREATE TABLE bots (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    default_lang TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE knowledge (
    id INTEGER PRIMARY KEY,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    ext_id TEXT NOT NULL,
    title TEXT NOT NULL,
    lang TEXT NOT NULL,
    formulations TEXT NOT NULL,
    answer TEXT NOT NULL,
    related TEXT NOT NULL,
    handoff INTEGER NOT NULL,
    tags TEXT NOT NULL,
    published INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (bot_id, ext_id)
);

CREATE TABLE deployments (
    id INTEGER PRIMARY KEY,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    created_by INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (bot_id, version)
);
