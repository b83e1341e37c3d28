//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers in time).

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
