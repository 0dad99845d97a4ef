//! Blocks of abusive visitors (issue 13, item 8): by the visitor (its token) and/or its
//! client address, on one bot, until a time or permanently, until lifted.

use super::{Result, Store, StoreError};
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::{any::AnyRow, Row};

/// A block about to be stored.
#[derive(Clone, Debug)]
pub struct NewBlock<'a> {
    pub bot_id: i64,
    pub visitor_id: Option<i64>,
    pub address: Option<&'a str>,
    pub conversation_id: Option<i64>,
    pub reason: &'a str,
    pub created_by: OperatorId,
    /// None: permanently.
    pub expires_at: Option<i64>,
}

/// A stored block, as the list shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Block {
    pub id: i64,
    pub bot: String,
    pub visitor_id: Option<i64>,
    pub address: Option<String>,
    pub conversation: Option<String>,
    pub reason: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub lifted_at: Option<i64>,
    pub lifted_by: Option<String>,
}

const BLOCK_SELECT: &str = "SELECT b.id, bo.slug AS bot, b.visitor_id, b.address, c.public_id AS conversation, \
     b.reason, cr.name AS created_by, b.created_at, b.expires_at, b.lifted_at, li.name AS lifted_by \
     FROM visitor_blocks b JOIN bots bo ON bo.id = b.bot_id \
     LEFT JOIN conversations c ON c.id = b.conversation_id \
     LEFT JOIN operators cr ON cr.id = b.created_by \
     LEFT JOIN operators li ON li.id = b.lifted_by";

fn block_from_row(row: &AnyRow) -> Result<Block> {
    Ok(Block {
        id: row.try_get("id")?,
        bot: row.try_get("bot")?,
        visitor_id: row.try_get("visitor_id")?,
        address: row.try_get("address")?,
        conversation: row.try_get("conversation")?,
        reason: row.try_get("reason")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        lifted_at: row.try_get("lifted_at")?,
        lifted_by: row.try_get("lifted_by")?,
    })
}

impl Store {
    /// Remembers the client address a visitor's chatbox connected from.
    pub async fn set_visitor_address(&self, visitor_id: i64, address: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        set_visitor_address_in(&mut tx, visitor_id, address).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The last client address of a conversation's visitor, if known.
    pub async fn visitor_address(&self, visitor_id: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT last_address FROM visitors WHERE id = $1")
            .bind(visitor_id)
            .fetch_optional(&self.reader)
            .await?;
        Ok(match row {
            Some(r) => r.try_get("last_address")?,
            None => None,
        })
    }

    pub async fn insert_block(&self, b: &NewBlock<'_>) -> Result<Block> {
        let row = sqlx::query(
            "INSERT INTO visitor_blocks (bot_id, visitor_id, address, conversation_id, reason, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(b.bot_id)
        .bind(b.visitor_id)
        .bind(b.address)
        .bind(b.conversation_id)
        .bind(b.reason)
        .bind(b.created_by)
        .bind(now_ms())
        .bind(b.expires_at)
        .fetch_one(&self.pool)
        .await?;
        let id: i64 = row.try_get("id")?;
        self.block(id).await
    }

    pub async fn block(&self, id: i64) -> Result<Block> {
        let row = sqlx::query(&format!("{BLOCK_SELECT} WHERE b.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        block_from_row(&row)
    }

    /// The blocks in force now (`all`: also the expired and lifted ones), newest first.
    pub async fn list_blocks(&self, all: bool) -> Result<Vec<Block>> {
        let now = now_ms();
        let rows = if all {
            sqlx::query(&format!(
                "{BLOCK_SELECT} ORDER BY b.created_at DESC, b.id DESC LIMIT 500"
            ))
            .fetch_all(&self.pool)
            .await?
        } else {
            sqlx::query(&format!(
                "{BLOCK_SELECT} WHERE b.lifted_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > $1) \
                 ORDER BY b.created_at DESC, b.id DESC"
            ))
            .bind(now)
            .fetch_all(&self.pool)
            .await?
        };
        rows.iter().map(block_from_row).collect()
    }

    /// Lifts a block in force; NotFound when there is none with this id, Conflict when it
    /// was already lifted or is over.
    pub async fn lift_block(&self, id: i64, by: OperatorId) -> Result<Block> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE visitor_blocks SET lifted_at = $1, lifted_by = $2 \
             WHERE id = $3 AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > $4)",
        )
        .bind(now)
        .bind(by)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            self.block(id).await?;
            return Err(StoreError::Conflict("block over".into()));
        }
        self.block(id).await
    }

    /// The block in force for this visitor or this address on this bot (the one ending
    /// last), if any.
    pub async fn block_in_force(
        &self,
        bot_id: i64,
        visitor_id: Option<i64>,
        address: Option<&str>,
    ) -> Result<Option<Block>> {
        if visitor_id.is_none() && address.is_none() {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "{BLOCK_SELECT} WHERE b.bot_id = $1 AND b.lifted_at IS NULL \
             AND (b.expires_at IS NULL OR b.expires_at > $2) \
             AND ((b.visitor_id IS NOT NULL AND b.visitor_id = $3) OR (b.address IS NOT NULL AND b.address = $4)) \
             ORDER BY CASE WHEN b.expires_at IS NULL THEN 1 ELSE 0 END DESC, b.expires_at DESC LIMIT 1"
        ))
        .bind(bot_id)
        .bind(now_ms())
        .bind(visitor_id.unwrap_or(-1))
        .bind(address.unwrap_or(""))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(block_from_row).transpose()
    }
}

/// Written only when it changed: a `hello` repeated in a loop writes nothing.
pub(super) async fn set_visitor_address_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    visitor_id: i64,
    address: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE visitors SET last_address = $1 WHERE id = $2 \
         AND (last_address IS NULL OR last_address <> $1)",
    )
    .bind(address)
    .bind(visitor_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
