//! Shared pieces of the WebSocket load tool (`vigie-load`) and the bare echo server
//! (`vigie-echo`): WebSocket configuration, the question list, latency summaries and a
//! few process helpers (file limit, RSS of another process).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Read buffer of every WebSocket on both sides: 4 KiB, as the Vigie server configures
/// it for many mostly idle connections (tungstenite's default is 128 KiB).
pub const READ_BUFFER: usize = 4 * 1024;

/// Write buffer, 4 KiB too (as the Vigie server).
pub const WRITE_BUFFER: usize = 4 * 1024;

/// The WebSocket configuration used by the load client and the echo server.
pub fn ws_config(read_buffer: usize, write_buffer: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(read_buffer)
        .write_buffer_size(write_buffer)
        .max_message_size(Some(1 << 20))
        .max_frame_size(Some(1 << 20))
}

/// Realistic helpdesk questions, French first then English.
pub const QUESTIONS_FR: &[&str] = &[
    "j'ai oublié mon mot de passe",
    "le vpn est lent",
    "comment poser des congés",
    "mon compte est bloqué",
    "je n'arrive pas à me connecter au wifi",
    "l'imprimante du 2e étage ne marche plus",
    "comment installer teams sur mon ordinateur",
    "où trouver ma fiche de paie",
    "mon écran reste noir au démarrage",
    "comment changer mon mot de passe windows",
    "je ne reçois plus mes mails",
    "comment réserver une salle de réunion",
    "ma badgeuse ne fonctionne pas",
    "comment demander un nouvel ordinateur portable",
    "outlook plante à l'ouverture",
];

/// English questions.
pub const QUESTIONS_EN: &[&str] = &[
    "I forgot my password",
    "the vpn is very slow",
    "how do I request time off",
    "my account is locked",
    "I can't connect to the wifi",
    "the printer on the second floor is not working",
    "how do I install teams on my laptop",
    "where can I find my payslip",
    "my screen stays black when I boot",
    "how do I change my windows password",
    "I no longer receive my emails",
    "how to book a meeting room",
    "my badge does not open the door",
    "how to order a new laptop",
    "outlook crashes when I open it",
];

/// Percentiles of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    pub count: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Summary {
    /// Summarise latencies given in microseconds (sorted in place).
    pub fn from_micros(v: &mut [u64]) -> Summary {
        if v.is_empty() {
            return Summary::default();
        }
        v.sort_unstable();
        let pick = |q: f64| {
            // nearest-rank percentile
            let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
            v[rank - 1] as f64 / 1000.0
        };
        let sum: u128 = v.iter().map(|&x| x as u128).sum();
        Summary {
            count: v.len(),
            p50_ms: pick(0.50),
            p90_ms: pick(0.90),
            p99_ms: pick(0.99),
            max_ms: v[v.len() - 1] as f64 / 1000.0,
            mean_ms: (sum as f64 / v.len() as f64) / 1000.0,
        }
    }

    /// One line for humans.
    pub fn line(&self) -> String {
        format!(
            "n={:<7} p50={:>8.2} ms  p90={:>8.2} ms  p99={:>8.2} ms  max={:>8.2} ms  mean={:>8.2} ms",
            self.count, self.p50_ms, self.p90_ms, self.p99_ms, self.max_ms, self.mean_ms
        )
    }
}

/// Duration in microseconds, saturating.
pub fn micros(d: Duration) -> u64 {
    d.as_micros().min(u64::MAX as u128) as u64
}

/// Raise the soft RLIMIT_NOFILE to at least `want` (capped by the hard limit).
/// Returns the soft limit in force afterwards.
pub fn raise_nofile(want: u64) -> std::io::Result<u64> {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local rlimit struct.
    unsafe {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let cur: u64 = rl.rlim_cur;
        if cur >= want {
            return Ok(cur);
        }
        let target: u64 = want.min(rl.rlim_max);
        rl.rlim_cur = target;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &rl) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(target)
    }
}

/// Resident set size (VmRSS) of process `pid` in KiB, from /proc/PID/status.
pub fn rss_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_nearest_rank() {
        let mut v: Vec<u64> = (1..=100).map(|x| x * 1000).collect();
        let s = Summary::from_micros(&mut v);
        assert_eq!(s.count, 100);
        assert_eq!(s.p50_ms, 50.0);
        assert_eq!(s.p90_ms, 90.0);
        assert_eq!(s.p99_ms, 99.0);
        assert_eq!(s.max_ms, 100.0);
        assert!(Summary::from_micros(&mut []).count == 0);
    }

    #[test]
    fn questions_are_about_thirty() {
        assert_eq!(QUESTIONS_FR.len() + QUESTIONS_EN.len(), 30);
    }

    #[test]
    fn own_rss_is_readable() {
        assert!(rss_kb(std::process::id()).unwrap() > 0);
    }
}
