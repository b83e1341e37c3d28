//! Liveness (`/healthz`: the process answers), readiness (`/readyz`: the store answers in time) and the
//! metrics (`/metrics`, OpenMetrics text, see `crate::metrics`).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::AppError;
use crate::http::AppState;

/// How long the readiness probe waits for the store.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// GET /healthz: 200 while the process runs.
pub async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// GET /readyz: 200 with the graph's size when the store answers, 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let store = state.graph.store();
    match tokio::time::timeout(PROBE_TIMEOUT, store.stats()).await {
        Ok(Ok(stats)) => {
            Json(json!({ "status": "ready", "backend": store.backend(), "nodes": stats.nodes, "edges": stats.edges })).into_response()
        }
        Ok(Err(err)) => {
            let err = AppError::from(err);
            tracing::warn!(error = %err, "readiness probe failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "backend": store.backend(), "error": err.public_message() })),
            )
                .into_response()
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "backend": store.backend(), "error": "store did not answer in time" })),
        )
            .into_response(),
    }
}

/// GET /metrics: every metric in the OpenMetrics text format (Prometheus scrapes it as is).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let metrics = crate::metrics::metrics();
    if let Ok(Ok(Some(version))) = tokio::time::timeout(PROBE_TIMEOUT, state.graph.data_version()).await {
        metrics.data_version.set(i64::try_from(version).unwrap_or(i64::MAX));
    }
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    ([(axum::http::header::CONTENT_TYPE, content_type), (axum::http::header::CACHE_CONTROL, "no-store")], metrics.render()).into_response()
}

/// Counts every HTTP answer by route pattern and status.
pub async fn count_requests(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let route =
        request.extensions().get::<axum::extract::MatchedPath>().map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let labels = crate::metrics::HttpLabels { route, status: response.status().as_u16() };
    crate::metrics::metrics().http_requests.get_or_create(&labels).inc();
    response
}
