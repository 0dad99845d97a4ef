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
}

impl Bot {
    fn from_row(row: &AnyRow) -> Result<Bot> {
        let lang: String = row.try_get("default_lang")?;
        Ok(Bot {
            id: row.try_get("id")?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            default_lang: Lang::parse(&lang)
                .ok_or_else(|| StoreError::Corrupt(format!("bot language `{lang}`")))?,
        })
    }
}

impl Store {
    pub async fn create_bot(&self, bot: &NewBot) -> Result<Bot> {
        let row = sqlx::query(
            "INSERT INTO bots (slug, name, default_lang, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, slug, name, default_lang",
        )
        .bind(bot.slug.as_str())
        .bind(&bot.name)
        .bind(bot.default_lang.as_str())
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await
        .map_err(conflict("a bot with this slug"))?;
        Bot::from_row(&row)
    }

    pub async fn bot(&self, slug: &str) -> Result<Bot> {
        let row = sqlx::query("SELECT id, slug, name, default_lang FROM bots WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        Bot::from_row(&row)
    }

    pub async fn list_bots(&self) -> Result<Vec<Bot>> {
        let rows = sqlx::query("SELECT id, slug, name, default_lang FROM bots ORDER BY slug")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(Bot::from_row).collect()
    }
}
