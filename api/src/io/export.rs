//! Exporting a graph: the formats ([`ExportFormat`]), the writer every format implements ([`GraphWriter`]),
//! and [`export_to`], which streams the whole store through a writer a page at a time.
//!
//! Every writer is handed all nodes before any edge, each in the order the caller chose (id order for a
//! whole store), and writes as it goes: nothing holds the whole graph as text.

use std::io::Write;

use partnergraph_schema::wire::Record;
use partnergraph_schema::{EdgeId, EdgeRecord, NodeId, NodeRecord};

use crate::io::IoError;
use crate::store::GraphStore;

/// Records read from the store per round trip while exporting.
const EXPORT_PAGE: usize = 1000;
/// The first line of a JSON Lines export.
pub const EXPORT_HEADER: &str = "// partnergraph dataset export (JSON Lines; format: schema/data/README.md)";

/// A format the graph can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The dataset format (JSON Lines), re-importable.
    Json,
    /// Two CSV sheets, elements and connections (Kumu convention), re-importable.
    Csv,
    /// GraphML with typed attribute keys.
    Graphml,
    /// GEXF 1.3 with typed attributes and `viz:position` from coordinates.
    Gexf,
}

impl ExportFormat {
    /// Every format, in the order the documentation lists them.
    pub const ALL: [ExportFormat; 4] = [ExportFormat::Json, ExportFormat::Csv, ExportFormat::Graphml, ExportFormat::Gexf];

    /// The name used on the command line and in `/export/{format}`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Graphml => "graphml",
            ExportFormat::Gexf => "gexf",
        }
    }

    /// The format called `name`, if any.
    pub fn parse(name: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|format| format.as_str() == name)
    }

    /// The media type of the exported text.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/x-ndjson; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8; header=present",
            ExportFormat::Graphml => "application/graphml+xml; charset=utf-8",
            ExportFormat::Gexf => "application/gexf+xml; charset=utf-8",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "jsonl",
            other => other.as_str(),
        }
    }
}

/// Writes a graph record by record: every node, then every edge, then [`GraphWriter::finish`].
pub trait GraphWriter {
    /// Writes one node.
    fn node(&mut self, node: &NodeRecord) -> std::io::Result<()>;
    /// Writes one edge; every node has been written before the first.
    fn edge(&mut self, edge: &EdgeRecord) -> std::io::Result<()>;
    /// Closes what is open and flushes.
    fn finish(&mut self) -> std::io::Result<()>;
}

/// The dataset format: a header line, then one record per line.
#[derive(Debug)]
pub struct JsonLinesWriter<W: Write> {
    out: W,
    started: bool,
}

impl<W: Write> JsonLinesWriter<W> {
    /// A writer to `out`.
    pub fn new(out: W) -> JsonLinesWriter<W> {
        JsonLinesWriter { out, started: false }
    }

    fn record(&mut self, record: &Record) -> std::io::Result<()> {
        self.start()?;
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")
    }

    fn start(&mut self) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            writeln!(self.out, "{EXPORT_HEADER}")?;
        }
        Ok(())
    }
}

impl<W: Write> GraphWriter for JsonLinesWriter<W> {
    fn node(&mut self, node: &NodeRecord) -> std::io::Result<()> {
        self.record(&Record::Node(Box::new(node.clone())))
    }

    fn edge(&mut self, edge: &EdgeRecord) -> std::io::Result<()> {
        self.record(&Record::Edge(edge.clone()))
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.start()?;
        self.out.flush()
    }
}

/// Writes the whole graph through `writer`: the nodes, then the edges, each in id order, read from the
/// store a page at a time.
pub async fn export_to(store: &dyn GraphStore, writer: &mut dyn GraphWriter) -> Result<(), IoError> {
    let mut after: Option<NodeId> = None;
    loop {
        let page = store.scan_nodes(None, after.as_ref(), EXPORT_PAGE).await?;
        for node in &page {
            writer.node(node)?;
        }
        match page.last() {
            Some(last) if page.len() == EXPORT_PAGE => after = Some(last.id.clone()),
            _ => break,
        }
    }
    let mut after: Option<EdgeId> = None;
    loop {
        let page = store.scan_edges(after.as_ref(), EXPORT_PAGE).await?;
        for edge in &page {
            writer.edge(edge)?;
        }
        match page.last() {
            Some(last) if page.len() == EXPORT_PAGE => after = Some(last.id.clone()),
            _ => break,
        }
    }
    writer.finish()?;
    Ok(())
}

/// Writes given records through `writer` (a neighbourhood, say): the nodes, then the edges, as given.
pub fn write_records(nodes: &[NodeRecord], edges: &[EdgeRecord], writer: &mut dyn GraphWriter) -> std::io::Result<()> {
    for node in nodes {
        writer.node(node)?;
    }
    for edge in edges {
        writer.edge(edge)?;
    }
    writer.finish()
}
