//! GraphML export: one `<key>` per column (typed `string` or `double`; node keys `n_…`, edge keys `e_…`,
//! named by the dataset's field names), then a directed `<graph>` of `<node>` and `<edge>` elements whose
//! `<data>` hold the fields a record has. Node ids and edge ids are the graph's own.

use std::io::Write;

use partnergraph_schema::{EdgeRecord, NodeRecord};

use crate::io::GraphWriter;
use crate::io::columns::{self, Column, EDGE_COLUMNS, NODE_COLUMNS};
use crate::io::xml::{Xml, xml_type};

const NAMESPACE: &str = "http://graphml.graphdrawing.org/xmlns";
const SCHEMA_LOCATION: &str = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd";
/// Node columns written as elements' attributes rather than `<data>`: the id.
const NODE_SKIP: usize = 1;
/// Edge columns written as elements' attributes rather than `<data>`: id, source, target.
const EDGE_SKIP: usize = 3;

/// Writes a graph as GraphML.
pub struct GraphmlWriter<W: Write> {
    xml: Xml<W>,
}

impl<W: Write> GraphmlWriter<W> {
    /// Writes the document's head (the keys) to `out` and opens the graph.
    pub fn start(out: W) -> std::io::Result<GraphmlWriter<W>> {
        let mut xml = Xml::start(out)?;
        xml.open(
            "graphml",
            &[("xmlns", NAMESPACE), ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"), ("xsi:schemaLocation", SCHEMA_LOCATION)],
        )?;
        for (scope, prefix, columns) in [("node", "n_", &NODE_COLUMNS[NODE_SKIP..]), ("edge", "e_", &EDGE_COLUMNS[EDGE_SKIP..])] {
            for column in columns {
                let id = format!("{prefix}{}", column.key);
                xml.empty("key", &[("id", &id), ("for", scope), ("attr.name", column.key), ("attr.type", xml_type(column.value_type))])?;
            }
        }
        xml.open("graph", &[("id", "partnergraph"), ("edgedefault", "directed")])?;
        Ok(GraphmlWriter { xml })
    }

    fn data(&mut self, prefix: &str, columns: &[Column], cells: &[Option<String>]) -> std::io::Result<()> {
        for (column, cell) in columns.iter().zip(cells) {
            if let Some(value) = cell {
                self.xml.text_element("data", &[("key", &format!("{prefix}{}", column.key))], value)?;
            }
        }
        Ok(())
    }
}

impl<W: Write> GraphWriter for GraphmlWriter<W> {
    fn node(&mut self, node: &NodeRecord) -> std::io::Result<()> {
        self.xml.open("node", &[("id", node.id.as_str())])?;
        self.data("n_", &NODE_COLUMNS[NODE_SKIP..], &columns::node_cells(node)[NODE_SKIP..])?;
        self.xml.close("node")
    }

    fn edge(&mut self, edge: &EdgeRecord) -> std::io::Result<()> {
        self.xml.open("edge", &[("id", edge.id.as_str()), ("source", edge.source.as_str()), ("target", edge.target.as_str())])?;
        self.data("e_", &EDGE_COLUMNS[EDGE_SKIP..], &columns::edge_cells(edge)[EDGE_SKIP..])?;
        self.xml.close("edge")
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.xml.close("graph")?;
        self.xml.close("graphml")?;
        self.xml.finish()
    }
}
