//! Statistics (issue 14, item 2), for admins and supervisors: `GET /stats` (the headline
//! figures and one table per chart, as JSON) and `GET /stats/{section}.csv` (one table as
//! CSV), both for `bot` (a slug; none: all bots), `from` and `to` (days, `YYYY-MM-DD`, in
//! the helpdesk's time zone) and `lang` (`fr` or `en`: the tables' headers).

use super::error::{ApiError, ApiResult};
use super::extract::Supervisor;
use super::AppState;
use crate::service::statistics::{self, Report, StatsQuery};
use crate::service::Core;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use vigie_bot::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stats", get(report))
        .route("/stats/{file}", get(csv))
}

#[derive(Deserialize)]
struct Params {
    bot: Option<String>,
    from: String,
    to: String,
    lang: Option<String>,
}

impl Params {
    fn query(self) -> StatsQuery {
        StatsQuery {
            bot: self.bot.filter(|b| !b.trim().is_empty()),
            from: self.from,
            to: self.to,
            lang: self
                .lang
                .as_deref()
                .and_then(Lang::parse)
                .unwrap_or(Lang::Fr),
        }
    }
}

async fn report(
    State(core): State<Core>,
    _who: Supervisor,
    params: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Json<Report>> {
    let Query(p) = params?;
    Ok(Json(statistics::report(&core, &p.query()).await?))
}

/// `conversations.csv`, `questions.csv`…: the table behind one chart.
async fn csv(
    State(core): State<Core>,
    _who: Supervisor,
    Path(file): Path<String>,
    params: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(p) = params?;
    let unknown = || {
        ApiError::coded(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such statistics table",
        )
        .param("what", "statistics table")
    };
    let key = file.strip_suffix(".csv").ok_or_else(unknown)?;
    let report = statistics::report(&core, &p.query()).await?;
    let section = report
        .sections
        .iter()
        .find(|s| s.key == key)
        .ok_or_else(unknown)?;
    let name = format!(
        "attachment; filename=\"vigie-{}-{}-{}-{}.csv\"",
        report
            .bot
            .as_deref()
            .unwrap_or("all")
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
        section.key,
        report.from,
        report.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        statistics::csv(section),
    )
        .into_response())
}
