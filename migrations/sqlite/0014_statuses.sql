-- Operator statuses as helpdesks use them (issue 13): the reason of an "away" status and since
-- when the status holds, a log of every status interval (time per status, for statistics),
-- and each operator's console preferences (sound, desktop notifications) kept server-side so
-- they follow the operator from one browser to another.
ALTER TABLE operator_presence ADD COLUMN away_reason TEXT;
ALTER TABLE operator_presence ADD COLUMN status_since INTEGER NOT NULL DEFAULT 0;
CREATE TABLE operator_status_log (
    id INTEGER PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    reason TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE INDEX operator_status_log_operator ON operator_status_log(operator_id, started_at);
CREATE INDEX operator_status_log_started ON operator_status_log(started_at);
ALTER TABLE operators ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';
