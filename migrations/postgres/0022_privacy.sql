-- Personal data, on time (issue 15, item 8): each bot's retention of its conversations
-- (days since their last activity; NULL keeps them forever) and what happens at its end
-- (`delete` them, or `anonymize` them: the personal data replaced, the counts kept).
ALTER TABLE bots ADD COLUMN retention_days BIGINT;
ALTER TABLE bots ADD COLUMN retention_mode TEXT NOT NULL DEFAULT 'anonymize' CHECK (retention_mode IN ('delete', 'anonymize'));
-- When the sweeper anonymized the conversation or the visitor (not taken again).
ALTER TABLE conversations ADD COLUMN anonymized_at BIGINT;
ALTER TABLE visitors ADD COLUMN anonymized_at BIGINT;

-- An anonymized message loses its searched text: the trigram index (pg_trgm) follows
-- the update by itself, nothing to add here.
-- dialect-specific {
SELECT 1;
-- }
