-- Statistics at scale (issue 14, item 2) (PostgreSQL): every chart of a year of 1,000,000
-- messages under 300 ms. The queries read a period's classified messages from partial
-- indexes instead of testing the body of every bot reply and event of the period.
--
-- The bot of the message's conversation, written with the message (a conversation never
-- changes bot): one bot's figures read the index alone, without a join per message.
ALTER TABLE messages ADD COLUMN bot_id BIGINT;
UPDATE messages SET bot_id = (SELECT c.bot_id FROM conversations c WHERE c.id = messages.conversation_id);
-- What the statistics count in a message, computed from it by the database (nothing to
-- write, nothing to backfill: the indexes below are built from the rows already stored),
-- with the very conditions the queries used to test on each row:
--   stat_answer: the bot's reply to a question (not a monitored conversation's opening
--     message 1): `answer` (knowledge), `suggestions`, `not_understood`, `small_talk`;
--   stat_handoff: a request for a human (marked on the bot's or system's first message
--     answering it): `queued`, `assigned`, else `unavailable`;
--   stat_joined: 1 on the system's "an operator joined" event (a livechat session);
--   stat_event: what follows in a conversation: an event by name (`operator_joined`,
--     `queue_timeout`, `operator_left`, `transferred`, `help_offered`, `help_accepted`;
--     a body names one event) or `operator_text` (an operator's reply);
--   knowledge_id, knowledge_title: the item a `knowledge` reply answered with.
-- SQLite computes them when read (VIRTUAL) and stores them only in the indexes;
-- PostgreSQL stores them (STORED: the table is rewritten once by this migration).
-- dialect-specific {
ALTER TABLE messages
    ADD COLUMN stat_answer TEXT GENERATED ALWAYS AS (CASE WHEN author = 'bot' AND seq > 1 THEN CASE kind WHEN 'knowledge' THEN 'answer' WHEN 'suggestions' THEN 'suggestions' WHEN 'not_understood' THEN 'not_understood' WHEN 'text' THEN CASE WHEN body LIKE '%"small_talk":%' THEN 'small_talk' END END END) STORED,
    ADD COLUMN stat_handoff TEXT GENERATED ALWAYS AS (CASE WHEN author IN ('bot', 'system') AND kind IN ('event', 'text') AND body LIKE '%"handoff":"%' THEN CASE WHEN body LIKE '%"handoff":"queued"%' THEN 'queued' WHEN body LIKE '%"handoff":"assigned"%' THEN 'assigned' ELSE 'unavailable' END END) STORED,
    ADD COLUMN stat_joined BIGINT GENERATED ALWAYS AS (CASE WHEN author IN ('bot', 'system') AND kind = 'event' AND body LIKE '%"event":"operator_joined"%' THEN 1 END) STORED,
    ADD COLUMN stat_event TEXT GENERATED ALWAYS AS (CASE WHEN kind = 'event' THEN CASE WHEN body LIKE '%"event":"operator_joined"%' THEN 'operator_joined' WHEN body LIKE '%"event":"queue_timeout"%' THEN 'queue_timeout' WHEN body LIKE '%"event":"operator_left"%' THEN 'operator_left' WHEN body LIKE '%"event":"transferred"%' THEN 'transferred' WHEN body LIKE '%"event":"help_offered"%' THEN 'help_offered' WHEN body LIKE '%"event":"help_accepted"%' THEN 'help_accepted' END WHEN author = 'operator' AND kind = 'text' THEN 'operator_text' END) STORED,
    ADD COLUMN knowledge_id TEXT GENERATED ALWAYS AS (CASE WHEN author = 'bot' AND seq > 1 AND kind = 'knowledge' THEN (body::json -> 'knowledge' ->> 'id') END) STORED,
    ADD COLUMN knowledge_title TEXT GENERATED ALWAYS AS (CASE WHEN author = 'bot' AND seq > 1 AND kind = 'knowledge' THEN (body::json -> 'knowledge' ->> 'title') END) STORED;
-- }
-- Questions by how the bot answered, per slot of the period (counted in the index).
CREATE INDEX messages_stat_answer ON messages(stat_answer, created_at, bot_id) WHERE stat_answer IS NOT NULL;
-- Requests for a human and livechat sessions of the period (then each one's follow-up is
-- read in its conversation by the (conversation_id, seq) key).
CREATE INDEX messages_stat_handoff ON messages(created_at, bot_id, stat_handoff, conversation_id, seq) WHERE stat_handoff IS NOT NULL;
CREATE INDEX messages_stat_joined ON messages(created_at, bot_id, conversation_id, seq) WHERE stat_joined IS NOT NULL;
CREATE INDEX messages_stat_event ON messages(conversation_id, stat_event, seq, created_at) WHERE stat_event IS NOT NULL;
-- The knowledge items answered with in the period, item by item (grouped in the index's
-- order: no sort of the period's answers).
CREATE INDEX messages_knowledge ON messages(knowledge_id, created_at, bot_id, knowledge_title) WHERE knowledge_id IS NOT NULL;
-- Distinct visitors of a period, visitor by visitor (no sort of the period's
-- conversations); it serves the visitor's conversations as the index it replaces did.
DROP INDEX conversations_visitor;
CREATE INDEX conversations_visitor_created ON conversations(visitor_id, created_at, bot_id);
-- Read by nothing any more (migration 0020's index of every bot reply and event).
DROP INDEX messages_automatic;
