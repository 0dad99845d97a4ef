//! The statistics page (issue 14, item 2): one bot (or all) over a period of whole days in
//! the helpdesk's time zone, as headline figures and one table per chart (the page draws
//! the charts from them; each table is also a CSV). Time series are per hour for one day,
//! per day otherwise.

use super::{invalid, settings, ActionError, Core, OrNotFound};
use crate::domain::Problem;
use crate::store::{Span, StatsScope};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::HashMap;
use vigie_bot::Lang;

/// The longest period asked at once, in days.
pub const MAX_DAYS: i64 = 731;
/// How many knowledge items the top lists.
pub const TOP_KNOWLEDGE: i64 = 20;

/// What the page asks for.
#[derive(Clone, Debug)]
pub struct StatsQuery {
    /// A bot's slug; none: all bots.
    pub bot: Option<String>,
    /// First and last day (inclusive), `YYYY-MM-DD`, in the helpdesk's time zone.
    pub from: String,
    pub to: String,
    /// The language of the tables' headers.
    pub lang: Lang,
}

/// A column of a table: its stable key and its header in the page's language.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
}

/// A cell: a count, a measure (seconds, an average) or a text.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Cell {
    Int(i64),
    Num(Option<f64>),
    Text(String),
}

/// The table behind one chart.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub key: &'static str,
    pub title: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// The headline figures of the period.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    pub conversations: i64,
    pub visitors: i64,
    pub questions: i64,
    pub answered: i64,
    pub suggestions: i64,
    pub not_understood: i64,
    pub small_talk: i64,
    pub handoffs: i64,
    pub served: i64,
    pub abandoned: i64,
    pub unavailable: i64,
    /// Waits in the queue of the requests served from it (seconds).
    pub queue_wait_p50: Option<f64>,
    pub queue_wait_p90: Option<f64>,
    pub livechats: i64,
    /// Medians over the period's livechats (seconds).
    pub first_response_median: Option<f64>,
    pub duration_median: Option<f64>,
    pub surveys: i64,
    pub satisfaction: Option<f64>,
    pub helpful: i64,
    pub unhelpful: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub bot: Option<String>,
    pub from: String,
    pub to: String,
    pub timezone: String,
    /// `hour` (one day) or `day`.
    pub granularity: &'static str,
    pub summary: Summary,
    pub sections: Vec<Section>,
}

fn t(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

fn col(lang: Lang, key: &'static str, fr: &'static str, en: &'static str) -> Column {
    Column {
        key,
        label: t(lang, fr, en),
    }
}

/// The nearest-rank percentile `q` (0–1) of values in ms, in seconds.
pub fn percentile(sorted_ms: &[i64], q: f64) -> Option<f64> {
    if sorted_ms.is_empty() {
        return None;
    }
    let rank = ((q * sorted_ms.len() as f64).ceil() as usize).clamp(1, sorted_ms.len());
    Some(sorted_ms[rank - 1] as f64 / 1000.0)
}

fn median(mut ms: Vec<i64>) -> Option<f64> {
    ms.sort_unstable();
    percentile(&ms, 0.5)
}

/// The helpdesk's time zone: the bot's office hours' one; over all bots, the one their
/// office hours agree on; else Europe/Paris.
fn time_zone(
    settings: &crate::domain::livechat_settings::LivechatSettings,
    bot: Option<&str>,
) -> String {
    let zones: Vec<&str> = match bot {
        Some(b) => settings
            .hours_for(b)
            .map(|h| h.timezone.trim())
            .into_iter()
            .collect(),
        None => settings
            .office_hours
            .values()
            .map(|h| h.timezone.trim())
            .collect(),
    };
    match zones.first() {
        Some(z) if zones.iter().all(|o| o == z) && TimeZone::get(z).is_ok() => z.to_string(),
        _ => "Europe/Paris".into(),
    }
}

fn parse_day(field: &str, value: &str) -> Result<Date, ActionError> {
    value.trim().parse::<Date>().map_err(|_| {
        invalid(
            field,
            Problem::new(
                "date_invalid",
                format!("`{value}` is not a date (YYYY-MM-DD)"),
            )
            .param("value", value),
        )
    })
}

/// The time slots of the period: one per local hour (one day) or per local day.
struct Buckets {
    tz: TimeZone,
    hourly: bool,
    labels: Vec<String>,
    index: HashMap<String, usize>,
}

impl Buckets {
    fn new(tz: TimeZone, from: Date, to: Date) -> Buckets {
        let hourly = from == to;
        let labels: Vec<String> = if hourly {
            (0..24).map(|h| format!("{from} {h:02}:00")).collect()
        } else {
            let mut out = Vec::new();
            let mut d = from;
            while d <= to {
                out.push(d.to_string());
                d = d.tomorrow().expect("a date before the end of time");
            }
            out
        };
        let index = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect();
        Buckets {
            tz,
            hourly,
            labels,
            index,
        }
    }

    /// The bucket an instant (ms) falls in.
    fn of(&self, ms: i64) -> Option<usize> {
        let at = jiff::Timestamp::from_millisecond(ms)
            .ok()?
            .to_zoned(self.tz.clone());
        let label = if self.hourly {
            format!("{} {:02}:00", at.date(), at.hour())
        } else {
            at.date().to_string()
        };
        self.index.get(&label).copied()
    }

    fn len(&self) -> usize {
        self.labels.len()
    }

    /// `[from, to)` cut where the local hour (one day) or day changes, each stretch with
    /// the bucket of its instants: the time zone's offset is constant between two of its
    /// transitions, and there an hour or a day starts at a whole multiple of it in local
    /// time, so every instant of a stretch falls in the bucket `of` gives its start.
    fn spans(&self, from: i64, to: i64) -> (Vec<Span>, Vec<usize>) {
        let unit: i64 = if self.hourly { 3_600_000 } else { 86_400_000 };
        let (mut spans, mut owners): (Vec<Span>, Vec<usize>) = (Vec::new(), Vec::new());
        let mut t = from;
        while t < to {
            let Ok(at) = jiff::Timestamp::from_millisecond(t) else {
                break;
            };
            let offset = self.tz.to_offset(at).seconds() as i64 * 1000;
            let transition = self
                .tz
                .following(at)
                .map(|tr| tr.timestamp().as_millisecond())
                .find(|ms| *ms > t)
                .unwrap_or(i64::MAX);
            let boundary = ((t + offset).div_euclid(unit) + 1) * unit - offset;
            let end = boundary.min(transition).min(to);
            if let Some(b) = self.of(t) {
                match (spans.last_mut(), owners.last()) {
                    (Some(last), Some(o)) if *o == b && last.to == t => last.to = end,
                    _ => {
                        spans.push(Span { from: t, to: end });
                        owners.push(b);
                    }
                }
            }
            t = end;
        }
        (spans, owners)
    }
}

/// The report for a bot (or all) and a period.
pub async fn report(core: &Core, q: &StatsQuery) -> Result<Report, ActionError> {
    let lang = q.lang;
    let from = parse_day("from", &q.from)?;
    let to = parse_day("to", &q.to)?;
    if to < from {
        return Err(invalid(
            "to",
            Problem::new(
                "period_invalid",
                "the end of the period is before its start",
            ),
        ));
    }
    let days = (to - from).get_days() as i64 + 1;
    if days > MAX_DAYS {
        return Err(invalid(
            "to",
            Problem::new(
                "period_too_long",
                format!("the period is too long ({MAX_DAYS} days at most)"),
            )
            .param("max", MAX_DAYS),
        ));
    }
    let bot_id = match q.bot.as_deref().filter(|b| !b.is_empty()) {
        Some(slug) => Some(core.store.bot(slug).await.or_not_found("bot")?.id),
        None => None,
    };
    let livechat = settings::livechat(core).await?;
    let zone = time_zone(&livechat, q.bot.as_deref());
    let tz = TimeZone::get(&zone).unwrap_or(TimeZone::UTC);
    let start = |d: Date| -> Result<i64, ActionError> {
        Ok(d.to_zoned(tz.clone())
            .map_err(|e| ActionError::Internal(e.into()))?
            .timestamp()
            .as_millisecond())
    };
    let scope = StatsScope {
        bot_id,
        from: start(from)?,
        to: start(to.tomorrow().map_err(|e| ActionError::Internal(e.into()))?)?,
    };
    let buckets = Buckets::new(tz, from, to);
    let (spans, owners) = buckets.spans(scope.from, scope.to);
    let store = &core.store;
    let period_col = || {
        if buckets.hourly {
            col(lang, "hour", "Heure", "Hour")
        } else {
            col(lang, "day", "Jour", "Day")
        }
    };
    let mut summary = Summary::default();
    let mut sections = Vec::new();

    // Conversations, by kind: bot, livechat, monitored.
    let mut grid = vec![[0i64; 3]; buckets.len()];
    for (counts, b) in store
        .stats_conversations(&scope, &spans)
        .await?
        .iter()
        .zip(&owners)
    {
        for (k, n) in counts.iter().enumerate() {
            grid[*b][k] += n;
        }
    }
    summary.conversations = grid.iter().flatten().sum();
    summary.visitors = store.stats_visitors(&scope).await?;
    sections.push(Section {
        key: "conversations",
        title: t(lang, "Conversations", "Conversations"),
        columns: vec![
            period_col(),
            col(lang, "bot", "Avec l'assistant", "With the bot"),
            col(lang, "livechat", "Livechat", "Livechat"),
            col(lang, "monitored", "Monitorées", "Monitored"),
        ],
        rows: time_rows(&buckets, &grid),
    });

    // Questions, by how the bot answered.
    // (answer, suggestions, not_understood, small_talk).
    let mut grid = vec![[0i64; 4]; buckets.len()];
    for (counts, b) in store
        .stats_questions(&scope, &spans)
        .await?
        .iter()
        .zip(&owners)
    {
        for (k, n) in counts.iter().enumerate() {
            grid[*b][k] += n;
        }
    }
    let total = |k: usize| grid.iter().map(|r| r[k]).sum::<i64>();
    summary.answered = total(0);
    summary.suggestions = total(1);
    summary.not_understood = total(2);
    summary.small_talk = total(3);
    summary.questions = (0..4).map(total).sum();
    sections.push(Section {
        key: "questions",
        title: t(lang, "Questions et réponses", "Questions and answers"),
        columns: vec![
            period_col(),
            col(lang, "answer", "Réponse", "Answer"),
            col(lang, "suggestions", "Suggestions", "Suggestions"),
            col(lang, "not_understood", "Non comprises", "Not understood"),
            col(lang, "small_talk", "Conversation courante", "Small talk"),
        ],
        rows: time_rows(&buckets, &grid),
    });

    // Requests for a human.
    let mut grid = vec![[0i64; 4]; buckets.len()];
    let mut waits: Vec<i64> = Vec::new();
    for (h, b) in store
        .stats_handoffs(&scope, &spans)
        .await?
        .into_iter()
        .zip(&owners)
    {
        for (k, n) in [h.requests, h.served, h.abandoned, h.unavailable]
            .into_iter()
            .enumerate()
        {
            grid[*b][k] += n;
        }
        waits.extend(h.queue_waits);
    }
    let total = |k: usize| grid.iter().map(|r| r[k]).sum::<i64>();
    summary.handoffs = total(0);
    summary.served = total(1);
    summary.abandoned = total(2);
    summary.unavailable = total(3);
    waits.sort_unstable();
    summary.queue_wait_p50 = percentile(&waits, 0.5);
    summary.queue_wait_p90 = percentile(&waits, 0.9);
    sections.push(Section {
        key: "handoffs",
        title: t(lang, "Demandes de conseiller", "Requests for an operator"),
        columns: vec![
            period_col(),
            col(lang, "requests", "Demandes", "Requests"),
            col(lang, "served", "Servies", "Served"),
            col(
                lang,
                "abandoned",
                "Abandonnées en file",
                "Abandoned in queue",
            ),
            col(
                lang,
                "unavailable",
                "Personne disponible",
                "Nobody available",
            ),
        ],
        rows: time_rows(&buckets, &grid),
    });

    // Livechats: how many, first response, duration.
    let mut per: Vec<(i64, Vec<i64>, Vec<i64>)> = vec![(0, vec![], vec![]); buckets.len()];
    for (l, b) in store
        .stats_livechats(&scope, &spans)
        .await?
        .into_iter()
        .zip(&owners)
    {
        per[*b].0 += l.sessions;
        per[*b].1.extend(l.first_responses);
        per[*b].2.extend(l.durations);
    }
    summary.livechats = per.iter().map(|p| p.0).sum();
    summary.first_response_median = median(per.iter().flat_map(|p| p.1.clone()).collect());
    summary.duration_median = median(per.iter().flat_map(|p| p.2.clone()).collect());
    sections.push(Section {
        key: "livechats",
        title: t(lang, "Livechats", "Livechats"),
        columns: vec![
            period_col(),
            col(lang, "livechats", "Livechats", "Livechats"),
            col(
                lang,
                "first_response_s",
                "Première réponse, médiane (s)",
                "First response, median (s)",
            ),
            col(
                lang,
                "duration_s",
                "Durée, médiane (s)",
                "Duration, median (s)",
            ),
        ],
        rows: buckets
            .labels
            .iter()
            .zip(per)
            .map(|(l, (n, first, dur))| {
                vec![
                    Cell::Text(l.clone()),
                    Cell::Int(n),
                    Cell::Num(median(first)),
                    Cell::Num(median(dur)),
                ]
            })
            .collect(),
    });

    // Operators: conversations, time per status, satisfaction.
    let fresh = super::livechat::fresh_after(core).await?;
    let times = store.status_times(scope.from, scope.to, fresh).await?;
    let mut rows = Vec::new();
    for o in store.stats_operators(&scope).await? {
        let secs = |available: bool| {
            times
                .iter()
                .filter(|t| {
                    t.operator_id.0 == o.operator_id && (t.status == "available") == available
                })
                .map(|t| t.seconds)
                .sum::<i64>()
        };
        let (available, away) = (secs(true), secs(false));
        if o.conversations == 0 && o.surveys == 0 && available == 0 && away == 0 {
            continue;
        }
        rows.push(vec![
            Cell::Text(o.name),
            Cell::Int(o.conversations),
            Cell::Num(Some(round1(available as f64 / 60.0))),
            Cell::Num(Some(round1(away as f64 / 60.0))),
            Cell::Int(o.surveys),
            Cell::Num((o.surveys > 0).then(|| round2(o.score_sum as f64 / o.surveys as f64))),
        ]);
    }
    sections.push(Section {
        key: "operators",
        title: t(lang, "Conseillers", "Operators"),
        columns: vec![
            col(lang, "operator", "Conseiller", "Operator"),
            col(lang, "conversations", "Conversations", "Conversations"),
            col(lang, "available_min", "Disponible (min)", "Available (min)"),
            col(lang, "away_min", "Absent (min)", "Away (min)"),
            col(lang, "surveys", "Avis", "Surveys"),
            col(
                lang,
                "satisfaction",
                "Satisfaction (1–5)",
                "Satisfaction (1–5)",
            ),
        ],
        rows,
    });

    // Monitored conversations, step by step, by creator.
    let funnel = store.stats_monitored(&scope).await?;
    let mut rows: Vec<Vec<Cell>> = funnel
        .iter()
        .map(|f| {
            vec![
                Cell::Text(f.creator.clone()),
                Cell::Int(f.created),
                Cell::Int(f.mailed),
                Cell::Int(f.opened),
                Cell::Int(f.replied),
                Cell::Int(f.offered),
                Cell::Int(f.accepted),
            ]
        })
        .collect();
    if !funnel.is_empty() {
        let sum = |g: fn(&crate::store::FunnelRow) -> i64| Cell::Int(funnel.iter().map(g).sum());
        rows.push(vec![
            Cell::Text(t(lang, "Total", "Total").into()),
            sum(|f| f.created),
            sum(|f| f.mailed),
            sum(|f| f.opened),
            sum(|f| f.replied),
            sum(|f| f.offered),
            sum(|f| f.accepted),
        ]);
    }
    sections.push(Section {
        key: "monitored",
        title: t(lang, "Conversations monitorées", "Monitored conversations"),
        columns: vec![
            col(lang, "creator", "Créée par", "Created by"),
            col(lang, "created", "Créées", "Created"),
            col(lang, "mailed", "Mail envoyé", "Mail sent"),
            col(lang, "opened", "Lien ouvert", "Link opened"),
            col(lang, "replied", "Le visiteur a écrit", "Visitor replied"),
            col(lang, "offered", "Aide proposée", "Help offered"),
            col(lang, "accepted", "Aide acceptée", "Help accepted"),
        ],
        rows,
    });

    // Top knowledge items.
    sections.push(Section {
        key: "knowledge",
        title: t(lang, "Réponses les plus données", "Top answers"),
        columns: vec![
            col(lang, "id", "Identifiant", "Id"),
            col(lang, "title", "Titre", "Title"),
            col(lang, "answers", "Réponses", "Answers"),
            col(lang, "helpful", "Utile", "Helpful"),
            col(lang, "unhelpful", "Pas utile", "Not helpful"),
        ],
        rows: store
            .stats_knowledge(&scope, TOP_KNOWLEDGE)
            .await?
            .into_iter()
            .map(|k| {
                vec![
                    Cell::Text(k.id),
                    Cell::Text(k.title),
                    Cell::Int(k.answers),
                    Cell::Int(k.helpful),
                    Cell::Int(k.unhelpful),
                ]
            })
            .collect(),
    });

    // Satisfaction and answer thumbs.
    let feedback = store.stats_feedback(&scope).await?;
    summary.surveys = feedback.scores.iter().sum();
    let weighted: i64 = feedback
        .scores
        .iter()
        .enumerate()
        .map(|(i, n)| (i as i64 + 1) * n)
        .sum();
    summary.satisfaction =
        (summary.surveys > 0).then(|| round2(weighted as f64 / summary.surveys as f64));
    summary.helpful = feedback.helpful;
    summary.unhelpful = feedback.unhelpful;
    sections.push(Section {
        key: "satisfaction",
        title: t(lang, "Satisfaction", "Satisfaction"),
        columns: vec![
            col(lang, "score", "Note", "Score"),
            col(lang, "surveys", "Avis", "Surveys"),
        ],
        rows: (1..=5)
            .map(|s| vec![Cell::Text(s.to_string()), Cell::Int(feedback.scores[s - 1])])
            .collect(),
    });
    sections.push(Section {
        key: "feedback",
        title: t(lang, "Avis sur les réponses", "Answer ratings"),
        columns: vec![
            col(lang, "rating", "Avis", "Rating"),
            col(lang, "count", "Nombre", "Count"),
        ],
        rows: vec![
            vec![
                Cell::Text(t(lang, "Utile", "Helpful").into()),
                Cell::Int(feedback.helpful),
            ],
            vec![
                Cell::Text(t(lang, "Pas utile", "Not helpful").into()),
                Cell::Int(feedback.unhelpful),
            ],
        ],
    });

    Ok(Report {
        bot: q.bot.clone().filter(|b| !b.is_empty()),
        from: from.to_string(),
        to: to.to_string(),
        timezone: zone,
        granularity: if buckets.hourly { "hour" } else { "day" },
        summary,
        sections,
    })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn time_rows<const N: usize>(buckets: &Buckets, grid: &[[i64; N]]) -> Vec<Vec<Cell>> {
    buckets
        .labels
        .iter()
        .zip(grid)
        .map(|(l, counts)| {
            std::iter::once(Cell::Text(l.clone()))
                .chain(counts.iter().map(|n| Cell::Int(*n)))
                .collect()
        })
        .collect()
}

/// One table as CSV (RFC 4180: comma-separated, CRLF, fields quoted when they hold a
/// comma, a quote or a line break), UTF-8 with a byte-order mark so that spreadsheets read
/// the accents; a text starting like a formula (`=`, `+`, `-`, `@`) is prefixed with `'`
/// so that no spreadsheet runs it.
pub fn csv(section: &Section) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>, out: &mut String| {
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    };
    line(
        section
            .columns
            .iter()
            .map(|c| c.label.to_string())
            .collect(),
        &mut out,
    );
    for row in &section.rows {
        line(
            row.iter()
                .map(|c| match c {
                    Cell::Int(n) => n.to_string(),
                    Cell::Num(Some(x)) => x.to_string(),
                    Cell::Num(None) => String::new(),
                    Cell::Text(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
                    Cell::Text(s) => s.clone(),
                })
                .collect(),
            &mut out,
        );
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000];
        assert_eq!(percentile(&v, 0.5), Some(5.0));
        assert_eq!(percentile(&v, 0.9), Some(9.0));
        assert_eq!(percentile(&[4000], 0.9), Some(4.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let s = Section {
            key: "knowledge",
            title: "Top",
            columns: vec![
                Column {
                    key: "id",
                    label: "Identifiant",
                },
                Column {
                    key: "title",
                    label: "Titre",
                },
                Column {
                    key: "answers",
                    label: "Réponses",
                },
            ],
            rows: vec![
                vec![
                    Cell::Text("a,b".into()),
                    Cell::Text("Il a dit \"oui\"\nensuite".into()),
                    Cell::Int(3),
                ],
                vec![
                    Cell::Text("=1+1".into()),
                    Cell::Num(None),
                    Cell::Num(Some(2.5)),
                ],
            ],
        };
        assert_eq!(
            csv(&s),
            "\u{feff}Identifiant,Titre,Réponses\r\n\"a,b\",\"Il a dit \"\"oui\"\"\nensuite\",3\r\n'=1+1,,2.5\r\n"
        );
    }

    /// Every instant of the period is counted in the bucket `of` gives it, through the
    /// spans the database counts: days and hours, summer time on and off, zones a half
    /// or three quarters of an hour off UTC.
    #[test]
    fn spans_put_every_instant_in_its_bucket() {
        let cases = [
            ("Europe/Paris", "2026-03-27", "2026-04-02"),
            ("Europe/Paris", "2026-10-25", "2026-10-25"),
            ("Europe/Paris", "2026-03-29", "2026-03-29"),
            ("America/New_York", "2026-10-30", "2026-11-03"),
            ("Asia/Kathmandu", "2026-01-01", "2026-01-03"),
            ("Australia/Lord_Howe", "2026-04-04", "2026-04-06"),
            ("Australia/Lord_Howe", "2026-04-05", "2026-04-05"),
            ("UTC", "2025-12-01", "2026-12-01"),
        ];
        for (zone, from, to) in cases {
            let tz = TimeZone::get(zone).unwrap();
            let (from, to): (Date, Date) = (from.parse().unwrap(), to.parse().unwrap());
            let start = |d: Date| d.to_zoned(tz.clone()).unwrap().timestamp().as_millisecond();
            let (lo, hi) = (start(from), start(to.tomorrow().unwrap()));
            let b = Buckets::new(tz.clone(), from, to);
            let (spans, owners) = b.spans(lo, hi);
            assert_eq!(spans.len(), owners.len());
            assert!(spans.windows(2).all(|w| w[0].to <= w[1].from), "{zone}");
            // Every 7 minutes (never on a slot) and every slot start.
            let step = if b.hourly { 60_000 } else { 7 * 60_000 };
            let mut t = lo;
            while t < hi {
                let span = spans.iter().position(|s| s.from <= t && t < s.to);
                assert_eq!(span.map(|i| owners[i]), b.of(t), "{zone} {t}");
                t += step;
            }
        }
    }

    #[test]
    fn a_day_is_cut_in_local_hours_summer_time_included() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let day: Date = "2026-03-29".parse().unwrap();
        let b = Buckets::new(tz.clone(), day, day);
        assert_eq!(b.len(), 24);
        // 01:30 UTC on the day clocks go forward is 03:30 in Paris.
        let ms = day
            .to_zoned(TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond()
            + 90 * 60_000;
        assert_eq!(b.labels[b.of(ms).unwrap()], "2026-03-29 03:00");
        let week = Buckets::new(tz, day, "2026-04-04".parse().unwrap());
        assert_eq!(week.len(), 7);
        assert_eq!(week.of(ms), Some(0));
    }
}
