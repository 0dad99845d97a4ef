-- Deployments written in bounded parts (issue 15, item 4) (SQLite). A snapshot of more
-- items than one part keeps its knowledge in `deployment_parts`, each part written in a
-- short transaction of its own, so a visitor's message is never held behind a whole
-- 100,000-item snapshot; the `deployments` row, written last, names the parts
-- (`parts_stage`) and makes the version visible. Parts whose row was never written (a
-- process that died while deploying) are dropped at the next start once an hour old.
-- `knowledge_count` lets the list of deployments be read without their knowledge.
CREATE TABLE deployment_parts (
    stage TEXT NOT NULL,
    part INTEGER NOT NULL,
    -- A JSON array of the deployed items, in the snapshot's order.
    items TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (stage, part)
);

ALTER TABLE deployments ADD COLUMN parts_stage TEXT;
ALTER TABLE deployments ADD COLUMN knowledge_count INTEGER NOT NULL DEFAULT 0;
-- dialect-specific {
-- The count of the deployments made before: each engine reads JSON its own way.
UPDATE deployments SET knowledge_count = COALESCE(json_array_length(snapshot, '$.knowledge'), 0);
-- }
