//! Where GraphQL requests run: a runtime of their own, a gate on how many run at once, a deadline that
//! cancels their reads, and a bound on the size of their answers.
//!
//! The server's own runtime accepts connections, reads requests, parses and measures documents
//! (`gql::check_shape`) and sends answers. Everything whose CPU grows with what a query asks for —
//! validation, execution, putting fields in order, serialising — runs on the query runtime, so that
//! `/healthz`, the embeds and new connections keep their threads whatever the queries do.
//! A request waits for the gate at most until its deadline (then `OVERLOADED`); past the deadline its
//! task is aborted and its token cancelled, so reads it had queued do not start (`store::cancel`).

use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError};
use axum::body::Bytes;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::error::type_errors;
use crate::gql::{ApiSchema, Plans, on_graph};
use crate::graph::Graph;
use crate::http::nulls::null_failed_fields;
use crate::http::order::order_response;
use crate::store::cancel::Cancel;
use crate::store::inline;

/// How GraphQL requests run.
#[derive(Debug, Clone, Copy)]
pub struct QueryConfig {
    /// Worker threads of the query runtime.
    pub threads: usize,
    /// Threads for the store's blocking reads on the query runtime.
    pub blocking_threads: usize,
    /// Requests executing at once; more wait, until their deadline.
    pub max_concurrent: usize,
    /// Largest answer, in bytes of JSON.
    pub max_answer_bytes: usize,
}

impl Default for QueryConfig {
    fn default() -> QueryConfig {
        let cores = std::thread::available_parallelism().map_or(2, |count| count.get());
        QueryConfig { threads: cores, blocking_threads: 8, max_concurrent: 16, max_answer_bytes: 8 << 20 }
    }
}

/// What a request came to.
#[derive(Debug)]
pub enum Outcome {
    /// The request failed before execution (validation, variables, unknown operation): no `data`.
    RequestErrors(Vec<ServerError>),
    /// The serialised answer, and whether it holds errors.
    Answer {
        /// The JSON body.
        body: Bytes,
        /// Whether `errors` is not empty.
        has_errors: bool,
    },
}

/// Why a request did not come to an [`Outcome`].
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Too many requests were running for this one to start before its deadline.
    #[error("the server is busy: too many queries are running; retry shortly")]
    Overloaded,
    /// The request ran out of time.
    #[error("the request took longer than {} s", .0.as_secs())]
    Timeout(Duration),
    /// The answer grew past the limit.
    #[error("the answer is larger than {} MiB; ask for fewer fields, a smaller `first` or `limit`, or fewer ids", .0 >> 20)]
    TooLarge(usize),
    /// The request's task failed (a bug; logged).
    #[error("internal error")]
    Internal,
}

/// Runs GraphQL requests on the query runtime.
#[derive(Clone)]
pub struct QueryRunner {
    schema: ApiSchema,
    plans: Arc<Plans>,
    runtime: Arc<OwnedRuntime>,
    gate: Arc<Semaphore>,
    max_answer_bytes: usize,
}

impl std::fmt::Debug for QueryRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryRunner").field("available", &self.gate.available_permits()).finish_non_exhaustive()
    }
}

impl QueryRunner {
    /// A runner of `schema` with its own runtime.
    pub fn new(schema: ApiSchema, config: QueryConfig) -> io::Result<QueryRunner> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.threads.max(1))
            // One thread per request running (the gate bounds them), and as many again for reads handed
            // off by tasks that a request spawns (the degree loader), so those never wait for a thread.
            .max_blocking_threads(config.max_concurrent.max(1) + config.blocking_threads.max(1))
            .thread_name("pg-query")
            .enable_all()
            .build()?;
        Ok(QueryRunner {
            schema,
            plans: Arc::default(),
            runtime: Arc::new(OwnedRuntime(Some(runtime))),
            gate: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            max_answer_bytes: config.max_answer_bytes,
        })
    }

    /// The schema it runs.
    pub fn schema(&self) -> &ApiSchema {
        &self.schema
    }

    /// Validates and executes `request` (whose parsed `document` it carries) within `budget`, then puts
    /// the answer's fields in query order and serialises it.
    pub async fn run(&self, request: Request, graph: Graph, document: ExecutableDocument, budget: Duration) -> Result<Outcome, RunError> {
        let deadline = Instant::now() + budget;
        let Ok(Ok(permit)) = tokio::time::timeout_at(deadline.into(), self.gate.clone().acquire_owned()).await else {
            return Err(RunError::Overloaded);
        };
        let cancel = Cancel::new(deadline);
        // Cancels the reads also when this future is dropped (the client went away).
        let _cancel_on_drop = CancelOnDrop(cancel.clone());
        let max_bytes = self.max_answer_bytes;
        let Some(runtime) = &self.runtime.0 else {
            return Err(RunError::Internal);
        };
        let (schema, plans) = (self.schema.clone(), self.plans.clone());
        let work = cancel.scope(
            async move {
                // A compiled plan answers what it covers, straight from the snapshot (`gql::compiled`).
                if let Some(outcome) = compiled(&plans, &request, &graph, &document, max_bytes).await {
                    return outcome;
                }
                general(&schema, request, graph, &document, max_bytes).await
            }
            .instrument(tracing::Span::current()),
        );
        // The whole request runs on one thread of the blocking pool, which reads the store itself
        // (`store::inline`): no hand-off per read. Past the deadline its next read fails (the token), so
        // the thread is soon free; the permit is held until then, so the gate still counts it.
        let handle = runtime.handle().clone();
        let task = runtime.spawn_blocking(move || {
            let _permit = permit;
            inline::run(|| handle.block_on(work))
        });
        let abort = task.abort_handle();
        match tokio::time::timeout_at(deadline.into(), task).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(err)) => {
                tracing::error!(error = %err, "a GraphQL task failed");
                Err(RunError::Internal)
            }
            Err(_) => {
                abort.abort();
                Err(RunError::Timeout(budget))
            }
        }
    }
}

/// The answer of the compiled plan of `request`'s operation, if it has one that answers it.
async fn compiled(
    plans: &Plans,
    request: &Request,
    graph: &Graph,
    document: &ExecutableDocument,
    max_bytes: usize,
) -> Option<Result<Outcome, RunError>> {
    let plan = plans.get(&request.query, request.operation_name.as_deref(), document)?;
    let body = plan.execute(&request.variables, graph).await?;
    if body.len() > max_bytes {
        return Some(Err(RunError::TooLarge(max_bytes)));
    }
    Some(Ok(Outcome::Answer { body: Bytes::from(body), has_errors: false }))
}

/// The answer of async-graphql's executor, with the fields in query order and failed fields as `null`.
async fn general(
    schema: &ApiSchema,
    request: Request,
    graph: Graph,
    document: &ExecutableDocument,
    max_bytes: usize,
) -> Result<Outcome, RunError> {
    let operation_name = request.operation_name.clone();
    let mut response = schema.execute(on_graph(request, graph)).await;
    type_errors(&mut response.errors);
    if is_request_error(&response) {
        return Ok(Outcome::RequestErrors(response.errors));
    }
    order_response(document, operation_name.as_deref(), &mut response.data);
    null_failed_fields(document, operation_name.as_deref(), &mut response);
    let mut out = BoundedWriter { bytes: Vec::with_capacity(16 * 1024), max: max_bytes };
    serde_json::to_writer(&mut out, &response).map_err(|_| RunError::TooLarge(max_bytes))?;
    Ok(Outcome::Answer { body: Bytes::from(out.bytes), has_errors: !response.errors.is_empty() })
}

/// A response with no data whose errors all lack a path failed before execution (validation,
/// variable coercion, limits, unknown operation).
fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null && !response.errors.is_empty() && response.errors.iter().all(|error| error.path.is_empty())
}

/// Cancels a token when dropped.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The query runtime, shut down without waiting when the last runner goes (a runtime may not be
/// dropped, waiting, inside another).
struct OwnedRuntime(Option<Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// A byte buffer that refuses to grow past `max`, so serialising stops as soon as an answer is too large.
struct BoundedWriter {
    bytes: Vec<u8>,
    max: usize,
}

impl Write for BoundedWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.bytes.len().saturating_add(data.len()) > self.max {
            return Err(io::Error::other("answer too large"));
        }
        self.bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
