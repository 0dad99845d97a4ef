//! Canned answers (issue 13, item 1): global (`bot_id` NULL) or one bot's; one shortcut
//! per scope and language (the unique index `canned_answers_key`).

use super::{conflict, Result, Store, StoreError};
use crate::domain::canned::Canned;
use crate::domain::now_ms;
use sqlx::{any::AnyRow, Row};

/// A stored canned answer.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CannedAnswer {
    pub id: i64,
    /// The bot's slug; null: every bot.
    pub bot: Option<String>,
    pub lang: String,
    pub shortcut: String,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

const SELECT: &str =
    "SELECT ca.id, b.slug AS bot, ca.lang, ca.shortcut, ca.title, ca.body, ca.updated_at \
     FROM canned_answers ca LEFT JOIN bots b ON b.id = ca.bot_id";

fn from_row(row: &AnyRow) -> Result<CannedAnswer> {
    Ok(CannedAnswer {
        id: row.try_get("id")?,
        bot: row.try_get("bot")?,
        lang: row.try_get("lang")?,
        shortcut: row.try_get("shortcut")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const TAKEN: &str = "a canned answer with this shortcut";

impl Store {
    /// Every canned answer, global ones first, then by bot, language and shortcut.
    pub async fn list_canned(&self) -> Result<Vec<CannedAnswer>> {
        let rows = sqlx::query(&format!(
            "{SELECT} ORDER BY CASE WHEN b.slug IS NULL THEN 0 ELSE 1 END, b.slug, ca.lang, ca.shortcut"
        ))
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn canned(&self, id: i64) -> Result<CannedAnswer> {
        let row = sqlx::query(&format!("{SELECT} WHERE ca.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn insert_canned(&self, bot_id: Option<i64>, c: &Canned) -> Result<CannedAnswer> {
        let now = now_ms();
        let row = sqlx::query(
            "INSERT INTO canned_answers (bot_id, lang, shortcut, title, body, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(bot_id)
        .bind(c.lang.as_str())
        .bind(&c.shortcut)
        .bind(&c.title)
        .bind(&c.body)
        .bind(now)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(conflict(TAKEN))?;
        self.canned(row.try_get("id")?).await
    }

    pub async fn update_canned(
        &self,
        id: i64,
        bot_id: Option<i64>,
        c: &Canned,
    ) -> Result<CannedAnswer> {
        let done = sqlx::query(
            "UPDATE canned_answers SET bot_id = $1, lang = $2, shortcut = $3, title = $4, body = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(bot_id)
        .bind(c.lang.as_str())
        .bind(&c.shortcut)
        .bind(&c.title)
        .bind(&c.body)
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(conflict(TAKEN))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.canned(id).await
    }

    pub async fn delete_canned(&self, id: i64) -> Result<CannedAnswer> {
        let found = self.canned(id).await?;
        sqlx::query("DELETE FROM canned_answers WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(found)
    }

    /// Imports in one transaction: an answer with the same bot, language and shortcut is
    /// replaced, the others added. Returns (added, replaced).
    pub async fn import_canned(&self, items: &[(Option<i64>, Canned)]) -> Result<(usize, usize)> {
        let mut tx = self.pool.begin().await?;
        let now = now_ms();
        let (mut added, mut replaced) = (0, 0);
        for (bot_id, c) in items {
            let found = sqlx::query(
                "SELECT id FROM canned_answers WHERE COALESCE(bot_id, 0) = $1 AND lang = $2 AND shortcut = $3",
            )
            .bind(bot_id.unwrap_or(0))
            .bind(c.lang.as_str())
            .bind(&c.shortcut)
            .fetch_optional(&mut *tx)
            .await?;
            match found {
                Some(row) => {
                    let id: i64 = row.try_get("id")?;
                    sqlx::query(
                        "UPDATE canned_answers SET title = $1, body = $2, updated_at = $3 WHERE id = $4",
                    )
                    .bind(&c.title)
                    .bind(&c.body)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    replaced += 1;
                }
                None => {
                    sqlx::query(
                        "INSERT INTO canned_answers (bot_id, lang, shortcut, title, body, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(*bot_id)
                    .bind(c.lang.as_str())
                    .bind(&c.shortcut)
                    .bind(&c.title)
                    .bind(&c.body)
                    .bind(now)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    added += 1;
                }
            }
        }
        tx.commit().await?;
        Ok((added, replaced))
    }
}
