//! The audit log: who did what to what, when, from where. Written by
//! `service::audit::record`, read by admins and supervisors, swept after the retention.

use super::{Result, Store};
use crate::domain::OperatorId;
use sqlx::Row;

/// One entry, as written and read.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<OperatorId>,
    /// The actor's name at the time (kept when the account is renamed).
    pub actor_name: String,
    /// `area.verb`, e.g. `person.invite`, `token.revoke`, `settings.update`.
    pub action: String,
    /// What was acted on, e.g. `operator:12 claire@example.com`, `bot:demo`.
    pub target: String,
    pub details: serde_json::Value,
    /// The client's address.
    pub ip: Option<String>,
}

/// A search of the log; every field narrows it.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    pub actor: Option<OperatorId>,
    /// Exact action, or a prefix ending with `.` (`person.` for every person act).
    pub action: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Part of the target, the details, the actor's name or the action.
    pub text: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

impl Store {
    pub async fn insert_audit(
        &self,
        actor_id: Option<OperatorId>,
        actor_name: &str,
        action: &str,
        target: &str,
        details: &serde_json::Value,
        ip: Option<&str>,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, target, details, ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(crate::domain::now_ms())
        .bind(actor_id)
        .bind(actor_name)
        .bind(action)
        .bind(target)
        .bind(details.to_string())
        .bind(ip)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// One page of entries, newest first, and how many match in all.
    pub async fn search_audit(&self, q: &AuditQuery) -> Result<(Vec<AuditEntry>, i64)> {
        let mut clauses: Vec<String> = Vec::new();
        let mut binds: Vec<Bind> = Vec::new();
        let param = |b: Bind, binds: &mut Vec<Bind>| {
            binds.push(b);
            format!("${}", binds.len())
        };
        if let Some(a) = q.actor {
            let p = param(Bind::Int(a.0), &mut binds);
            clauses.push(format!("actor_id = {p}"));
        }
        if let Some(action) = q.action.as_deref().filter(|a| !a.is_empty()) {
            if let Some(prefix) = action.strip_suffix('.') {
                let p = param(Bind::Text(format!("{}.%", like_escape(prefix))), &mut binds);
                clauses.push(format!("action LIKE {p} ESCAPE '\\'"));
            } else {
                let p = param(Bind::Text(action.to_string()), &mut binds);
                clauses.push(format!("action = {p}"));
            }
        }
        if let Some(from) = q.from {
            let p = param(Bind::Int(from), &mut binds);
            clauses.push(format!("at >= {p}"));
        }
        if let Some(to) = q.to {
            let p = param(Bind::Int(to), &mut binds);
            clauses.push(format!("at < {p}"));
        }
        if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let p = param(
                Bind::Text(format!("%{}%", like_escape(&text.to_lowercase()))),
                &mut binds,
            );
            clauses.push(format!(
                "(LOWER(target) LIKE {p} ESCAPE '\\' OR LOWER(details) LIKE {p} ESCAPE '\\' \
                 OR LOWER(actor_name) LIKE {p} ESCAPE '\\' OR LOWER(action) LIKE {p} ESCAPE '\\')"
            ));
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let count_sql = format!("SELECT COUNT(*) AS n FROM audit_log {filter}");
        let mut count = sqlx::query(&count_sql);
        for b in &binds {
            count = b.bind(count);
        }
        let total: i64 = count.fetch_one(&self.reader).await?.try_get("n")?;
        let per_page = q.per_page.clamp(1, 200);
        let offset = (q.page.max(1) - 1) * per_page;
        let list_sql = format!(
            "SELECT id, at, actor_id, actor_name, action, target, details, ip FROM audit_log {filter} \
             ORDER BY at DESC, id DESC LIMIT {per_page} OFFSET {offset}"
        );
        let mut list = sqlx::query(&list_sql);
        for b in &binds {
            list = b.bind(list);
        }
        let rows = list.fetch_all(&self.reader).await?;
        let entries = rows
            .iter()
            .map(|r| {
                let details: String = r.try_get("details")?;
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    actor_name: r.try_get("actor_name")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                    ip: r.try_get("ip")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((entries, total))
    }

    /// Deletes the entries older than `before`; returns how many.
    pub async fn sweep_audit(&self, before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM audit_log WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Test and tooling seam: moves an entry in time.
    pub async fn set_audit_time(&self, id: i64, at: i64) -> Result<()> {
        sqlx::query("UPDATE audit_log SET at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

enum Bind {
    Int(i64),
    Text(String),
}

impl Bind {
    fn bind<'q>(
        &'q self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        match self {
            Bind::Int(i) => q.bind(*i),
            Bind::Text(s) => q.bind(s.as_str()),
        }
    }
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
