//! Login sessions and API tokens. Only SHA-256 hashes of the secrets are stored: a copy
//! of the database does not let anyone log in.

use super::{Operator, Result, Store, StoreError};
use crate::domain::now_ms;
use crate::domain::OperatorId;
use sqlx::Row;

/// Who a session or token belongs to, and the session's CSRF token (None for API tokens,
/// which are not sent automatically by browsers and so need no CSRF protection).
#[derive(Clone, Debug)]
pub struct AuthRecord {
    pub operator: Operator,
    pub csrf_token: Option<String>,
}

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        operator_id: OperatorId,
        csrf_token: &str,
        ttl_ms: i64,
    ) -> Result<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (token_hash, operator_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(operator_id)
        .bind(csrf_token)
        .bind(now)
        .bind(now + ttl_ms)
        .execute(&self.pool)
        .await?;
        // Opportunistic clean-up keeps the table small without a background job.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<AuthRecord> {
        let row = sqlx::query(
            "SELECT o.id, o.email, o.name, o.role, o.password_hash, s.csrf_token \
             FROM sessions s JOIN operators o ON o.id = s.operator_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(AuthRecord {
            operator: Operator::from_row(&row)?,
            csrf_token: Some(row.try_get("csrf_token")?),
        })
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn create_api_token(
        &self,
        token_hash: &str,
        operator_id: OperatorId,
        label: &str,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (token_hash, operator_id, label, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token_hash)
        .bind(operator_id)
        .bind(label)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    pub async fn api_token(&self, token_hash: &str) -> Result<AuthRecord> {
        let row = sqlx::query(
            "SELECT o.id, o.email, o.name, o.role, o.password_hash \
             FROM api_tokens t JOIN operators o ON o.id = t.operator_id WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now_ms())
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(AuthRecord {
            operator: Operator::from_row(&row)?,
            csrf_token: None,
        })
    }
}
