//! The audit log: every act of an admin or a supervisor (and the acts an operator may do
//! on what others see: revoking or resending a monitored link) is written with who, when,
//! what, on what, details and the client's address.
//!
//! The one function to call is [`record`]: after the act succeeded,
//! `audit::record(core, &actor, "bot.archive", &format!("bot:{slug}"), json!({...})).await`.
//! Actions are `area.verb` (the page filters by area with `area.`). A failed write is
//! logged, never turned into a failure of the act already done.

use super::{ActionError, Core};
use crate::domain::OperatorId;
use crate::store::{AuditEntry, AuditQuery, Operator};
use serde_json::Value;

/// Who acts, from where: built at the edge (the HTTP handlers from the session and the
/// connection; the CLI as `Actor::system("cli")`).
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<OperatorId>,
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn operator(o: &Operator, ip: Option<String>) -> Actor {
        Actor {
            id: Some(o.id),
            name: format!("{} <{}>", o.name, o.email),
            ip,
        }
    }

    /// An act without a logged-in person (the command line, a visitor's link).
    pub fn system(name: &str) -> Actor {
        Actor {
            id: None,
            name: name.to_string(),
            ip: None,
        }
    }
}

/// Writes one entry. `target` names what was acted on (`operator:12 claire@example.com`,
/// `bot:demo`, `token:4 crm`); `details` is any JSON (never a secret).
pub async fn record(core: &Core, actor: &Actor, action: &str, target: &str, details: Value) {
    if let Err(e) = core
        .store
        .insert_audit(
            actor.id,
            &actor.name,
            action,
            target,
            &details,
            actor.ip.as_deref(),
        )
        .await
    {
        tracing::error!(error = %e, action, "could not write the audit log");
    }
}

/// A page of the log (newest first) and the number of matching entries.
pub async fn search(core: &Core, q: &AuditQuery) -> Result<(Vec<AuditEntry>, i64), ActionError> {
    Ok(core.store.search_audit(q).await?)
}

/// Deletes what is older than the retention (`audit_retention_days`); returns how many.
pub async fn sweep(core: &Core) -> Result<u64, ActionError> {
    let keep_ms = i64::from(core.settings.audit_retention_days) * 86_400_000;
    Ok(core
        .store
        .sweep_audit(crate::domain::now_ms() - keep_ms)
        .await?)
}

/// Sweeps now, then every six hours.
pub fn spawn_sweeper(core: Core) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(6 * 3600));
        loop {
            tick.tick().await;
            match sweep(&core).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(entries = n, "old audit entries swept"),
                Err(e) => tracing::error!(error = %e, "audit sweep failed"),
            }
        }
    })
}
