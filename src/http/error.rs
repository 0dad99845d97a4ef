//! The one HTTP error type. Every failure becomes a JSON body
//! `{"error": code, "message": text, "fields"?: [...], "errors"?: [...]}` with the right
//! status; internal errors are logged with their cause and shown only as a generic message.

use crate::domain::{knowledge::ImportError, FieldError, Problem};
use crate::service::{ActionError, Refusal};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    Unauthorized(&'static str),
    Forbidden(&'static str),
    Invalid(Vec<FieldError>),
    InvalidImport(Vec<ImportError>),
    TooManyRequests,
    PayloadTooLarge(String),
    /// A refusal with a stable code and parameters, translated by the pages.
    Coded(StatusCode, Problem),
    Internal(String),
}

impl ApiError {
    /// `ApiError::coded(StatusCode::CONFLICT, "email_taken", "…").param("email", e)`.
    pub fn coded(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::Coded(status, Problem::new(code, message))
    }

    /// Adds a parameter to a coded error (no effect on the others).
    pub fn param(self, name: &str, value: impl Into<serde_json::Value>) -> ApiError {
        match self {
            ApiError::Coded(status, p) => ApiError::Coded(status, p.param(name, value)),
            other => other,
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<&'a serde_json::Map<String, serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a [FieldError]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [ImportError]>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m.to_string()),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.to_string()),
            ApiError::Invalid(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ApiError::InvalidImport(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_import",
                format!(
                    "the file was rejected, nothing was imported ({} problem(s))",
                    errors.len()
                ),
            ),
            ApiError::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "too many attempts, wait a minute and try again".into(),
            ),
            ApiError::PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                m.clone(),
            ),
            ApiError::Coded(status, p) => (*status, p.code, p.message.clone()),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error, see the server logs".into(),
                )
            }
        };
        let body = Body {
            error: code,
            message,
            params: match &self {
                ApiError::Coded(_, p) if !p.params.is_empty() => Some(&p.params),
                _ => None,
            },
            fields: match &self {
                ApiError::Invalid(f) => Some(f),
                _ => None,
            },
            errors: match &self {
                ApiError::InvalidImport(e) => Some(e),
                _ => None,
            },
        };
        (status, axum::Json(body)).into_response()
    }
}

impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::Invalid(f) => ApiError::Invalid(f),
            ActionError::InvalidImport(e) => ApiError::InvalidImport(e),
            ActionError::NotFound(what) => ApiError::coded(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found"),
            )
            .param("what", what),
            ActionError::Refused(kind, problem) => ApiError::Coded(
                match kind {
                    Refusal::BadRequest => StatusCode::BAD_REQUEST,
                    Refusal::NotFound => StatusCode::NOT_FOUND,
                    Refusal::Conflict => StatusCode::CONFLICT,
                    Refusal::Forbidden => StatusCode::FORBIDDEN,
                    Refusal::Gone => StatusCode::GONE,
                    Refusal::TooMany => StatusCode::TOO_MANY_REQUESTS,
                },
                problem,
            ),
            ActionError::Store(e) => ApiError::Internal(e.to_string()),
            ActionError::Internal(e) => ApiError::Internal(format!("{e:#}")),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ActionError::from(e).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                let detail = e.body_text().replace(
                    "Failed to deserialize the JSON body into the target type: ",
                    "",
                );
                ApiError::Invalid(vec![FieldError::new("body", detail.clone())
                    .code("body_invalid")
                    .param("detail", detail)])
            }
            JsonRejection::JsonSyntaxError(e) => {
                let detail = e
                    .body_text()
                    .replace("Failed to parse the request body as JSON: ", "");
                ApiError::coded(
                    StatusCode::BAD_REQUEST,
                    "json_malformed",
                    format!("malformed JSON: {detail}"),
                )
                .param("detail", detail)
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::coded(
                StatusCode::BAD_REQUEST,
                "json_expected",
                "expected a JSON body with `Content-Type: application/json`",
            ),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("the request body is too large".into())
            }
            other => ApiError::coded(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::coded(
            StatusCode::BAD_REQUEST,
            "query_invalid",
            format!("bad query string: {}", r.body_text()),
        )
        .param("detail", r.body_text())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
