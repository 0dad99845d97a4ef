//! The knowledge base of each bot, keyed by its external id.

use super::{conflict, json_list, parse_list, Result, Store, StoreError};
use crate::domain::{now_ms, KnowledgeItem};
use sqlx::{any::AnyRow, Row};
use std::collections::HashMap;
use vigie_bot::Lang;

const COLUMNS: &str =
    "ext_id, title, lang, formulations, answer, related, handoff, tags, published, translations";

fn from_row(row: &AnyRow) -> Result<KnowledgeItem> {
    let lang: String = row.try_get("lang")?;
    let handoff: i64 = row.try_get("handoff")?;
    let published: i64 = row.try_get("published")?;
    Ok(KnowledgeItem {
        id: row.try_get("ext_id")?,
        title: row.try_get("title")?,
        lang: Lang::parse(&lang)
            .ok_or_else(|| StoreError::Corrupt(format!("language `{lang}`")))?,
        formulations: parse_list(row, "formulations")?,
        answer: row.try_get("answer")?,
        related: parse_list(row, "related")?,
        handoff: handoff != 0,
        tags: parse_list(row, "tags")?,
        published: published != 0,
        translations: {
            let s: String = row.try_get("translations")?;
            serde_json::from_str(&s)
                .map_err(|e| StoreError::Corrupt(format!("translations: {e}")))?
        },
    })
}

fn json_translations(t: &std::collections::BTreeMap<Lang, String>) -> String {
    serde_json::to_string(t).expect("translations serialize")
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Store {
    pub async fn list_knowledge(&self, bot_id: i64) -> Result<Vec<KnowledgeItem>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM knowledge WHERE bot_id = $1 ORDER BY ext_id"
        ))
        .bind(bot_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One page of a bot's items in id order: those after `after` (a page's last id),
    /// of `lang` if given; and how many there are in all (with `lang`).
    pub async fn knowledge_page(
        &self,
        bot_id: i64,
        lang: Option<Lang>,
        after: Option<&str>,
        limit: i64,
    ) -> Result<(Vec<KnowledgeItem>, i64)> {
        let lang = lang.map(|l| l.as_str().to_string());
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM knowledge WHERE bot_id = $1 AND ($2 IS NULL OR lang = $2) \
             AND ($3 IS NULL OR ext_id > $3) ORDER BY ext_id LIMIT $4"
        ))
        .bind(bot_id)
        .bind(lang.clone())
        .bind(after)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM knowledge WHERE bot_id = $1 AND ($2 IS NULL OR lang = $2)",
        )
        .bind(bot_id)
        .bind(lang)
        .fetch_one(&self.reader)
        .await?;
        Ok((items, total))
    }

    /// Every item's id and language (to check translation links).
    pub async fn knowledge_langs(&self, bot_id: i64) -> Result<HashMap<String, Lang>> {
        let rows = sqlx::query("SELECT ext_id, lang FROM knowledge WHERE bot_id = $1")
            .bind(bot_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|r| {
                let lang: String = r.try_get("lang")?;
                let lang = Lang::parse(&lang)
                    .ok_or_else(|| StoreError::Corrupt(format!("language `{lang}`")))?;
                Ok((r.try_get::<String, _>("ext_id")?, lang))
            })
            .collect()
    }

    pub async fn knowledge(&self, bot_id: i64, ext_id: &str) -> Result<KnowledgeItem> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM knowledge WHERE bot_id = $1 AND ext_id = $2"
        ))
        .bind(bot_id)
        .bind(ext_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn create_knowledge(&self, bot_id: i64, item: &KnowledgeItem) -> Result<()> {
        insert(&self.pool, bot_id, item).await
    }

    pub async fn update_knowledge(&self, bot_id: i64, item: &KnowledgeItem) -> Result<()> {
        let done = update(&self.pool, bot_id, item).await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn delete_knowledge(&self, bot_id: i64, ext_id: &str) -> Result<()> {
        let done = sqlx::query("DELETE FROM knowledge WHERE bot_id = $1 AND ext_id = $2")
            .bind(bot_id)
            .bind(ext_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Upserts every item, all or nothing. Items identical to what is stored are left
    /// alone, so importing the same file twice changes nothing. Up to [`IMPORT_BATCH`]
    /// changed items are written in one transaction; more are journaled and applied in
    /// batches of that size (`knowledge_imports`, migration 0024), so that the one SQLite
    /// writer is never held for the whole file: a visitor's message waits for one batch at
    /// most. Once staged, the import is decided: a process that dies while applying it
    /// leaves the journal, and the next [`Store::open`] finishes it.
    pub async fn import_knowledge(
        &self,
        bot_id: i64,
        items: &[KnowledgeItem],
    ) -> Result<ImportSummary> {
        let existing: HashMap<String, KnowledgeItem> = self
            .list_knowledge(bot_id)
            .await?
            .into_iter()
            .map(|k| (k.id.clone(), k))
            .collect();
        let mut summary = ImportSummary::default();
        let mut changed = Vec::new();
        for item in items {
            match existing.get(&item.id) {
                Some(old) if old == item => summary.unchanged += 1,
                Some(_) => {
                    summary.updated += 1;
                    changed.push(item);
                }
                None => {
                    summary.created += 1;
                    changed.push(item);
                }
            }
        }
        drop(existing);
        if changed.len() <= IMPORT_BATCH {
            let mut tx = self.pool.begin().await?;
            for item in changed {
                upsert(&mut *tx, bot_id, item).await?;
            }
            tx.commit().await?;
            return Ok(summary);
        }
        let import_id: i64 = sqlx::query_scalar(
            "INSERT INTO knowledge_imports (bot_id, state, created_at) \
             VALUES ($1, 'staging', $2) RETURNING id",
        )
        .bind(bot_id)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        for (b, batch) in changed.chunks(IMPORT_BATCH).enumerate() {
            let mut tx = self.pool.begin().await?;
            for (i, item) in batch.iter().enumerate() {
                let doc = serde_json::to_string(&item.to_doc()).expect("a document serializes");
                sqlx::query(
                    "INSERT INTO knowledge_import_items (import_id, n, item) VALUES ($1, $2, $3)",
                )
                .bind(import_id)
                .bind((b * IMPORT_BATCH + i) as i64)
                .bind(doc)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
        sqlx::query("UPDATE knowledge_imports SET state = 'applying' WHERE id = $1")
            .bind(import_id)
            .execute(&self.pool)
            .await?;
        self.apply_import(import_id).await?;
        Ok(summary)
    }

    /// Applies a decided import batch by batch, each batch's journal rows deleted in the
    /// transaction that writes them; the journal entry goes with the last batch. Applying
    /// the same rows twice (two nodes finishing one import) writes the same items.
    async fn apply_import(&self, import_id: i64) -> Result<()> {
        loop {
            let mut tx = self.pool.begin().await?;
            let bot_id: Option<i64> =
                sqlx::query_scalar("SELECT bot_id FROM knowledge_imports WHERE id = $1")
                    .bind(import_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(bot_id) = bot_id else {
                return Ok(());
            };
            let rows = sqlx::query(
                "SELECT n, item FROM knowledge_import_items WHERE import_id = $1 \
                 ORDER BY n LIMIT $2",
            )
            .bind(import_id)
            .bind(IMPORT_BATCH as i64)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = rows.last() else {
                sqlx::query("DELETE FROM knowledge_imports WHERE id = $1")
                    .bind(import_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(());
            };
            let last: i64 = last.try_get("n")?;
            for row in &rows {
                let text: String = row.try_get("item")?;
                let item = serde_json::from_str::<crate::domain::knowledge::KnowledgeDoc>(&text)
                    .ok()
                    .and_then(|doc| doc.validate().ok())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("knowledge import {import_id}: an item"))
                    })?;
                upsert(&mut *tx, bot_id, &item).await?;
            }
            sqlx::query("DELETE FROM knowledge_import_items WHERE import_id = $1 AND n <= $2")
                .bind(import_id)
                .bind(last)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }

    /// Finishes the imports a process left decided (`applying`) and drops those it left
    /// half staged an hour ago or more (a staging import younger than that may be another
    /// node's, still writing). Returns how many imports were finished.
    pub async fn resume_imports(&self) -> Result<usize> {
        sqlx::query("DELETE FROM knowledge_imports WHERE state = 'staging' AND created_at < $1")
            .bind(now_ms() - 3_600_000)
            .execute(&self.pool)
            .await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM knowledge_imports WHERE state = 'applying' ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        for &id in &ids {
            self.apply_import(id).await?;
        }
        Ok(ids.len())
    }
}

/// How many changed items an import writes in one transaction (see
/// [`Store::import_knowledge`]): a few milliseconds of the SQLite writer.
pub const IMPORT_BATCH: usize = 64;

/// Creates or replaces an item (the import's write: one statement either way).
async fn upsert<'e, E>(exec: E, bot_id: i64, item: &KnowledgeItem) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    bind_item(
        sqlx::query(
            "INSERT INTO knowledge (bot_id, ext_id, title, lang, formulations, answer, related, \
         handoff, tags, published, updated_at, translations) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (bot_id, ext_id) DO UPDATE SET title = excluded.title, \
         lang = excluded.lang, formulations = excluded.formulations, answer = excluded.answer, \
         related = excluded.related, handoff = excluded.handoff, tags = excluded.tags, \
         published = excluded.published, updated_at = excluded.updated_at, \
         translations = excluded.translations",
        ),
        bot_id,
        item,
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Binds an item as `$1`…`$12` of an insert or an update: bot, id, title, language, formulations,
/// answer, related, handoff, tags, published, updated_at (now), translations.
fn bind_item<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    bot_id: i64,
    item: &'q KnowledgeItem,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(bot_id)
        .bind(&item.id)
        .bind(&item.title)
        .bind(item.lang.as_str())
        .bind(json_list(&item.formulations))
        .bind(&item.answer)
        .bind(json_list(&item.related))
        .bind(item.handoff as i64)
        .bind(json_list(&item.tags))
        .bind(item.published as i64)
        .bind(now_ms())
        .bind(json_translations(&item.translations))
}

async fn insert<'e, E>(exec: E, bot_id: i64, item: &KnowledgeItem) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    bind_item(
        sqlx::query(
            "INSERT INTO knowledge (bot_id, ext_id, title, lang, formulations, answer, related, \
             handoff, tags, published, updated_at, translations) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        ),
        bot_id,
        item,
    )
    .execute(exec)
    .await
    .map_err(conflict("a knowledge item with this id"))?;
    Ok(())
}

async fn update<'e, E>(exec: E, bot_id: i64, item: &KnowledgeItem) -> Result<u64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let done = bind_item(
        sqlx::query(
            "UPDATE knowledge SET title = $3, lang = $4, formulations = $5, answer = $6, related = $7, \
             handoff = $8, tags = $9, published = $10, updated_at = $11, translations = $12 \
             WHERE bot_id = $1 AND ext_id = $2",
        ),
        bot_id,
        item,
    )
    .execute(exec)
    .await?;
    Ok(done.rows_affected())
}
