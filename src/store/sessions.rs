//! Login sessions, API tokens and account links (invitations, password resets). Only
//! SHA-256 hashes of the secrets are stored: a copy of the database does not let anyone
//! log in, and a link found in a database dump does not work.

use super::operators::{insert_operator, O_COLUMNS};
use super::{closed, Operator, Result, Store, StoreError};
use crate::domain::operator::TokenScope;
use crate::domain::OperatorId;
use crate::domain::{now_ms, Email, OperatorName, Role};
use sqlx::Row;

/// How a request authenticated: by a session (cookie) or an API token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The SHA-256 of the session's cookie.
    Session(String),
    Token {
        id: i64,
        scope: TokenScope,
    },
}

/// Who a session or token belongs to, and the session's CSRF token (None for API tokens,
/// which are not sent automatically by browsers and so need no CSRF protection).
#[derive(Clone, Debug)]
pub struct AuthRecord {
    pub operator: Operator,
    pub csrf_token: Option<String>,
    pub credential: Credential,
}

impl AuthRecord {
    /// The token's scope; a session has full rights.
    pub fn scope(&self) -> TokenScope {
        match &self.credential {
            Credential::Session(_) => TokenScope::Operator,
            Credential::Token { scope, .. } => *scope,
        }
    }
}

/// An API token as its owner and the admins see it (never the secret).
#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub operator_id: OperatorId,
    pub operator_name: String,
    pub operator_email: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What an account link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkPurpose {
    /// Sets the first password (and name) of an invited person.
    Invite,
    /// Replaces a forgotten password.
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invite => "invite",
            LinkPurpose::Reset => "reset",
        }
    }
    fn parse(s: &str) -> Option<LinkPurpose> {
        match s {
            "invite" => Some(LinkPurpose::Invite),
            "reset" => Some(LinkPurpose::Reset),
            _ => None,
        }
    }
}

/// An account link found by its hash.
#[derive(Clone, Debug)]
pub struct AccountLink {
    pub id: i64,
    pub purpose: LinkPurpose,
    pub operator: Operator,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Why a link could not be used.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkRefused {
    Unknown,
    Used,
    Expired,
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
        let row = sqlx::query(&format!(
            "SELECT {O_COLUMNS}, s.csrf_token \
             FROM sessions s JOIN operators o ON o.id = s.operator_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.deactivated_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(AuthRecord {
            operator: Operator::from_row(&row)?,
            csrf_token: Some(row.try_get("csrf_token")?),
            credential: Credential::Session(token_hash.to_string()),
        })
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends an operator's sessions, but `keep` (the one asking, after a password change);
    /// returns how many ended.
    pub async fn end_sessions(&self, operator_id: OperatorId, keep: Option<&str>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE operator_id = $1 AND token_hash <> $2")
            .bind(operator_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Whether a credential still works (the session exists and has not expired, the token
    /// is not revoked, the account is active): open WebSockets ask it on every change.
    pub async fn credential_alive(&self, credential: &Credential) -> Result<bool> {
        let row =
            match credential {
                Credential::Session(hash) => {
                    sqlx::query(
                        "SELECT 1 AS one FROM sessions s JOIN operators o ON o.id = s.operator_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.deactivated_at IS NULL",
                    )
                    .bind(hash.as_str())
                    .bind(now_ms())
                    .fetch_optional(&self.pool)
                    .await?
                }
                Credential::Token { id, .. } => sqlx::query(
                    "SELECT 1 AS one FROM api_tokens t JOIN operators o ON o.id = t.operator_id \
                     WHERE t.id = $1 AND o.deactivated_at IS NULL",
                )
                .bind(*id)
                .fetch_optional(&self.pool)
                .await?,
            };
        Ok(row.is_some())
    }

    pub async fn create_api_token(
        &self,
        token_hash: &str,
        operator_id: OperatorId,
        label: &str,
        scope: TokenScope,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (token_hash, operator_id, label, scope, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(operator_id)
        .bind(label)
        .bind(scope.as_str())
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    pub async fn api_token(&self, token_hash: &str) -> Result<AuthRecord> {
        let row = sqlx::query(&format!(
            "SELECT {O_COLUMNS}, t.id AS token_id, t.scope \
             FROM api_tokens t JOIN operators o ON o.id = t.operator_id \
             WHERE t.token_hash = $1 AND o.deactivated_at IS NULL"
        ))
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
            credential: Credential::Token {
                id: row.try_get("token_id")?,
                scope: closed(&row, "scope", TokenScope::parse)?,
            },
        })
    }

    /// API tokens, newest first: one operator's, or everyone's.
    pub async fn list_api_tokens(&self, owner: Option<OperatorId>) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT t.id, t.label, t.scope, t.operator_id, o.name, o.email, t.created_at, t.last_used_at \
             FROM api_tokens t JOIN operators o ON o.id = t.operator_id \
             WHERE $1 = 0 OR t.operator_id = $2 ORDER BY t.id DESC",
        )
        .bind(owner.map(|_| 1i64).unwrap_or(0))
        .bind(owner.map(|o| o.0).unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    name: r.try_get("label")?,
                    scope: closed(r, "scope", TokenScope::parse)?,
                    operator_id: r.try_get("operator_id")?,
                    operator_name: r.try_get("name")?,
                    operator_email: r.try_get("email")?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    pub async fn api_token_info(&self, id: i64) -> Result<TokenInfo> {
        self.list_api_tokens(None)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(StoreError::NotFound)
    }

    pub async fn revoke_api_token(&self, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Creates an account link (replacing the operator's unused links of that purpose) and
    /// queues its mail, in one transaction. With `invite`, the invited operator is created
    /// in it too (a duplicate email is `Conflict`, and nothing is queued).
    pub async fn create_account_link(
        &self,
        target: LinkTarget<'_>,
        purpose: LinkPurpose,
        token_hash: &str,
        ttl_ms: i64,
        mail: Option<&super::NewMail<'_>>,
        domain: &str,
    ) -> Result<(Operator, Option<i64>)> {
        let mut tx = self.pool.begin().await?;
        let operator = match target {
            LinkTarget::Existing(id) => {
                let row = sqlx::query(&format!(
                    "SELECT {O_COLUMNS} FROM operators o WHERE o.id = $1"
                ))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
                Operator::from_row(&row)?
            }
            LinkTarget::New {
                email,
                name,
                role,
                languages,
            } => insert_operator(&mut tx, email, name, role, "", languages).await?,
        };
        let now = now_ms();
        sqlx::query(
            "DELETE FROM account_links WHERE operator_id = $1 AND purpose = $2 AND used_at IS NULL",
        )
        .bind(operator.id)
        .bind(purpose.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO account_links (operator_id, purpose, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(operator.id)
        .bind(purpose.as_str())
        .bind(token_hash)
        .bind(now)
        .bind(now + ttl_ms)
        .execute(&mut *tx)
        .await?;
        let mail_id = match mail {
            Some(m) => Some(super::mail::queue_mail(&mut tx, m, domain).await?),
            None => None,
        };
        tx.commit().await?;
        Ok((operator, mail_id))
    }

    pub async fn account_link(&self, token_hash: &str) -> Result<AccountLink> {
        let row = sqlx::query(&format!(
            "SELECT {O_COLUMNS}, l.id AS link_id, l.purpose, l.expires_at, l.used_at \
             FROM account_links l JOIN operators o ON o.id = l.operator_id WHERE l.token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(AccountLink {
            id: row.try_get("link_id")?,
            purpose: closed(&row, "purpose", LinkPurpose::parse)?,
            operator: Operator::from_row(&row)?,
            expires_at: row.try_get("expires_at")?,
            used_at: row.try_get("used_at")?,
        })
    }

    /// Uses a link once: marks it used and sets the password (and, for an invitation, the
    /// name) in one transaction; every session of the account ends (a reset is often
    /// because someone else may know the old password). A used, expired or unknown link
    /// changes nothing.
    pub async fn use_account_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        name: Option<&OperatorName>,
    ) -> Result<std::result::Result<Operator, LinkRefused>> {
        let link = match self.account_link(token_hash).await {
            Ok(l) => l,
            Err(StoreError::NotFound) => return Ok(Err(LinkRefused::Unknown)),
            Err(e) => return Err(e),
        };
        let now = now_ms();
        if link.operator.deactivated_at.is_some() {
            return Ok(Err(LinkRefused::Unknown));
        }
        if link.used_at.is_some() {
            return Ok(Err(LinkRefused::Used));
        }
        if link.expires_at <= now {
            return Ok(Err(LinkRefused::Expired));
        }
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE account_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(now)
        .bind(link.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Ok(Err(LinkRefused::Used));
        }
        sqlx::query("UPDATE operators SET password_hash = $1, name = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(name.map(|n| n.as_str()).unwrap_or(&link.operator.name))
            .bind(link.operator.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE operator_id = $1")
            .bind(link.operator.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(self.operator_by_id(link.operator.id).await?))
    }

    /// Test and tooling seam: moves a link's expiry (e.g. into the past).
    pub async fn set_account_link_expiry(&self, token_hash: &str, expires_at: i64) -> Result<()> {
        sqlx::query("UPDATE account_links SET expires_at = $1 WHERE token_hash = $2")
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Who an account link is for.
pub enum LinkTarget<'a> {
    Existing(OperatorId),
    /// An invitation: the account is created with the link.
    New {
        email: &'a Email,
        name: &'a OperatorName,
        role: Role,
        languages: &'a [String],
    },
}
