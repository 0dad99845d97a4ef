-- Who the visitor is (issue 13, item 2), SQLite. What the chatbox reports at `hello`
-- (browser, languages, time zone, the embedding site's attributes, the referrer) is kept
-- on the visitor; the host pages the loader saw are kept in `visitor_pages`. A visitor
-- identified by the embedding site (`window.VigieSettings.user` with a valid
-- `user_hash`) carries that site's user id: the same user is the same visitor on any
-- device.
ALTER TABLE visitors ADD COLUMN user_id TEXT;
ALTER TABLE visitors ADD COLUMN user_email TEXT;
ALTER TABLE visitors ADD COLUMN user_name TEXT;
ALTER TABLE visitors ADD COLUMN user_agent TEXT;
ALTER TABLE visitors ADD COLUMN languages TEXT;
ALTER TABLE visitors ADD COLUMN time_zone TEXT;
ALTER TABLE visitors ADD COLUMN referrer TEXT;
ALTER TABLE visitors ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX visitors_user ON visitors(bot_id, user_id) WHERE user_id IS NOT NULL;

-- The secret of the HMAC-SHA256 of user ids (`user_hash`), shown to admins; none: the
-- bot accepts no identity.
ALTER TABLE bots ADD COLUMN identity_secret TEXT;

CREATE TABLE visitor_pages (
    id INTEGER PRIMARY KEY,
    visitor_id INTEGER NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    -- When the page was shown (the loader's clock, bounded by the server's).
    seen_at INTEGER NOT NULL,
    UNIQUE (visitor_id, seen_at, url)
);
CREATE INDEX visitor_pages_visitor ON visitor_pages(visitor_id, seen_at);
