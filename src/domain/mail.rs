//! A queued mail's status, as the outbox keeps it and operators see it.

use super::closed::closed_set;

closed_set! {
    pub enum MailStatus {
        /// Waiting for the worker.
        Queued = "queued",
        /// Claimed by a worker (leased), in the middle of the SMTP exchange. Operators see
        /// it: if the server stops now, the mail is sent again once the lease is over
        /// (delivery is at least once, with the same Message-ID).
        Sending = "sending",
        /// The last attempt failed; another one is scheduled.
        Retrying = "retrying",
        /// Accepted by the SMTP server (or written to the file outbox).
        Sent = "sent",
        /// Given up after the last attempt.
        Failed = "failed",
    }
}
