//! Who the visitor is (issue 13, item 2): what the chatbox reported, the host pages the
//! loader saw, the embedding site's identity of its user, and the record an operator reads
//! beside the conversation.

use super::conversations::{conversation_from_row, CONVERSATION_COLUMNS};
use super::{conflict, Conversation, Result, Store, StoreError};
use crate::domain::visitor_context::{Context, Identity, PageView, PAGES_KEPT};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// What an operator reads about a conversation's visitor.
#[derive(Debug, Clone, Serialize)]
pub struct VisitorRecord {
    pub first_seen: i64,
    pub last_seen: i64,
    pub user_agent: Option<String>,
    pub languages: Vec<String>,
    pub time_zone: Option<String>,
    pub referrer: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// The embedding site's user (its hash was right).
    pub user: Option<IdentifiedUser>,
    /// The host pages, the latest first.
    pub pages: Vec<PageView>,
    /// The visitor's other conversations on this bot, the latest first (at most 20).
    pub previous: Vec<PreviousConversation>,
    pub previous_count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentifiedUser {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousConversation {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub created_at: i64,
}

/// Pages of the record: the latest ones.
const PAGES_SHOWN: i64 = 30;
const PREVIOUS_SHOWN: i64 = 20;

impl Store {
    /// The bot's secret for `user_hash`, if it has one.
    pub async fn identity_secret(&self, bot_id: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT identity_secret FROM bots WHERE id = $1")
            .bind(bot_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get("identity_secret")?)
    }

    /// Sets (or with `None` removes) the bot's secret for `user_hash`.
    pub async fn set_identity_secret(&self, bot_id: i64, secret: Option<&str>) -> Result<()> {
        let done = sqlx::query("UPDATE bots SET identity_secret = $1 WHERE id = $2")
            .bind(secret)
            .bind(bot_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The visitor the embedding site knows as `user_id` on this bot (and records that it
    /// was seen).
    pub async fn visitor_by_user(&self, bot_id: i64, user_id: &str) -> Result<Option<i64>> {
        let row =
            sqlx::query("SELECT id, last_seen_at FROM visitors WHERE bot_id = $1 AND user_id = $2")
                .bind(bot_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get("id")?;
        self.seen(id, row.try_get("last_seen_at")?).await?;
        Ok(Some(id))
    }

    /// Gives a visitor the embedding site's identity (and keeps its email and name up to
    /// date). `Conflict` when another visitor of the bot already has that user id.
    pub async fn set_visitor_user(&self, visitor_id: i64, user: &Identity) -> Result<()> {
        sqlx::query(
            "UPDATE visitors SET user_id = $1, user_email = $2, user_name = $3 WHERE id = $4",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.name)
        .bind(visitor_id)
        .execute(&self.pool)
        .await
        .map_err(conflict("visitor user"))?;
        Ok(())
    }

    /// The visitor's latest conversation on the bot that is not closed.
    pub async fn latest_open_conversation(
        &self,
        bot_id: i64,
        visitor_id: i64,
    ) -> Result<Option<Conversation>> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations \
             WHERE visitor_id = $1 AND bot_id = $2 AND state <> 'closed' \
             ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(visitor_id)
        .bind(bot_id)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(conversation_from_row).transpose()
    }

    /// Keeps what the chatbox reported about the visitor: the latest browser, languages,
    /// time zone and attributes, the first referrer, and the pages (the oldest dropped
    /// beyond a hundred).
    pub async fn record_visitor_context(
        &self,
        visitor_id: i64,
        user_agent: Option<&str>,
        context: &Context,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        record_visitor_context_in(&mut tx, visitor_id, user_agent, context).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page the visitor went to with the chatbox open (a navigation of a single-page
    /// site): false when it was known already.
    pub async fn add_visitor_page(&self, visitor_id: i64, page: &PageView) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let added = insert_page(&mut tx, visitor_id, page).await?;
        if added {
            trim_pages(&mut tx, visitor_id).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// What an operator reads about the visitor of `conversation` (its database id).
    pub async fn visitor_record(
        &self,
        visitor_id: i64,
        conversation_id: i64,
    ) -> Result<VisitorRecord> {
        let v = sqlx::query(
            "SELECT bot_id, created_at, last_seen_at, user_agent, languages, time_zone, referrer, \
             attributes, user_id, user_email, user_name FROM visitors WHERE id = $1",
        )
        .bind(visitor_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        let json = |col: &str| -> Result<Option<String>> { Ok(v.try_get(col)?) };
        let languages = match json("languages")? {
            Some(s) => serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            None => Vec::new(),
        };
        let attributes =
            serde_json::from_str(&json("attributes")?.unwrap_or_default()).unwrap_or_default();
        let user = match json("user_id")? {
            Some(id) => Some(IdentifiedUser {
                id,
                email: json("user_email")?,
                name: json("user_name")?,
            }),
            None => None,
        };
        let bot_id: i64 = v.try_get("bot_id")?;
        let pages = sqlx::query(
            "SELECT url, title, seen_at FROM visitor_pages WHERE visitor_id = $1 \
             ORDER BY seen_at DESC, id DESC LIMIT $2",
        )
        .bind(visitor_id)
        .bind(PAGES_SHOWN)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|r| {
            Ok(PageView {
                url: r.try_get("url")?,
                title: r.try_get("title")?,
                at: r.try_get("seen_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let previous = sqlx::query(
            "SELECT public_id, kind, state, created_at FROM conversations \
             WHERE visitor_id = $1 AND bot_id = $2 AND id <> $3 \
             ORDER BY created_at DESC, id DESC LIMIT $4",
        )
        .bind(visitor_id)
        .bind(bot_id)
        .bind(conversation_id)
        .bind(PREVIOUS_SHOWN)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|r| {
            Ok(PreviousConversation {
                id: r.try_get("public_id")?,
                kind: r.try_get("kind")?,
                state: r.try_get("state")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let previous_count: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM conversations WHERE visitor_id = $1 AND bot_id = $2 AND id <> $3",
        )
        .bind(visitor_id)
        .bind(bot_id)
        .bind(conversation_id)
        .fetch_one(&self.reader)
        .await?
        .try_get("n")?;
        Ok(VisitorRecord {
            first_seen: v.try_get("created_at")?,
            last_seen: v.try_get("last_seen_at")?,
            user_agent: json("user_agent")?,
            languages,
            time_zone: json("time_zone")?,
            referrer: json("referrer")?,
            attributes,
            user,
            pages,
            previous,
            previous_count,
        })
    }
}

async fn insert_page(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    visitor_id: i64,
    page: &PageView,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO visitor_pages (visitor_id, url, title, seen_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (visitor_id, seen_at, url) DO NOTHING",
    )
    .bind(visitor_id)
    .bind(&page.url)
    .bind(&page.title)
    .bind(page.at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

async fn trim_pages(tx: &mut sqlx::Transaction<'_, sqlx::Any>, visitor_id: i64) -> Result<()> {
    sqlx::query(
        "DELETE FROM visitor_pages WHERE visitor_id = $1 AND id NOT IN \
         (SELECT id FROM visitor_pages WHERE visitor_id = $1 ORDER BY seen_at DESC, id DESC LIMIT $2)",
    )
    .bind(visitor_id)
    .bind(PAGES_KEPT)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the chatbox reported (`Store::record_visitor_context`), inside `tx`.
pub(super) async fn record_visitor_context_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    visitor_id: i64,
    user_agent: Option<&str>,
    context: &Context,
) -> Result<()> {
    let languages = (!context.languages.is_empty())
        .then(|| serde_json::to_string(&context.languages).expect("strings serialize"));
    let attributes = serde_json::to_string(&context.attributes).expect("strings serialize");
    sqlx::query(
        "UPDATE visitors SET user_agent = COALESCE($1, user_agent), \
         languages = COALESCE($2, languages), time_zone = COALESCE($3, time_zone), \
         referrer = COALESCE(referrer, $4), \
         attributes = CASE WHEN $5 = '{}' THEN attributes ELSE $5 END WHERE id = $6",
    )
    .bind(user_agent)
    .bind(languages)
    .bind(&context.time_zone)
    .bind(&context.referrer)
    .bind(&attributes)
    .bind(visitor_id)
    .execute(&mut **tx)
    .await?;
    let mut added = false;
    for page in &context.pages {
        added |= insert_page(tx, visitor_id, page).await?;
    }
    if added {
        trim_pages(tx, visitor_id).await?;
    }
    Ok(())
}
