//! CSV sheets in the Kumu convention: an elements sheet (one node per row) and a connections sheet (one
//! edge per row), with the headers of [`crate::io::columns`]. [`SheetsWriter`] (here) writes them;
//! `read.rs` reads, checks ([`check_sheets`]) and imports ([`import_sheets`]) them, with the checks and
//! guarantees of the JSON Lines import.
//!
//! An empty cell is an absent field. Headers, cell spellings and lists are documented in
//! `schema/data/README.md`.

mod read;

use std::io::Write;

use partnergraph_schema::{EdgeRecord, NodeRecord};

use crate::io::GraphWriter;
use crate::io::columns::{EDGE_COLUMNS, NODE_COLUMNS, edge_cells, node_cells};

pub use read::{Sheet, SheetsReport, check_sheets, import_sheets, import_sheets_recorded, read_sheet};

/// The elements sheet's usual file name.
pub const ELEMENTS_FILE: &str = "elements.csv";
/// The connections sheet's usual file name.
pub const CONNECTIONS_FILE: &str = "connections.csv";

/// Writes the elements sheet, the connections sheet, or both.
pub struct SheetsWriter<W: Write> {
    elements: Option<csv::Writer<W>>,
    connections: Option<csv::Writer<W>>,
}

impl<W: Write> SheetsWriter<W> {
    /// Writes the header of each sheet given: nodes go to `elements`, edges to `connections`; a sheet
    /// not given is not written.
    pub fn start(elements: Option<W>, connections: Option<W>) -> std::io::Result<SheetsWriter<W>> {
        let mut elements = elements.map(csv::Writer::from_writer);
        let mut connections = connections.map(csv::Writer::from_writer);
        if let Some(sheet) = &mut elements {
            sheet.write_record(NODE_COLUMNS.iter().map(|column| column.heading))?;
        }
        if let Some(sheet) = &mut connections {
            sheet.write_record(EDGE_COLUMNS.iter().map(|column| column.heading))?;
        }
        Ok(SheetsWriter { elements, connections })
    }
}

fn row<const N: usize>(sheet: &mut csv::Writer<impl Write>, cells: [Option<String>; N]) -> std::io::Result<()> {
    sheet.write_record(cells.iter().map(|cell| cell.as_deref().unwrap_or("")))?;
    Ok(())
}

impl<W: Write> GraphWriter for SheetsWriter<W> {
    fn node(&mut self, node: &NodeRecord) -> std::io::Result<()> {
        match &mut self.elements {
            Some(sheet) => row(sheet, node_cells(node)),
            None => Ok(()),
        }
    }

    fn edge(&mut self, edge: &EdgeRecord) -> std::io::Result<()> {
        match &mut self.connections {
            Some(sheet) => row(sheet, edge_cells(edge)),
            None => Ok(()),
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        for sheet in [&mut self.elements, &mut self.connections].into_iter().flatten() {
            sheet.flush()?;
        }
        Ok(())
    }
}
