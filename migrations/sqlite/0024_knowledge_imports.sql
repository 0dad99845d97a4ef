-- Large knowledge imports in bounded batches (issue 15, item 4) (SQLite). An import of more
-- items than one batch is first staged here, batch by batch (each its own short
-- transaction, so a visitor's message is never held behind the whole file), then marked
-- `applying`: from that moment it is decided, and it is applied to `knowledge` batch by
-- batch, each batch's staged rows deleted in the same transaction. A process that dies
-- meanwhile leaves the journal: the next `Store::open` finishes an `applying` import and
-- drops a `staging` one that is older than an hour (all or nothing, rolled forward).
CREATE TABLE knowledge_imports (
    id INTEGER PRIMARY KEY,
    bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('staging', 'applying')),
    created_at INTEGER NOT NULL
);

CREATE TABLE knowledge_import_items (
    import_id INTEGER NOT NULL REFERENCES knowledge_imports(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    -- The validated item, in the import file's JSON form.
    item TEXT NOT NULL,
    PRIMARY KEY (import_id, n)
);
