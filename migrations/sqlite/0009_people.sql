-- People (issue 12): the supervisor role (SQLite cannot alter a CHECK, so the role column is
-- replaced by a new one, copied, and renamed), languages spoken, deactivation; scoped API
-- tokens (existing tokens keep full operator rights); invitation and password-reset links
-- (only their hash stored); the audit log (SQLite).
ALTER TABLE operators ADD COLUMN access TEXT NOT NULL DEFAULT 'operator' CHECK (access IN ('admin', 'supervisor', 'operator'));
UPDATE operators SET access = role;
ALTER TABLE operators DROP COLUMN role;
ALTER TABLE operators RENAME COLUMN access TO role;
ALTER TABLE operators ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE operators ADD COLUMN deactivated_at INTEGER;

ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'operator' CHECK (scope IN ('operator', 'monitored:create', 'knowledge:read', 'knowledge:write', 'conversations:read'));
CREATE INDEX api_tokens_operator ON api_tokens(operator_id);

CREATE TABLE account_links (
    id INTEGER PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX account_links_operator ON account_links(operator_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES operators(id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE INDEX audit_log_action ON audit_log(action, at);
