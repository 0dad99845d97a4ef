//! Office hours and the offline form (issue 13, item 5): per bot, the weekly hours of its
//! livechat in the bot's own time zone, the days it is closed, and the team address that
//! receives the messages visitors leave when nobody can answer. Pure: the caller gives the
//! time.

use super::{Email, FieldError, Problem};
use serde::{Deserialize, Serialize};
use vigie_bot::Lang;

/// Monday first, as `weekly` is stored.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES_FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
const DAY_NAMES_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
pub const MAX_CLOSED_DAYS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OfficeHours {
    /// Off: the livechat is open whenever an operator is on duty.
    pub enabled: bool,
    /// An IANA time zone ("Europe/Paris"): the hours below are read in it, summer time
    /// included.
    pub timezone: String,
    /// Monday to Sunday: "09:00-12:00, 14:00-18:00"; empty: closed that day.
    pub weekly: [String; 7],
    /// Days closed whatever the weekday ("2026-12-25").
    pub closed_days: Vec<String>,
    /// Where the messages left in the offline form go. Empty: no form, the visitor is only
    /// told when to come back.
    pub offline_email: String,
}

impl Default for OfficeHours {
    fn default() -> Self {
        let day = || "09:00-18:00".to_string();
        OfficeHours {
            enabled: false,
            timezone: "Europe/Paris".into(),
            weekly: [
                day(),
                day(),
                day(),
                day(),
                day(),
                String::new(),
                String::new(),
            ],
            closed_days: Vec::new(),
            offline_email: String::new(),
        }
    }
}

/// A range of minutes in a day, end excluded (`24:00` ends at midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: u16,
    pub to: u16,
}

fn minutes(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// "09:00-12:00, 14:00-18:00" → its spans, in order, not overlapping.
pub fn parse_day(raw: &str) -> Result<Vec<Span>, Problem> {
    let bad = || {
        Problem::new(
            "hours_invalid",
            format!("`{raw}` is not a list of hours like 09:00-12:00, 14:00-18:00"),
        )
        .param("value", raw)
    };
    let mut out: Vec<Span> = Vec::new();
    for part in raw
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (a, b) = part.split_once(['-', '–']).ok_or_else(bad)?;
        let (from, to) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
        if from >= to || out.last().is_some_and(|l| l.to > from) {
            return Err(bad());
        }
        out.push(Span { from, to });
    }
    Ok(out)
}

fn parse_date(raw: &str) -> Option<jiff::civil::Date> {
    raw.trim().parse::<jiff::civil::Date>().ok()
}

fn fmt_minutes(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

impl OfficeHours {
    /// Field errors, named under `prefix` (`office_hours.demo`): `.timezone`,
    /// `.weekly.mon` … `.weekly.sun`, `.closed_days`, `.offline_email`.
    pub fn validate(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if jiff::tz::TimeZone::get(self.timezone.trim()).is_err() {
            errors.push(FieldError::of(
                format!("{prefix}.timezone"),
                Problem::new(
                    "timezone_unknown",
                    format!(
                        "unknown time zone `{}` (an IANA name like Europe/Paris)",
                        self.timezone
                    ),
                )
                .param("value", self.timezone.as_str()),
            ));
        }
        for (day, raw) in DAYS.iter().zip(&self.weekly) {
            if let Err(p) = parse_day(raw) {
                errors.push(FieldError::of(format!("{prefix}.weekly.{day}"), p));
            }
        }
        if self.closed_days.len() > MAX_CLOSED_DAYS {
            errors.push(FieldError::of(
                format!("{prefix}.closed_days"),
                Problem::out_of_range(0, MAX_CLOSED_DAYS as i64, "days"),
            ));
        }
        if let Some(bad) = self.closed_days.iter().find(|d| parse_date(d).is_none()) {
            errors.push(FieldError::of(
                format!("{prefix}.closed_days"),
                Problem::new(
                    "date_invalid",
                    format!("`{bad}` is not a date like 2026-12-25"),
                )
                .param("value", bad.as_str()),
            ));
        }
        let email = self.offline_email.trim();
        if !email.is_empty() {
            if let Err(p) = Email::parse(email) {
                errors.push(FieldError::of(format!("{prefix}.offline_email"), p));
            }
        }
        errors
    }

    /// The livechat is open at `now_ms` (always, when hours are off or unreadable).
    pub fn is_open(&self, now_ms: i64) -> bool {
        if !self.enabled {
            return true;
        }
        let (Ok(tz), Ok(at)) = (
            jiff::tz::TimeZone::get(self.timezone.trim()),
            jiff::Timestamp::from_millisecond(now_ms),
        ) else {
            return true;
        };
        let local = at.to_zoned(tz);
        let date = local.date();
        if self
            .closed_days
            .iter()
            .filter_map(|d| parse_date(d))
            .any(|d| d == date)
        {
            return false;
        }
        let day = local.weekday().to_monday_zero_offset() as usize;
        let now = (local.hour() as u16) * 60 + local.minute() as u16;
        parse_day(&self.weekly[day])
            .unwrap_or_default()
            .iter()
            .any(|s| s.from <= now && now < s.to)
    }

    /// An instant as the team reads it, in the bot's time zone: "03/12/2026 21:14
    /// (Europe/Paris)" (fr), "2026-12-03 21:14 (Europe/Paris)" (en).
    pub fn local_time(&self, ms: i64, lang: Lang) -> String {
        let tz = jiff::tz::TimeZone::get(self.timezone.trim()).unwrap_or(jiff::tz::TimeZone::UTC);
        let name = tz.iana_name().unwrap_or("UTC").to_string();
        let Ok(at) = jiff::Timestamp::from_millisecond(ms) else {
            return String::new();
        };
        let z = at.to_zoned(tz);
        let f = match lang {
            Lang::Fr => "%d/%m/%Y %H:%M",
            Lang::En => "%Y-%m-%d %H:%M",
        };
        format!("{} ({name})", z.strftime(f))
    }

    /// The offline form is offered (a team address is set).
    pub fn offline_form(&self) -> bool {
        !self.offline_email.trim().is_empty()
    }

    /// The weekly hours as a visitor reads them: "lun.–ven. 09:00–18:00 ; sam. 10:00–12:00"
    /// (days with the same hours grouped), with the time zone when it is not the usual one.
    pub fn summary(&self, lang: Lang) -> String {
        let names = match lang {
            Lang::Fr => DAY_NAMES_FR,
            Lang::En => DAY_NAMES_EN,
        };
        let hours: Vec<String> = self
            .weekly
            .iter()
            .map(|d| {
                parse_day(d)
                    .unwrap_or_default()
                    .iter()
                    .map(|s| format!("{}–{}", fmt_minutes(s.from), fmt_minutes(s.to)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        let mut groups: Vec<String> = Vec::new();
        let mut i = 0;
        while i < 7 {
            let mut j = i;
            while j + 1 < 7 && hours[j + 1] == hours[i] {
                j += 1;
            }
            if !hours[i].is_empty() {
                let days = if j == i {
                    names[i].to_string()
                } else {
                    format!("{}–{}", names[i], names[j])
                };
                groups.push(format!("{days} {}", hours[i]));
            }
            i = j + 1;
        }
        let sep = if lang == Lang::Fr { " ; " } else { "; " };
        let mut out = groups.join(sep);
        if out.is_empty() {
            return out;
        }
        out.push_str(&format!(" ({})", self.timezone.trim()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(rfc: &str) -> i64 {
        rfc.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn hours_parse_and_refuse() {
        assert_eq!(
            parse_day("09:00-12:00, 14:00-18:30").unwrap(),
            vec![
                Span { from: 540, to: 720 },
                Span {
                    from: 840,
                    to: 1110
                }
            ]
        );
        assert_eq!(parse_day("").unwrap(), vec![]);
        assert_eq!(
            parse_day("0:00-24:00").unwrap(),
            vec![Span { from: 0, to: 1440 }]
        );
        for bad in [
            "9h-18h",
            "18:00-09:00",
            "09:00-12:00, 11:00-13:00",
            "25:00-26:00",
            "09:60-10:00",
            "09:00",
        ] {
            assert_eq!(parse_day(bad).unwrap_err().code, "hours_invalid", "{bad}");
        }
    }

    #[test]
    fn open_in_the_bots_time_zone_summer_time_included() {
        let h = OfficeHours {
            enabled: true,
            closed_days: vec!["2026-12-25".into()],
            ..OfficeHours::default()
        };
        // Winter: Paris is UTC+1. Thursday 3 December 2026.
        assert!(!h.is_open(ms("2026-12-03T07:59:00Z")));
        assert!(h.is_open(ms("2026-12-03T08:00:00Z")));
        assert!(h.is_open(ms("2026-12-03T16:59:00Z")));
        assert!(!h.is_open(ms("2026-12-03T17:00:00Z")));
        // Summer: UTC+2. Wednesday 1 July 2026, 08:30 then 09:30 in Paris.
        assert!(!h.is_open(ms("2026-07-01T06:30:00Z")));
        assert!(h.is_open(ms("2026-07-01T07:30:00Z")));
        assert!(!h.is_open(ms("2026-07-01T16:30:00Z")));
        // Saturday, and a closed Friday.
        assert!(!h.is_open(ms("2026-12-05T10:00:00Z")));
        assert!(!h.is_open(ms("2026-12-25T10:00:00Z")));
        // Off: always open.
        let off = OfficeHours {
            enabled: false,
            ..h
        };
        assert!(off.is_open(ms("2026-12-05T03:00:00Z")));
    }

    #[test]
    fn errors_name_their_field() {
        let h = OfficeHours {
            timezone: "Europe/Parsi".into(),
            weekly: [
                "9h".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            closed_days: vec!["25/12/2026".into()],
            offline_email: "support@".into(),
            ..OfficeHours::default()
        };
        let fields: Vec<(String, &str)> = h
            .validate("office_hours.demo")
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("office_hours.demo.timezone".into(), "timezone_unknown"),
                ("office_hours.demo.weekly.mon".into(), "hours_invalid"),
                ("office_hours.demo.closed_days".into(), "date_invalid"),
                ("office_hours.demo.offline_email".into(), "email_invalid"),
            ]
        );
        assert!(OfficeHours::default().validate("x").is_empty());
    }

    #[test]
    fn local_time_in_the_bots_zone() {
        let h = OfficeHours::default();
        assert_eq!(
            h.local_time(ms("2026-12-03T20:14:00Z"), Lang::Fr),
            "03/12/2026 21:14 (Europe/Paris)"
        );
    }

    #[test]
    fn summary_groups_days() {
        let mut h = OfficeHours::default();
        h.weekly[5] = "10:00-12:00".into();
        assert_eq!(
            h.summary(Lang::Fr),
            "lun.–ven. 09:00–18:00 ; sam. 10:00–12:00 (Europe/Paris)"
        );
        assert_eq!(
            h.summary(Lang::En),
            "Mon–Fri 09:00–18:00; Sat 10:00–12:00 (Europe/Paris)"
        );
    }
}
