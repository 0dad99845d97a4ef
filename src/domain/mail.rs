//! A queued mail's status, as the outbox keeps it and operators see it.

use super::closed::closed_set;

closed_set! {
    pub enum MailStatus {
        /// Waiting for the worker.
        Queued = "queued",
        /// Claimed by a worker (leased); operators see it as `Queued`.
        Sending = "sending",
        /// The last attempt failed; another one is scheduled.
        Retrying = "retrying",
        /// Accepted by the SMTP server (or written to the file outbox).
        Sent = "sent",
        /// Given up after the last attempt.
        Failed = "failed",
    }
}

impl MailStatus {
    /// What operators are shown: a mail being sent is still queued to them.
    pub fn shown(self) -> MailStatus {
        match self {
            MailStatus::Sending => MailStatus::Queued,
            other => other,
        }
    }
}
