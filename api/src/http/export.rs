//! `GET /export/{format}?focus=ID&depth=N&asOf=DATE&limit=N&kinds=K,…&edgeTypes=T,…`: a node's
//! neighbourhood as a download, in
//! the formats of `partnergraph export` (`json`, `csv`, `graphml`, `gexf`). The CSV sheets are two
//! files, so `csv` also takes `sheet=elements|connections` and answers one of them.
//!
//! The neighbourhood is the one GraphQL's `neighborhood` answers (same bounds: depth ≤ 6, at most
//! `limit` nodes, 500 by default, 5000 at most), read through the graph; `X-Partnergraph-Truncated`
//! says whether the limit cut it. Bad input gets a typed JSON error and the status of its code.
//! The text is streamed: written on the blocking pool in chunks as the client reads them, never whole.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use partnergraph_schema::{EdgeRecord, NodeId, NodeRecord, PartialDate};
use serde::Deserialize;

use crate::error::{AppError, Code};
use crate::graph::{Graph, GraphError, NeighborhoodQuery};
use crate::http::{AppState, error_response};
use crate::io::sheets::SheetsWriter;
use crate::io::xml::{GexfWriter, GraphmlWriter};
use crate::io::{ExportFormat, GraphWriter, JsonLinesWriter, write_records};
use crate::store::Direction;

/// Depth when the query gives none, as in GraphQL's `neighborhood`.
const DEFAULT_DEPTH: i64 = 1;
/// Node limit when the query gives none, as in GraphQL's `neighborhood`.
const DEFAULT_LIMIT: i64 = 500;

/// The query string; every value is read as text so a bad one gets a typed error naming it.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    focus: Option<String>,
    depth: Option<String>,
    #[serde(rename = "asOf")]
    as_of: Option<String>,
    limit: Option<String>,
    kinds: Option<String>,
    #[serde(rename = "edgeTypes")]
    edge_types: Option<String>,
    direction: Option<String>,
    sheet: Option<String>,
}

/// `direction` as GraphQL spells it (`BOTH`, `OUT`, `IN`, any case); either way when absent.
fn direction(text: Option<&str>) -> Result<Direction, AppError> {
    match text.map(str::to_ascii_uppercase).as_deref() {
        None | Some("BOTH") => Ok(Direction::Both),
        Some("OUT") => Ok(Direction::Out),
        Some("IN") => Ok(Direction::In),
        Some(_) => Err(AppError::BadInput("`direction` is one of BOTH, OUT, IN".into())),
    }
}

/// Which CSV sheet to answer.
#[derive(Debug, Clone, Copy)]
enum Sheet {
    Elements,
    Connections,
}

/// GET /export/{format}: the neighbourhood of `focus` as a file.
pub async fn export(
    State(state): State<AppState>,
    Path(format): Path<String>,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    match answer(&state, &format, params).await {
        Ok(response) => response,
        Err(err) => {
            if err.code() == Code::Internal {
                tracing::error!(error = %err, "export failed");
            }
            error_response(err.code(), &err.public_message())
        }
    }
}

async fn answer(state: &AppState, format: &str, params: Result<Query<ExportParams>, QueryRejection>) -> Result<Response, AppError> {
    let Some(format) = ExportFormat::parse(format) else {
        let known = ExportFormat::ALL.map(ExportFormat::as_str).join(", ");
        return Ok(error_response(Code::NotFound, &format!("no export format `{format}` (there are: {known})")));
    };
    let Query(params) = params.map_err(|err| AppError::BadInput(format!("bad query string: {}", err.body_text())))?;
    let sheet = match (format, params.sheet.as_deref()) {
        (ExportFormat::Csv, Some("elements")) => Some(Sheet::Elements),
        (ExportFormat::Csv, Some("connections")) => Some(Sheet::Connections),
        (ExportFormat::Csv, _) => {
            return Err(AppError::BadInput("csv is two sheets: ask for `sheet=elements` or `sheet=connections`".into()));
        }
        (_, Some(_)) => return Err(AppError::BadInput("`sheet` is for the csv format only".into())),
        (_, None) => None,
    };
    let focus = NodeId::parse(params.focus.ok_or_else(|| AppError::BadInput("`focus` (a node id) is required".into()))?)?;
    let query = NeighborhoodQuery {
        depth: number("depth", params.depth.as_deref())?.unwrap_or(DEFAULT_DEPTH),
        as_of: params
            .as_of
            .as_deref()
            .map(str::parse::<PartialDate>)
            .transpose()
            .map_err(|err| AppError::BadInput(format!("`asOf`: {err}")))?,
        limit: number("limit", params.limit.as_deref())?.unwrap_or(DEFAULT_LIMIT),
        kinds: list("kinds", params.kinds.as_deref())?,
        edge_types: list("edgeTypes", params.edge_types.as_deref())?,
        direction: direction(params.direction.as_deref())?,
    };
    let timeout = state.config.request_timeout;
    let read = async {
        // One snapshot: the edges' records are those of the state the walk saw.
        let graph = Graph::snapshot(&state.store).await?;
        let subgraph = graph.neighborhood(&focus, &query).await?;
        let ids: Vec<_> = subgraph.edges.iter().map(|edge| edge.id.clone()).collect();
        let edges: Vec<EdgeRecord> = graph.edges(&ids).await?.into_iter().flatten().collect();
        Ok::<_, GraphError>((subgraph, edges))
    };
    let (subgraph, edges) = tokio::time::timeout(timeout, read).await.map_err(|_| AppError::Timeout(timeout.as_secs()))??;
    let body = stream(format, sheet, subgraph.nodes, edges);
    let name = file_name(&focus, query.depth, format, sheet);
    // The name is ASCII letters, digits, dashes and dots only (`file_name`): always a valid header value.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or(HeaderValue::from_static("attachment"));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(format.content_type())),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (
            header::HeaderName::from_static("x-partnergraph-truncated"),
            HeaderValue::from_static(if subgraph.truncated { "true" } else { "false" }),
        ),
    ];
    Ok((headers, body).into_response())
}

/// The records written in `format` as a streamed body: a blocking task writes them chunk by chunk into
/// a small channel, so at most a few chunks of text wait for the client; it stops when the client goes.
fn stream(format: ExportFormat, sheet: Option<Sheet>, nodes: Vec<NodeRecord>, edges: Vec<EdgeRecord>) -> Body {
    let (sender, receiver) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkSender { sender: sender.clone(), chunk: Vec::with_capacity(CHUNK_BYTES) };
        let written = writer(format, sheet, &mut out).and_then(|mut writer| write_records(&nodes, &edges, writer.as_mut()));
        if let Err(err) = written.and_then(|()| out.flush())
            && err.kind() != std::io::ErrorKind::BrokenPipe
        {
            tracing::error!(error = %err, "export: writing the download failed");
            let _ = sender.blocking_send(Err(err));
        }
    });
    Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver))
}

/// Bytes per chunk of a streamed download.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks written ahead of the client.
const CHUNKS_IN_FLIGHT: usize = 4;

/// A writer that hands full chunks to the response body; `BrokenPipe` once the client has gone.
struct ChunkSender {
    sender: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    chunk: Vec<u8>,
}

impl Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.chunk.extend_from_slice(data);
        if self.chunk.len() >= CHUNK_BYTES {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK_BYTES)));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

fn writer<'a>(format: ExportFormat, sheet: Option<Sheet>, out: &'a mut ChunkSender) -> std::io::Result<Box<dyn GraphWriter + 'a>> {
    Ok(match (format, sheet) {
        (ExportFormat::Json, _) => Box::new(JsonLinesWriter::new(out)),
        (ExportFormat::Graphml, _) => Box::new(GraphmlWriter::start(out)?),
        (ExportFormat::Gexf, _) => Box::new(GexfWriter::start(out)?),
        (ExportFormat::Csv, Some(Sheet::Connections)) => Box::new(SheetsWriter::start(None, Some(out))?),
        (ExportFormat::Csv, _) => Box::new(SheetsWriter::start(Some(out), None)?),
    })
}

/// A whole number from the query string, naming the parameter when it is not one.
fn number(name: &str, value: Option<&str>) -> Result<Option<i64>, AppError> {
    value
        .map(|value| {
            value.trim().parse::<i64>().map_err(|_| AppError::BadInput(format!("`{name}` must be a whole number (got `{value}`)")))
        })
        .transpose()
}

/// A comma-separated list of enum values (`AGENCY,COUNTRY`), naming the parameter when one is unknown.
fn list<T: std::str::FromStr>(name: &str, value: Option<&str>) -> Result<Vec<T>, AppError>
where
    T::Err: std::fmt::Display,
{
    let items = value.into_iter().flat_map(|value| value.split(',')).map(str::trim).filter(|item| !item.is_empty());
    items.map(|item| item.parse::<T>().map_err(|err| AppError::BadInput(format!("`{name}`: {err}")))).collect()
}

/// `partnergraph-agency-undp-depth1.gexf`: the focus's id in letters, digits and dashes only.
fn file_name(focus: &NodeId, depth: i64, format: ExportFormat, sheet: Option<Sheet>) -> String {
    let slug: String = focus.as_str().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let part = match sheet {
        Some(Sheet::Elements) => "-elements",
        Some(Sheet::Connections) => "-connections",
        None => "",
    };
    format!("partnergraph-{slug}-depth{depth}{part}.{}", format.extension())
}
