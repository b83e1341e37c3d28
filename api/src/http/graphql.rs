//! The `/graphql` endpoint, following the GraphQL-over-HTTP specification.
//!
//! - GET takes `query`, `variables`, `operationName` and `extensions` from the query string and runs
//!   queries only (a mutation over GET answers 405).
//! - POST takes a JSON body (`Content-Type: application/json`; anything else answers 415).
//! - The answer's media type is negotiated from `Accept` (see `negotiate`). Requests that are not
//!   well-formed answer 400. Parse and validation errors answer 400 without `data` for
//!   `application/graphql-response+json`, and 200 for `application/json`. Execution errors answer 200
//!   with `data` and typed `errors[].extensions.code`.
//! - Every request has a time budget; past it the answer is a TIMEOUT error (504).
//! - Complete answers are kept in the response cache (`cache.rs`) when it is on; `X-Cache: hit` or
//!   `miss` says which.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, TypeKind, TypeSystemDefinition};
use async_graphql::{Request, ServerError, Variables};
use axum::body::{Body, to_bytes};
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::{AppError, Code};
use crate::gql::check_shape;
use crate::graph::Graph;
use crate::http::cache::{Answer, CacheKey};
use crate::http::live;
use crate::http::negotiate::{MediaType, accepts_gzip, negotiate};
use crate::http::persisted::{GET_CACHE_CONTROL, entity_tag, matches};
use crate::http::queries::{Outcome, RunError};
use crate::http::writes::ClientAddr;
use crate::http::{AppState, error_response, json_error};
use crate::metrics::{GraphqlLabels, OperationLabels};
use crate::store::GraphRead;

/// The parameters of a GraphQL request, before checking.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    operation_name: Option<String>,
    extensions: Option<String>,
}

/// A request that is not a well-formed GraphQL-over-HTTP request.
fn bad_request(message: &str) -> Response {
    error_response(Code::BadUserInput, message)
}

/// GET /graphql.
pub async fn get(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let (parts, _) = request.into_parts();
    if live::is_upgrade(&parts.headers) {
        return live::upgrade(&state, parts).await;
    }
    let (headers, uri) = (parts.headers, parts.uri);
    // GET never writes: a mutation is refused before its token would be looked at.
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let params = match Query::<GetParams>::try_from_uri(&uri) {
        Ok(Query(params)) => params,
        Err(err) => return bad_request(&format!("malformed query string: {err}")),
    };
    let query = params.query.filter(|query| !query.trim().is_empty());
    let variables = match parse_object("variables", params.variables) {
        Ok(variables) => variables,
        Err(message) => return bad_request(&message),
    };
    let extensions = match parse_object("extensions", params.extensions) {
        Ok(extensions) => extensions,
        Err(message) => return bad_request(&message),
    };
    let asked = Asked { query, variables, operation_name: params.operation_name, extensions, is_get: true, client: None };
    run(&state, &headers, media, asked).await
}

/// Parses a JSON-object query parameter; absent, empty and `null` mean none.
fn parse_object(name: &str, text: Option<String>) -> Result<Option<Map<String, Value>>, String> {
    match text.filter(|text| !text.is_empty()).map(|text| serde_json::from_str::<Value>(&text)) {
        None | Some(Ok(Value::Null)) => Ok(None),
        Some(Ok(Value::Object(object))) => Ok(Some(object)),
        Some(_) => Err(format!("`{name}` must be a JSON object")),
    }
}

/// POST /graphql.
pub async fn post(State(state): State<AppState>, client: Option<Extension<ClientAddr>>, headers: HeaderMap, body: Body) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence != "application/json" {
        let message = "POST /graphql needs `Content-Type: application/json`";
        return json_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "application/json", Code::BadUserInput, message);
    }
    // Read up to the limit, within the body timeout: a body that stops arriving is not waited for, and one
    // over the limit is refused once the limit is read (refusing it from its Content-Length alone, before
    // reading, made HTTP clients that were still sending see a reset instead of the 413).
    let limit = state.config.body_limit;
    let bytes = match tokio::time::timeout(state.config.body_read_timeout, to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return too_large(&format!("request body larger than {limit} bytes")),
        Err(_) => {
            let message = format!("the request body did not arrive within {} s", state.config.body_read_timeout.as_secs());
            let mut response = json_error(StatusCode::REQUEST_TIMEOUT, "application/json", Code::BadUserInput, &message);
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };
    let body: Value = match serde_json::from_slice(&bytes) {
        Ok(body) => body,
        Err(err) => return bad_request(&format!("request body is not JSON: {err}")),
    };
    let Value::Object(mut body) = body else {
        return bad_request("request body must be a JSON object");
    };
    let query = match body.remove("query") {
        Some(Value::String(query)) if !query.trim().is_empty() => Some(query),
        Some(Value::String(_)) | None | Some(Value::Null) => None,
        Some(_) => return bad_request("`query` must be a string"),
    };
    let variables = match body.remove("variables") {
        None | Some(Value::Null) => None,
        Some(Value::Object(variables)) => Some(variables),
        Some(_) => return bad_request("`variables` must be a JSON object"),
    };
    let operation_name = match body.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return bad_request("`operationName` must be a string"),
    };
    let extensions = match body.remove("extensions") {
        None | Some(Value::Null) => None,
        Some(Value::Object(extensions)) => Some(extensions),
        Some(_) => return bad_request("`extensions` must be a JSON object"),
    };
    let client = client.map(|Extension(client)| client);
    run(&state, &headers, media, Asked { query, variables, operation_name, extensions, is_get: false, client }).await
}

fn not_acceptable() -> Response {
    let message = "Accept must allow application/graphql-response+json or application/json";
    json_error(StatusCode::NOT_ACCEPTABLE, "application/json", Code::BadUserInput, message)
}

fn too_large(message: &str) -> Response {
    json_error(StatusCode::PAYLOAD_TOO_LARGE, "application/json", Code::BadUserInput, message)
}

/// A well-formed GraphQL-over-HTTP request, before it is parsed.
struct Asked {
    /// Absent when a persisted query's hash stands for it.
    query: Option<String>,
    variables: Option<Map<String, Value>>,
    operation_name: Option<String>,
    extensions: Option<Map<String, Value>>,
    is_get: bool,
    /// The connection's address (POST only: what the write limits count by).
    client: Option<ClientAddr>,
}

/// Answers `asked` and counts it in the metrics.
async fn run(state: &AppState, headers: &HeaderMap, media: MediaType, asked: Asked) -> Response {
    let started = std::time::Instant::now();
    let mut seen = Observation { operation: "other".to_owned(), outcome: "invalid" };
    let response = answer_query(state, headers, media, asked, &mut seen).await;
    let metrics = crate::metrics::metrics();
    metrics.graphql_requests.get_or_create(&GraphqlLabels { operation: seen.operation.clone(), outcome: seen.outcome }).inc();
    metrics.graphql_seconds.get_or_create(&OperationLabels { operation: seen.operation }).observe(started.elapsed().as_secs_f64());
    response
}

/// What the metrics say of a request: its operation and how it ended.
struct Observation {
    operation: String,
    outcome: &'static str,
}

/// Parses, measures, checks the operation type, executes within the time budget, and shapes the answer.
async fn answer_query(state: &AppState, headers: &HeaderMap, media: MediaType, asked: Asked, seen: &mut Observation) -> Response {
    let Asked { query, variables, operation_name, extensions, is_get, client } = asked;
    let gzip = accepts_gzip(headers);
    let query = match state.persisted.resolve(query, extensions.as_ref()) {
        Ok(Some(query)) => query,
        Ok(None) => return bad_request("missing `query` (the IDE is at /graphiql)"),
        Err(err) => return request_error(media, vec![ServerError::new(err.to_string(), None)], err.code()),
    };
    if query.len() > state.config.max_query_bytes {
        return too_large(&format!("query longer than {} bytes", state.config.max_query_bytes));
    }
    let document = match async_graphql::parser::parse_query(&query) {
        Ok(document) => document,
        Err(err) => {
            let error = ServerError::new(err.to_string(), err.positions().next());
            return request_error(media, vec![error], "GRAPHQL_PARSE_FAILED");
        }
    };
    seen.operation = operation_label(&document, operation_name.as_deref());
    if let Err(err) = check_shape(&document, operation_name.as_deref(), variables.as_ref(), state.config.shape) {
        seen.outcome = "too_complex";
        return request_error(media, vec![ServerError::new(err.to_string(), None)], Code::QueryTooComplex.as_str());
    }
    if is_get && selects_mutation(&document.operations, operation_name.as_deref()) {
        let message = "mutations are not allowed over GET";
        let mut response = json_error(StatusCode::METHOD_NOT_ALLOWED, media.content_type(), Code::BadUserInput, message);
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if selects_mutation(&document.operations, operation_name.as_deref()) {
        let writer = match state.writes.admit(&state.store, headers, client, media.content_type()).await {
            Ok(writer) => writer,
            Err(refused) => {
                seen.outcome = "refused";
                return refused;
            }
        };
        // A mutation reads the latest state after its writes: no snapshot, no cache, no entity tag.
        let graph = Graph::new(Arc::clone(&state.store) as Arc<dyn GraphRead>);
        let request = new_request(query, variables, operation_name, &document).data(writer);
        return executed(state, media, request, graph, document, seen).await;
    }
    // One snapshot per request: its data version is the entity tag's and the cache key's, and the answer
    // is read from it.
    let graph = match Graph::snapshot(&state.store).await {
        Ok(graph) => graph,
        Err(err) => {
            seen.outcome = "internal";
            let err = AppError::from(err);
            return json_error(err.code().http_status(), media.content_type(), err.code(), &err.public_message());
        }
    };
    let version = graph.data_version().await.ok().flatten();
    let tag = version.filter(|_| is_get).map(|version| entity_tag(version, &query, operation_name.as_deref(), variables.as_ref()));
    if let Some(tag) = tag.as_ref().filter(|tag| matches(headers, tag)) {
        seen.outcome = "not_modified";
        return not_modified(tag.clone());
    }
    let cache = match (&state.cache, version) {
        (Some(cache), Some(version)) => {
            CacheKey::new(version, &query, operation_name.as_deref(), variables.as_ref()).map(|key| (cache, key))
        }
        _ => None,
    };
    if let Some(kept) = cache.as_ref().and_then(|(cache, key)| cache.get(key, gzip)) {
        seen.outcome = "cached";
        return cacheable(answer(media, kept, gzip, CACHE_HIT), tag);
    }
    let request = new_request(query, variables, operation_name, &document);
    let (body, has_errors) = match execute(state, media, request, graph, document, seen).await {
        Ok(answer) => answer,
        Err(refused) => return *refused,
    };
    let tag = tag.filter(|_| !has_errors);
    let Some((cache, key)) = cache else {
        return cacheable((StatusCode::OK, [(header::CONTENT_TYPE, media.content_type())], body).into_response(), tag);
    };
    if has_errors {
        // Never kept, so no gzip form is made for it: the compression layer compresses it as it goes.
        return answer(media, Answer::new(body, false), gzip, CACHE_MISS);
    }
    let made = Answer::new(body, gzip);
    cache.insert(key, made.clone());
    cacheable(answer(media, made, gzip, CACHE_MISS), tag)
}

/// The request to execute: its text, variables, operation and parsed document.
fn new_request(
    query: String,
    variables: Option<Map<String, Value>>,
    operation_name: Option<String>,
    document: &ExecutableDocument,
) -> Request {
    let mut request = Request::new(query);
    if let Some(variables) = variables {
        request = request.variables(Variables::from_json(Value::Object(variables)));
    }
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    request.set_parsed_query(document.clone());
    request
}

/// Runs `request` on `graph` within the time budget: the answer's body and whether it holds errors, or the
/// answer to a request that did not come to one.
async fn execute(
    state: &AppState,
    media: MediaType,
    request: Request,
    graph: Graph,
    document: ExecutableDocument,
    seen: &mut Observation,
) -> Result<(axum::body::Bytes, bool), Box<Response>> {
    match state.queries.run(request, graph, document, state.config.request_timeout).await {
        Ok(Outcome::Answer { body, has_errors }) => {
            seen.outcome = if has_errors { "errors" } else { "ok" };
            Ok((body, has_errors))
        }
        Ok(Outcome::RequestErrors(errors)) => Err(Box::new(request_error(media, errors, "GRAPHQL_VALIDATION_FAILED"))),
        Err(err) => {
            seen.outcome = match err {
                RunError::Overloaded => "overloaded",
                RunError::Timeout(_) => "timeout",
                RunError::TooLarge(_) => "too_large",
                RunError::Internal => "internal",
            };
            Err(Box::new(run_error(media, &err)))
        }
    }
}

/// The answer of a request executed on `graph`, never cached.
async fn executed(
    state: &AppState,
    media: MediaType,
    request: Request,
    graph: Graph,
    document: ExecutableDocument,
    seen: &mut Observation,
) -> Response {
    match execute(state, media, request, graph, document, seen).await {
        Ok((body, _)) => (StatusCode::OK, [(header::CONTENT_TYPE, media.content_type())], body).into_response(),
        Err(refused) => *refused,
    }
}

/// A GET answer without errors, made cacheable by its entity tag (`persisted.rs`).
fn cacheable(mut response: Response, tag: Option<HeaderValue>) -> Response {
    if let Some(tag) = tag {
        let headers = response.headers_mut();
        headers.insert(header::ETAG, tag);
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(GET_CACHE_CONTROL));
        headers.insert(header::VARY, HeaderValue::from_static("accept, accept-encoding"));
    }
    response
}

/// `304 Not Modified` for a request whose `If-None-Match` names the current tag.
fn not_modified(tag: HeaderValue) -> Response {
    let headers = [
        (header::ETAG, tag),
        (header::CACHE_CONTROL, HeaderValue::from_static(GET_CACHE_CONTROL)),
        (header::VARY, HeaderValue::from_static("accept, accept-encoding")),
    ];
    (StatusCode::NOT_MODIFIED, headers).into_response()
}

/// The answer to a request that did not run to its end.
fn run_error(media: MediaType, err: &RunError) -> Response {
    let code = match err {
        RunError::Overloaded => Code::Overloaded,
        RunError::Timeout(_) => Code::Timeout,
        RunError::TooLarge(_) => {
            return request_error(media, vec![ServerError::new(err.to_string(), None)], Code::ResponseTooLarge.as_str());
        }
        RunError::Internal => Code::Internal,
    };
    let mut response = json_error(code.http_status(), media.content_type(), code, &err.to_string());
    if code == Code::Overloaded {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

/// `X-Cache` when the answer came from the response cache.
const CACHE_HIT: HeaderValue = HeaderValue::from_static("hit");
/// `X-Cache` when the answer was executed, with the cache on.
const CACHE_MISS: HeaderValue = HeaderValue::from_static("miss");

/// A 200 answer, gzipped when the client accepts it and the answer has a gzip form (the compression
/// layer leaves an encoded body alone), with `X-Cache`.
fn answer(media: MediaType, answer: Answer, gzip: bool, cache: HeaderValue) -> Response {
    let encoded = answer.gzip.filter(|_| gzip);
    let compressed = encoded.is_some();
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, media.content_type())], encoded.unwrap_or(answer.json)).into_response();
    let headers = response.headers_mut();
    headers.insert(HeaderName::from_static("x-cache"), cache);
    if compressed {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// The first root field of the operation that would run, if the schema has it (a closed set, so a metric
/// label), else `other`.
fn operation_label(document: &ExecutableDocument, name: Option<&str>) -> String {
    static ROOT_FIELDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
        let Ok(document) = async_graphql::parser::parse_schema(crate::gql::sdl()) else {
            return HashSet::new();
        };
        document
            .definitions
            .iter()
            .filter_map(|definition| match definition {
                TypeSystemDefinition::Type(ty) if ty.node.name.node == "Query" => match &ty.node.kind {
                    TypeKind::Object(object) => {
                        Some(object.fields.iter().map(|field| field.node.name.node.to_string()).collect::<Vec<_>>())
                    }
                    _ => None,
                },
                _ => None,
            })
            .flatten()
            .collect()
    });
    let operation = match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.iter().find(|(op, _)| op.as_str() == name).map(|(_, op)| op),
        (DocumentOperations::Multiple(_), None) => None,
    };
    let first = operation.and_then(|operation| {
        operation.node.selection_set.node.items.iter().find_map(|item| match &item.node {
            Selection::Field(field) => Some(field.node.name.node.to_string()),
            _ => None,
        })
    });
    first.filter(|field| ROOT_FIELDS.contains(field)).unwrap_or_else(|| "other".to_owned())
}

/// Whether the operation that would run is a mutation.
fn selects_mutation(operations: &DocumentOperations, name: Option<&str>) -> bool {
    let ty = match (operations, name) {
        (DocumentOperations::Single(operation), _) => Some(operation.node.ty),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.iter().find(|(op_name, _)| op_name.as_str() == name).map(|(_, op)| op.node.ty)
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    ty == Some(OperationType::Mutation)
}

/// A parse or validation failure: 400 without `data` for graphql-response+json, 200 for json.
fn request_error(media: MediaType, errors: Vec<ServerError>, default_code: &str) -> Response {
    let errors: Vec<Value> = errors
        .into_iter()
        .map(|error| {
            let mut value = serde_json::to_value(&error).unwrap_or_else(|_| json!({ "message": "invalid request" }));
            if let Value::Object(object) = &mut value {
                let extensions = object.entry("extensions").or_insert_with(|| json!({}));
                if let Value::Object(extensions) = extensions {
                    extensions.entry("code").or_insert_with(|| Value::String(default_code.to_owned()));
                }
            }
            value
        })
        .collect();
    let status = match media {
        MediaType::GraphqlResponseJson => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    };
    (status, [(header::CONTENT_TYPE, media.content_type())], json!({ "errors": errors }).to_string()).into_response()
}
