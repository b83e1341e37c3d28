//! The statements the Bolt store sends, each timed: a [`Statement`] is a `neo4rs::Query` with the first
//! words of its text, and every statement run or read through this module logs, at debug level under
//! `partnergraph::store::bolt`, how long it took until its last row, with its rows and the first words of
//! its text (`PARTNERGRAPH_LOG=partnergraph::store::bolt=debug`). That says which statements a slow
//! import or request waits on.

use std::time::Instant;

use neo4rs::{BoltType, Query, Row, Txn};

use crate::store::StoreError;
use crate::store::bolt::driver_error;

/// Characters of a statement's text kept for its timing line.
const LABEL_CHARS: usize = 72;

/// A Cypher statement with its parameters.
pub(crate) struct Statement {
    pub(crate) query: Query,
    /// The first words of its text.
    pub(crate) label: String,
}

/// The statement `text`, without parameters yet (the crate's stand-in for `neo4rs::query`).
pub(crate) fn query(text: &str) -> Statement {
    Statement { query: neo4rs::query(text), label: text.chars().take(LABEL_CHARS).collect() }
}

impl Statement {
    /// The statement with the parameter `key` set to `value`.
    pub(crate) fn param<T: Into<BoltType>>(self, key: &str, value: T) -> Statement {
        Statement { query: self.query.param(key, value), label: self.label }
    }
}

/// Logs the timing of one statement.
pub(crate) fn log(label: &str, started: Instant, rows: usize) {
    tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, rows, statement = label, "bolt statement");
}

/// Runs `statement` in `txn`, discarding its rows.
pub(crate) async fn run(txn: &mut Txn, statement: Statement) -> Result<(), StoreError> {
    let started = Instant::now();
    txn.run(statement.query).await.map_err(driver_error)?;
    log(&statement.label, started, 0);
    Ok(())
}

/// Runs `statement` in `txn` and collects its rows.
pub(crate) async fn txn_rows(txn: &mut Txn, statement: Statement) -> Result<Vec<Row>, StoreError> {
    let started = Instant::now();
    let mut stream = txn.execute(statement.query).await.map_err(driver_error)?;
    let mut rows = Vec::new();
    while let Some(row) = stream.next(txn.handle()).await.map_err(driver_error)? {
        rows.push(row);
    }
    log(&statement.label, started, rows.len());
    Ok(rows)
}
