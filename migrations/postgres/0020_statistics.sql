-- Statistics (issue 14, item 2) (PostgreSQL): the indexes the statistics page's queries read by.
-- The bot's replies and the system's events of a period (questions and how they were
-- answered, hand-over requests, livechat sessions), with the kind and the conversation in
-- the index so that counting them reads no table row.
CREATE INDEX messages_automatic ON messages(created_at, kind, conversation_id) WHERE author IN ('bot', 'system');
-- Conversations and visitors of a period, overall and for one bot.
CREATE INDEX conversations_created ON conversations(created_at, bot_id, kind, visitor_id);
CREATE INDEX conversations_bot_created ON conversations(bot_id, created_at, kind, visitor_id);
-- Monitored conversations of a period for one bot; feedback of a period over all bots.
CREATE INDEX monitored_bot_created ON monitored_conversations(bot_id, created_at);
CREATE INDEX satisfaction_created ON satisfaction(created_at);
CREATE INDEX answer_feedback_created ON answer_feedback(created_at);
