//! Operator accounts.

use super::{conflict, Result, Store, StoreError};
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
    pub password_hash: String,
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
        })
    }
}

const COLUMNS: &str = "id, email, name, role, password_hash";

impl Store {
    pub async fn count_operators(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM operators")
            .fetch_one(&self.reader)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Creates an operator; `password_hash` is an argon2id PHC string.
    pub async fn create_operator(
        &self,
        email: &Email,
        name: &OperatorName,
        role: Role,
        password_hash: &str,
    ) -> Result<Operator> {
        let row = sqlx::query(&format!(
            "INSERT INTO operators (email, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
        ))
        .bind(email.as_str().to_lowercase())
        .bind(name.as_str())
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await
        .map_err(conflict("an operator with this email"))?;
        Operator::from_row(&row)
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
            .fetch_optional(&self.reader)
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
}
