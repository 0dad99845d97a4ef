//! Login lockout by (client address, account), with backoff.
//!
//! A lock per account alone lets anyone keep an admin out (the address of the first admin
//! may be guessed: one wrong password every few seconds, from anywhere, would do). So the
//! failures are counted per (address, account): after `limit` wrong passwords in a row
//! from one address for one account, that pair is locked for a minute, and each further
//! failure once unlocked doubles the lock (up to an hour). A success clears the pair. One
//! address trying many accounts is bounded the same way, per address, with a limit five
//! times higher. Exactly `limit` attempts are admitted before the first lock (a token
//! bucket would admit about twice that in the first minute).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FIRST_LOCK: Duration = Duration::from_secs(60);
const LONGEST_LOCK: Duration = Duration::from_secs(3600);
/// Entries untouched for this long are forgotten (and the table pruned past `PRUNE_AT`).
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);
const PRUNE_AT: usize = 50_000;

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

pub struct LoginLockout {
    limit: u32,
    pairs: Mutex<HashMap<(IpAddr, String), Failures>>,
    addresses: Mutex<HashMap<IpAddr, Failures>>,
}

impl LoginLockout {
    pub fn new(limit: u32) -> LoginLockout {
        LoginLockout {
            limit: limit.max(1),
            pairs: Mutex::default(),
            addresses: Mutex::default(),
        }
    }

    /// An attempt to log in to `email` from `ip`: `Err(wait)` when this address may not
    /// try this account (or any account) for `wait`. Else the attempt is counted as a
    /// failure at once (so that parallel attempts cannot pass the limit together) until
    /// `succeeded` says otherwise.
    pub fn attempt(&self, ip: IpAddr, email: &str, now: Instant) -> Result<(), Duration> {
        let locked = |f: Option<&Failures>| {
            f.and_then(|f| f.locked_until)
                .filter(|until| *until > now)
                .map(|until| until - now)
        };
        let key = (ip, email.to_string());
        let mut pairs = self.pairs.lock().expect("lockout lock");
        let mut addresses = self.addresses.lock().expect("lockout lock");
        if let Some(wait) = locked(pairs.get(&key)).or(locked(addresses.get(&ip))) {
            return Err(wait);
        }
        prune(&mut pairs, now);
        prune(&mut addresses, now);
        fail(pairs.entry(key), self.limit, now);
        fail(addresses.entry(ip), self.limit * 5, now);
        Ok(())
    }

    /// A successful login: this address's failures for this account are cleared, and the
    /// attempt no longer counts against the address.
    pub fn succeeded(&self, ip: IpAddr, email: &str) {
        let mut pairs = self.pairs.lock().expect("lockout lock");
        let mut addresses = self.addresses.lock().expect("lockout lock");
        pairs.remove(&(ip, email.to_string()));
        if let Some(f) = addresses.get_mut(&ip) {
            f.count = f.count.saturating_sub(1);
            if f.count < self.limit * 5 {
                f.locked_until = None;
            }
        }
    }
}

fn fail<K>(entry: std::collections::hash_map::Entry<'_, K, Failures>, limit: u32, now: Instant) {
    let f = entry.or_insert(Failures {
        count: 0,
        locked_until: None,
        last: now,
    });
    f.count += 1;
    f.last = now;
    if f.count >= limit {
        let doublings = (f.count - limit).min(6);
        let lock = (FIRST_LOCK * 2u32.pow(doublings)).min(LONGEST_LOCK);
        f.locked_until = Some(now + lock);
    }
}

fn prune<K: Eq + std::hash::Hash>(map: &mut HashMap<K, Failures>, now: Instant) {
    if map.len() >= PRUNE_AT {
        map.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_locked_after_the_limit_with_a_growing_lock() {
        let l = LoginLockout::new(3);
        let (me, other) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.attempt(me, "admin@x", t0).is_ok());
        }
        // Exactly the limit admitted, then a minute's lock for this pair only.
        assert_eq!(l.attempt(me, "admin@x", t0), Err(FIRST_LOCK));
        assert!(l.attempt(other, "admin@x", t0).is_ok(), "another address");
        assert!(l.attempt(me, "claire@x", t0).is_ok(), "another account");
        // Once unlocked, each further failure doubles the lock.
        let t1 = t0 + FIRST_LOCK;
        assert!(l.attempt(me, "admin@x", t1).is_ok());
        assert_eq!(l.attempt(me, "admin@x", t1), Err(FIRST_LOCK * 2));
        let t2 = t1 + FIRST_LOCK * 2;
        assert!(l.attempt(me, "admin@x", t2).is_ok());
        assert_eq!(l.attempt(me, "admin@x", t2), Err(FIRST_LOCK * 4));
        // A success clears the pair.
        l.succeeded(me, "admin@x");
        assert!(l.attempt(me, "admin@x", t2).is_ok());
    }

    #[test]
    fn one_address_spraying_accounts_is_locked_too() {
        let l = LoginLockout::new(2);
        let me: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..10 {
            assert!(l.attempt(me, &format!("user{i}@x"), t0).is_ok());
        }
        assert!(l.attempt(me, "someone-new@x", t0).is_err());
        assert!(l
            .attempt("10.0.0.9".parse().unwrap(), "someone-new@x", t0)
            .is_ok());
    }

    #[test]
    fn successes_do_not_count_against_an_office_address() {
        let l = LoginLockout::new(2);
        let office: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..50 {
            let email = format!("operator{i}@x");
            assert!(l.attempt(office, &email, t0).is_ok(), "login {i}");
            l.succeeded(office, &email);
        }
    }
}
