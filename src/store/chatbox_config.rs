//! The draft chatbox configuration of each bot (one row per bot, absent until first saved).

use super::{Result, Store, StoreError};
use crate::domain::OperatorId;
use crate::domain::{now_ms, ChatboxConfig};
use sqlx::Row;

#[derive(Clone, Debug, serde::Serialize)]
pub struct StoredChatboxConfig {
    pub config: ChatboxConfig,
    pub updated_at: i64,
    pub updated_by: Option<OperatorId>,
}

impl Store {
    /// The bot's saved draft, or `None` if it was never saved (the defaults apply).
    pub async fn chatbox_config(&self, bot_id: i64) -> Result<Option<StoredChatboxConfig>> {
        let row = sqlx::query(
            "SELECT config, updated_at, updated_by FROM chatbox_configs WHERE bot_id = $1",
        )
        .bind(bot_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let json: String = row.try_get("config")?;
        Ok(Some(StoredChatboxConfig {
            config: serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("chatbox config: {e}")))?,
            updated_at: row.try_get("updated_at")?,
            updated_by: row.try_get("updated_by")?,
        }))
    }

    /// Replaces the bot's draft.
    pub async fn save_chatbox_config(
        &self,
        bot_id: i64,
        config: &ChatboxConfig,
        by: Option<OperatorId>,
    ) -> Result<StoredChatboxConfig> {
        let json = serde_json::to_string(config).expect("config serializes");
        let now = now_ms();
        sqlx::query(
            "INSERT INTO chatbox_configs (bot_id, config, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (bot_id) DO UPDATE SET config = excluded.config, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(bot_id)
        .bind(&json)
        .bind(now)
        .bind(by)
        .execute(&self.pool)
        .await?;
        Ok(StoredChatboxConfig {
            config: config.clone(),
            updated_at: now,
            updated_by: by,
        })
    }
}
