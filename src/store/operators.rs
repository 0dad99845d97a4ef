//! Operator accounts: who they are, their role, the languages they speak, whether they are
//! deactivated, and the admins' list of them (with their own capacity).

use super::{conflict, json_list, parse_list, Result, Store, StoreError};
use crate::domain::OperatorId;
use crate::domain::{now_ms, Email, OperatorName, Role};
use sqlx::{any::AnyRow, Row};

/// An operator's row (the API's view of it is `http::views::OperatorView`).
#[derive(Clone, Debug)]
pub struct Operator {
    pub id: OperatorId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Empty for an invited person who has not chosen a password yet (no login possible).
    pub password_hash: String,
    pub languages: Vec<String>,
    pub deactivated_at: Option<i64>,
    pub created_at: i64,
}

/// Where an account stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    /// Invited, has not set a password yet.
    Invited,
    Active,
    Deactivated,
}

impl Operator {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Operator> {
        let role: String = row.try_get("role")?;
        Ok(Operator {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role: Role::parse(&role).map_err(|p| StoreError::Corrupt(p.message))?,
            password_hash: row.try_get("password_hash")?,
            languages: parse_list(row, "languages")?,
            deactivated_at: row.try_get("deactivated_at")?,
            created_at: row.try_get("created_at")?,
        })
    }

    pub fn status(&self) -> AccountStatus {
        if self.deactivated_at.is_some() {
            AccountStatus::Deactivated
        } else if self.password_hash.is_empty() {
            AccountStatus::Invited
        } else {
            AccountStatus::Active
        }
    }
}

/// The operator columns, for queries that join `operators o`.
pub(crate) const O_COLUMNS: &str =
    "o.id, o.email, o.name, o.role, o.password_hash, o.languages, o.deactivated_at, o.created_at";
const COLUMNS: &str = "id, email, name, role, password_hash, languages, deactivated_at, created_at";

/// An admin's list row: the operator and their own capacity (None: the default).
#[derive(Clone, Debug)]
pub struct OperatorListed {
    pub operator: Operator,
    pub own_capacity: Option<i64>,
}

/// What an admin changes on an account (None: unchanged).
#[derive(Clone, Debug, Default)]
pub struct OperatorChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub languages: Option<Vec<String>>,
}

/// Why an account change was refused by the store.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeRefused {
    NotFound,
    /// It would leave no active admin.
    LastAdmin,
}

/// Keeps at least one other active admin (with a password) besides operator `$N`.
fn other_admin_exists(param: usize) -> String {
    format!(
        "EXISTS (SELECT 1 FROM operators a WHERE a.role = 'admin' AND a.deactivated_at IS NULL \
         AND a.password_hash <> '' AND a.id <> ${param})"
    )
}

impl Store {
    pub async fn count_operators(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM operators")
            .fetch_one(&self.reader)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Creates an operator; `password_hash` is an argon2id PHC string (empty: invited,
    /// cannot log in until they set one).
    pub async fn create_operator(
        &self,
        email: &Email,
        name: &OperatorName,
        role: Role,
        password_hash: &str,
    ) -> Result<Operator> {
        let mut tx = self.pool.begin().await?;
        let op = insert_operator(&mut tx, email, name, role, password_hash, &[]).await?;
        tx.commit().await?;
        Ok(op)
    }

    pub async fn operator_by_email(&self, email: &str) -> Result<Operator> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM operators WHERE email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        Operator::from_row(&row)
    }

    pub async fn operator_by_id(&self, id: OperatorId) -> Result<Operator> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM operators WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Operator::from_row(&row)
    }

    pub async fn list_operators(&self) -> Result<Vec<Operator>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM operators ORDER BY id"))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(Operator::from_row).collect()
    }

    /// Every account with its own capacity, by name.
    pub async fn list_people(&self) -> Result<Vec<OperatorListed>> {
        let rows = sqlx::query(&format!(
            "SELECT {O_COLUMNS}, p.own_capacity FROM operators o \
             LEFT JOIN operator_presence p ON p.operator_id = o.id ORDER BY o.name, o.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OperatorListed {
                    operator: Operator::from_row(r)?,
                    own_capacity: r.try_get("own_capacity")?,
                })
            })
            .collect()
    }

    pub async fn set_operator_password(&self, id: OperatorId, password_hash: &str) -> Result<()> {
        let done = sqlx::query("UPDATE operators SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn set_operator_name(&self, id: OperatorId, name: &OperatorName) -> Result<()> {
        sqlx::query("UPDATE operators SET name = $1 WHERE id = $2")
            .bind(name.as_str())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Changes an account in one statement; a change of role away from admin is refused
    /// when it would leave no other active admin.
    pub async fn change_operator(
        &self,
        id: OperatorId,
        change: &OperatorChange,
    ) -> Result<std::result::Result<Operator, ChangeRefused>> {
        let current = match self.operator_by_id(id).await {
            Ok(o) => o,
            Err(StoreError::NotFound) => return Ok(Err(ChangeRefused::NotFound)),
            Err(e) => return Err(e),
        };
        let role = change.role.unwrap_or(current.role);
        let demotes = current.role == Role::Admin && role != Role::Admin;
        let guard = if demotes {
            format!(" AND {}", other_admin_exists(4))
        } else {
            String::new()
        };
        let done = sqlx::query(&format!(
            "UPDATE operators SET name = $1, role = $2, languages = $3 WHERE id = $4{guard}"
        ))
        .bind(change.name.as_deref().unwrap_or(&current.name))
        .bind(role.as_str())
        .bind(json_list(
            change.languages.as_ref().unwrap_or(&current.languages),
        ))
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(Err(ChangeRefused::LastAdmin));
        }
        Ok(Ok(self.operator_by_id(id).await?))
    }

    /// Deactivates an account and ends everything it had open, in one transaction: its
    /// sessions, its API tokens, its unused account links; its presence goes offline. Its
    /// history (messages, conversations, audit entries) stays. Refused for the last active
    /// admin.
    pub async fn deactivate_operator(
        &self,
        id: OperatorId,
    ) -> Result<std::result::Result<(), ChangeRefused>> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(&format!(
            "UPDATE operators SET deactivated_at = $1 WHERE id = $2 AND deactivated_at IS NULL \
             AND (role <> 'admin' OR {})",
            other_admin_exists(2)
        ))
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let row = sqlx::query("SELECT deactivated_at FROM operators WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Ok(match row {
                None => Err(ChangeRefused::NotFound),
                // Already deactivated: nothing to do.
                Some(r) if r.try_get::<Option<i64>, _>("deactivated_at")?.is_some() => Ok(()),
                Some(_) => Err(ChangeRefused::LastAdmin),
            });
        }
        for statement in [
            "DELETE FROM sessions WHERE operator_id = $1",
            "DELETE FROM api_tokens WHERE operator_id = $1",
            "DELETE FROM account_links WHERE operator_id = $1 AND used_at IS NULL",
            "UPDATE operator_presence SET status = 'offline', last_seen_at = 0 WHERE operator_id = $1",
        ] {
            sqlx::query(statement).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    pub async fn reactivate_operator(&self, id: OperatorId) -> Result<()> {
        let done = sqlx::query("UPDATE operators SET deactivated_at = NULL WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

/// Inserts an operator inside a transaction (a duplicate email is `Conflict`).
pub(crate) async fn insert_operator(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &Email,
    name: &OperatorName,
    role: Role,
    password_hash: &str,
    languages: &[String],
) -> Result<Operator> {
    let row = sqlx::query(&format!(
        "INSERT INTO operators (email, name, role, password_hash, languages, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(email.as_str().to_lowercase())
    .bind(name.as_str())
    .bind(role.as_str())
    .bind(password_hash)
    .bind(json_list(languages))
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await
    .map_err(conflict("an operator with this email"))?;
    Operator::from_row(&row)
}
