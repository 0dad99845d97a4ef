//! The outbox worker: sends the mails the store queued, one at a time, retrying failures
//! with a growing delay (base ×3 per attempt, at most one hour, 8 attempts in all). It
//! wakes when a mail is queued on this node, when the next retry is due, and every 30 s
//! (mails queued by another node). Statuses live in the store, so a restart resumes where
//! it stopped.

use super::transport::Transport;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub const MAX_ATTEMPTS: i64 = 8;
const LEASE_MS: i64 = 120_000;
const IDLE_POLL: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Mailer {
    wake: Arc<Notify>,
}

impl Default for Mailer {
    fn default() -> Self {
        Mailer {
            wake: Arc::new(Notify::new()),
        }
    }
}

/// What the worker needs.
pub struct Worker {
    pub store: Store,
    pub transport: Transport,
    pub from: String,
    pub retry_base: Duration,
    /// Called after every status change (operators' lists show it).
    pub on_change: Arc<dyn Fn() + Send + Sync>,
}

/// The delay before attempt `attempts + 1`, after `attempts` failures.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let factor = 3u32.saturating_pow((attempts.clamp(1, 12) - 1) as u32);
    base.saturating_mul(factor).min(Duration::from_secs(3600))
}

impl Mailer {
    /// A mail was queued: look now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn spawn(&self, w: Worker) -> tokio::task::JoinHandle<()> {
        // A stop signal nobody sends: the worker runs until aborted.
        self.spawn_until(w, tokio::sync::watch::channel(false).1)
    }

    /// The worker, until `stop` turns true: it then finishes the round it is in (a mail
    /// being sent is sent and its status recorded) and ends.
    pub fn spawn_until(
        &self,
        w: Worker,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let wake = self.wake.clone();
        tokio::spawn(async move {
            tracing::info!(transport = %w.transport.describe(), "mail worker started");
            let mut stop_open = true;
            loop {
                if *stop.borrow() {
                    break;
                }
                let pause = match w.run_once().await {
                    Ok(next) => next,
                    Err(e) => {
                        tracing::error!(error = %e, "mail worker: store error");
                        Duration::from_secs(5)
                    }
                };
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(pause) => {}
                    changed = stop.changed(), if stop_open => stop_open = changed.is_ok(),
                }
            }
            tracing::info!("mail worker stopped");
        })
    }
}

impl Worker {
    /// Sends every mail due; returns how long to wait before looking again.
    pub async fn run_once(&self) -> Result<Duration, crate::store::StoreError> {
        while let Some(mail) = self.store.claim_mail(LEASE_MS).await? {
            match self.transport.send(&self.from, &mail).await {
                Ok(()) => {
                    self.store.mail_sent(mail.id).await?;
                    tracing::info!(mail = mail.id, "mail sent");
                }
                Err(e) => {
                    let attempts = mail.attempts + 1;
                    let next = (attempts < MAX_ATTEMPTS).then(|| {
                        crate::domain::now_ms()
                            + backoff(self.retry_base, attempts).as_millis() as i64
                    });
                    tracing::warn!(mail = mail.id, attempts, error = %e, "mail not sent");
                    self.store.mail_failed(mail.id, &e.0, next).await?;
                }
            }
            (self.on_change)();
        }
        let now = crate::domain::now_ms();
        Ok(match self.store.next_mail_due().await? {
            Some(due) if due > now => Duration::from_millis((due - now) as u64).min(IDLE_POLL),
            Some(_) => Duration::from_millis(200),
            None => IDLE_POLL,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let b = Duration::from_secs(10);
        assert_eq!(backoff(b, 1), Duration::from_secs(10));
        assert_eq!(backoff(b, 2), Duration::from_secs(30));
        assert_eq!(backoff(b, 3), Duration::from_secs(90));
        assert_eq!(backoff(b, 7), Duration::from_secs(3600));
    }
}
