//! Bots.

use super::{conflict, Result, Store, StoreError};
use crate::domain::{now_ms, NewBot};
use sqlx::{any::AnyRow, Row};
use vigie_bot::Lang;

#[derive(Clone, Debug)]
pub struct Bot {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub default_lang: Lang,
    /// The languages the bot answers in (the default one among them).
    pub langs: Vec<Lang>,
    /// When it was archived: it leaves the lists, its chatbox says it is unavailable, its
    /// conversations stay in the history.
    pub archived_at: Option<i64>,
    /// How long its conversations are kept after their last activity (None: forever).
    pub retention_days: Option<i64>,
    /// What happens to them then: `delete` or `anonymize`.
    pub retention_mode: crate::domain::privacy::RetentionMode,
}

const BOT_COLUMNS: &str =
    "id, slug, name, default_lang, langs, archived_at, retention_days, retention_mode";

impl Bot {
    fn from_row(row: &AnyRow) -> Result<Bot> {
        let lang: String = row.try_get("default_lang")?;
        let langs: Vec<String> = super::parse_list(row, "langs")?;
        Ok(Bot {
            id: row.try_get("id")?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            default_lang: Lang::parse(&lang)
                .ok_or_else(|| StoreError::Corrupt(format!("bot language `{lang}`")))?,
            langs: langs.iter().filter_map(|l| Lang::parse(l)).collect(),
            archived_at: row.try_get("archived_at")?,
            retention_days: row.try_get("retention_days")?,
            retention_mode: super::closed(row, "retention_mode", |s| {
                crate::domain::privacy::RetentionMode::parse(s)
            })?,
        })
    }

    pub fn archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

fn langs_json(langs: &[Lang]) -> String {
    super::json_list(
        &langs
            .iter()
            .map(|l| l.as_str().to_string())
            .collect::<Vec<_>>(),
    )
}

impl Store {
    pub async fn create_bot(&self, bot: &NewBot) -> Result<Bot> {
        let row = sqlx::query(&format!(
            "INSERT INTO bots (slug, name, default_lang, langs, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING {BOT_COLUMNS}"
        ))
        .bind(bot.slug.as_str())
        .bind(&bot.name)
        .bind(bot.default_lang.as_str())
        .bind(langs_json(&bot.langs))
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await
        .map_err(conflict("a bot with this slug"))?;
        Bot::from_row(&row)
    }

    /// The bot with this slug, archived or not.
    pub async fn bot(&self, slug: &str) -> Result<Bot> {
        let row = sqlx::query(&format!("SELECT {BOT_COLUMNS} FROM bots WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        Bot::from_row(&row)
    }

    /// The bot with this id, archived or not.
    pub async fn bot_by_id(&self, id: i64) -> Result<Bot> {
        let row = sqlx::query(&format!("SELECT {BOT_COLUMNS} FROM bots WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        Bot::from_row(&row)
    }

    /// The bots in use (archived ones left out).
    pub async fn list_bots(&self) -> Result<Vec<Bot>> {
        self.list_bots_with(false).await
    }

    /// The bots, archived ones too when asked.
    pub async fn list_bots_with(&self, archived: bool) -> Result<Vec<Bot>> {
        let rows = sqlx::query(&format!(
            "SELECT {BOT_COLUMNS} FROM bots WHERE ($1 = 1 OR archived_at IS NULL) ORDER BY slug"
        ))
        .bind(archived as i64)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(Bot::from_row).collect()
    }

    /// Renames a bot and sets its languages.
    pub async fn update_bot(
        &self,
        id: i64,
        name: &str,
        default_lang: Lang,
        langs: &[Lang],
    ) -> Result<Bot> {
        let row = sqlx::query(&format!(
            "UPDATE bots SET name = $1, default_lang = $2, langs = $3 WHERE id = $4 RETURNING {BOT_COLUMNS}"
        ))
        .bind(name)
        .bind(default_lang.as_str())
        .bind(langs_json(langs))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Bot::from_row(&row)
    }

    /// Sets how long the bot's conversations are kept, and what happens then.
    pub async fn set_bot_retention(
        &self,
        id: i64,
        days: Option<i64>,
        mode: crate::domain::privacy::RetentionMode,
    ) -> Result<Bot> {
        let row = sqlx::query(&format!(
            "UPDATE bots SET retention_days = $1, retention_mode = $2 WHERE id = $3 RETURNING {BOT_COLUMNS}"
        ))
        .bind(days)
        .bind(mode.as_str())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Bot::from_row(&row)
    }

    /// Archives (`true`) or brings back (`false`) a bot.
    pub async fn set_bot_archived(&self, id: i64, archived: bool) -> Result<Bot> {
        let row = sqlx::query(&format!(
            "UPDATE bots SET archived_at = CASE WHEN $1 = 1 THEN COALESCE(archived_at, $2) ELSE NULL END \
             WHERE id = $3 RETURNING {BOT_COLUMNS}"
        ))
        .bind(archived as i64)
        .bind(now_ms())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Bot::from_row(&row)
    }

    /// Whether the bot with this slug is archived (false for an unknown slug), read from
    /// the database on every call: another node may have archived it.
    pub async fn bot_archived(&self, slug: &str) -> Result<bool> {
        let row = sqlx::query("SELECT archived_at FROM bots WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.reader)
            .await?;
        Ok(match row {
            Some(r) => r.try_get::<Option<i64>, _>("archived_at")?.is_some(),
            None => false,
        })
    }
}
