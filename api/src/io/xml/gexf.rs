//! GEXF 1.3 export (the format Gephi reads): typed attribute declarations (the dataset's field names),
//! then the nodes, each with its name as `label`, its fields as `attvalues` and, when it has coordinates,
//! a `viz:position` with x = longitude and y = latitude (an equirectangular map for the geographic
//! layout); then the directed edges, labelled with their type.

use std::io::Write;

use partnergraph_schema::{EdgeRecord, NodeRecord};

use crate::io::GraphWriter;
use crate::io::columns::{self, Column, EDGE_COLUMNS, NODE_COLUMNS, NODE_LABEL};
use crate::io::xml::{Xml, xml_type};

const NAMESPACE: &str = "http://gexf.net/1.3";
const VIZ_NAMESPACE: &str = "http://gexf.net/1.3/viz";
const SCHEMA_LOCATION: &str = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd";
/// Edge columns written as the element's own attributes: id, source, target.
const EDGE_SKIP: usize = 3;

/// Where the writer is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Nodes,
    Edges,
}

/// Writes a graph as GEXF 1.3.
pub struct GexfWriter<W: Write> {
    xml: Xml<W>,
    section: Section,
}

/// The node columns written as attvalues: all but the id and the name (the element's `id` and `label`).
fn node_attributes() -> impl Iterator<Item = (usize, &'static Column)> {
    NODE_COLUMNS.iter().enumerate().filter(|(idx, _)| *idx != 0 && *idx != NODE_LABEL)
}

impl<W: Write> GexfWriter<W> {
    /// Writes the document's head (metadata and attribute declarations) to `out` and opens the nodes.
    pub fn start(out: W) -> std::io::Result<GexfWriter<W>> {
        let mut xml = Xml::start(out)?;
        xml.open(
            "gexf",
            &[
                ("xmlns", NAMESPACE),
                ("xmlns:viz", VIZ_NAMESPACE),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                ("xsi:schemaLocation", SCHEMA_LOCATION),
                ("version", "1.3"),
            ],
        )?;
        xml.open("meta", &[])?;
        xml.text_element("creator", &[], "partnergraph")?;
        xml.text_element("description", &[], "South-South and triangular co-operation (format of the fields: schema/data/README.md)")?;
        xml.close("meta")?;
        xml.open("graph", &[("defaultedgetype", "directed"), ("mode", "static")])?;
        xml.open("attributes", &[("class", "node"), ("mode", "static")])?;
        for (_, column) in node_attributes() {
            xml.empty("attribute", &[("id", column.key), ("title", column.key), ("type", xml_type(column.value_type))])?;
        }
        xml.close("attributes")?;
        xml.open("attributes", &[("class", "edge"), ("mode", "static")])?;
        for column in &EDGE_COLUMNS[EDGE_SKIP..] {
            xml.empty("attribute", &[("id", column.key), ("title", column.key), ("type", xml_type(column.value_type))])?;
        }
        xml.close("attributes")?;
        xml.open("nodes", &[])?;
        Ok(GexfWriter { xml, section: Section::Nodes })
    }

    fn attvalues<'a>(&mut self, values: impl Iterator<Item = (&'a Column, &'a Option<String>)>) -> std::io::Result<()> {
        let present: Vec<(&Column, &String)> = values.filter_map(|(column, cell)| cell.as_ref().map(|value| (column, value))).collect();
        if present.is_empty() {
            return Ok(());
        }
        self.xml.open("attvalues", &[])?;
        for (column, value) in present {
            self.xml.empty("attvalue", &[("for", column.key), ("value", value)])?;
        }
        self.xml.close("attvalues")
    }
}

impl<W: Write> GraphWriter for GexfWriter<W> {
    fn node(&mut self, node: &NodeRecord) -> std::io::Result<()> {
        self.xml.open("node", &[("id", node.id.as_str()), ("label", &node.name)])?;
        let cells = columns::node_cells(node);
        self.attvalues(node_attributes().map(|(idx, column)| (column, &cells[idx])))?;
        if let Some(point) = node.location {
            self.xml.empty("viz:position", &[("x", &point.lon.to_string()), ("y", &point.lat.to_string()), ("z", "0")])?;
        }
        self.xml.close("node")
    }

    fn edge(&mut self, edge: &EdgeRecord) -> std::io::Result<()> {
        if self.section == Section::Nodes {
            self.xml.close("nodes")?;
            self.xml.open("edges", &[])?;
            self.section = Section::Edges;
        }
        let attrs = [
            ("id", edge.id.as_str()),
            ("source", edge.source.as_str()),
            ("target", edge.target.as_str()),
            ("label", edge.edge_type.as_str()),
        ];
        self.xml.open("edge", &attrs)?;
        let cells = columns::edge_cells(edge);
        self.attvalues(EDGE_COLUMNS[EDGE_SKIP..].iter().zip(&cells[EDGE_SKIP..]))?;
        self.xml.close("edge")
    }

    fn finish(&mut self) -> std::io::Result<()> {
        match self.section {
            Section::Nodes => self.xml.close("nodes")?,
            Section::Edges => self.xml.close("edges")?,
        }
        self.xml.close("graph")?;
        self.xml.close("gexf")?;
        self.xml.finish()
    }
}
