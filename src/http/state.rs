//! What the HTTP handlers share: the [`Core`] the use cases take, plus what only the HTTP
//! edge needs (the rate limiters). Handlers that need only the core extract
//! `State<Core>` (axum's `FromRef`).

use crate::service::Core;
use axum::extract::FromRef;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    /// Wrong passwords per (address, account), with backoff (`lockout`).
    pub login: Arc<super::lockout::LoginLockout>,
    /// Forgotten-password requests, per client and per address.
    pub forgot_by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub forgot_by_email: Arc<DefaultKeyedRateLimiter<String>>,
    /// Frames per visitor over the WebSocket (all of a visitor's connections together).
    pub visitor_frames: Arc<DefaultKeyedRateLimiter<i64>>,
    /// Visitor `hello`s per client address (`hello_per_minute`; none: no limit).
    pub hellos: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
}

impl AppState {
    pub fn new(core: Core) -> AppState {
        let per_minute =
            NonZeroU32::new(core.settings.login_attempts_per_minute).unwrap_or(NonZeroU32::MIN);
        let login = Arc::new(super::lockout::LoginLockout::new(
            core.settings.login_attempts_per_minute,
        ));
        // A burst of a minute's worth: a page with the chatbox reloaded a few times, or
        // an office behind one address, opens it at once.
        let hellos = NonZeroU32::new(core.settings.hello_per_minute)
            .map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n).allow_burst(n))));
        AppState {
            hellos,
            core,
            login,
            forgot_by_ip: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            // A few mails an hour to one address at most, whoever asks.
            forgot_by_email: Arc::new(RateLimiter::keyed(
                Quota::per_hour(NonZeroU32::new(5).expect("non-zero"))
                    .allow_burst(NonZeroU32::new(3).expect("non-zero")),
            )),
            visitor_frames: Arc::new(RateLimiter::keyed(
                Quota::per_second(NonZeroU32::new(10).expect("non-zero"))
                    .allow_burst(NonZeroU32::new(20).expect("non-zero")),
            )),
        }
    }
}

impl FromRef<AppState> for Core {
    fn from_ref(state: &AppState) -> Core {
        state.core.clone()
    }
}
