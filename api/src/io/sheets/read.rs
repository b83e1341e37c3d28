//! Reading a CSV sheet into dataset records, block by block, with the line each row starts on: the
//! header tells the sheet (a `From` and a `To` column make a connections sheet), each row becomes a node
//! or an edge, and a cell that cannot be read is a problem at its row's line naming its column. The
//! records then go through the same checks, staging and all-or-nothing write as a JSON Lines file.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

use partnergraph_schema::dataset::{Checker, Dataset, Lined, Problem, ProblemKind};
use partnergraph_schema::{EdgeId, EdgeRecord, GeoPoint, NodeId, NodeKind, NodeRecord, Support};

use crate::io::columns::{self, Column, EDGE_COLUMNS, NODE_COLUMNS};
use crate::io::{IoError, import_blocks};
use crate::store::Audit;
use crate::store::{GraphStore, WriteSummary};

/// Rows handed over per block.
const BLOCK_ROWS: usize = 10_000;

/// Which sheet a CSV file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// One node per row.
    Elements,
    /// One edge per row.
    Connections,
}

/// Imports CSV sheets as one unit (an elements sheet and the connections sheet that points at its nodes,
/// say), with the guarantees of [`crate::io::import_reader`]: every problem with its sheet and line,
/// nothing written unless there is none, and importing twice changes nothing. The sheets are checked as
/// one dataset (so a city's LOCATED_IN edge may be in the connections sheet); edges may also point at
/// nodes the store already holds. A problem comes back as the index of its sheet and its line there.
pub async fn import_sheets(store: &dyn GraphStore, sheets: Vec<Box<dyn Read + Send>>) -> Result<WriteSummary, IoError> {
    import_sheets_recorded(store, sheets, None).await
}

/// [`import_sheets`], recorded in the audit trail as `audit` says.
pub async fn import_sheets_recorded(
    store: &dyn GraphStore,
    sheets: Vec<Box<dyn Read + Send>>,
    audit: Option<Audit>,
) -> Result<WriteSummary, IoError> {
    let ends = Arc::new(Mutex::new(Vec::with_capacity(sheets.len())));
    let ends_seen = Arc::clone(&ends);
    let read = move |each: &mut dyn FnMut(Dataset, Vec<Problem>)| -> std::io::Result<()> {
        let found = read_sheets(sheets, each)?;
        *ends_seen.lock().map_err(|_| std::io::Error::other("a sheet reader panicked"))? = found;
        Ok(())
    };
    match import_blocks(store, read, audit).await {
        Err(IoError::Invalid(problems)) => {
            let ends = ends.lock().map(|ends| ends.clone()).unwrap_or_default();
            Err(IoError::InvalidSheets(problems.into_iter().map(|problem| in_sheet(&ends, problem)).collect()))
        }
        other => other,
    }
}

/// What [`check_sheets`] found: the records of each kind, and every problem with its sheet's index.
#[derive(Debug, Default)]
pub struct SheetsReport {
    /// Node rows read.
    pub nodes: usize,
    /// Edge rows read.
    pub edges: usize,
    /// Every problem, as its sheet's index and the problem at its line there, sorted by sheet and line.
    pub problems: Vec<(usize, Problem)>,
}

/// Checks CSV sheets as one self-contained dataset (what `validate` does), with the problems
/// [`import_sheets`] would find against an empty store; nothing is held but ids. Fails only if reading fails.
pub fn check_sheets(sheets: Vec<Box<dyn Read + Send>>) -> std::io::Result<SheetsReport> {
    let mut checker = Checker::default();
    let mut report = SheetsReport::default();
    let ends = read_sheets(sheets, &mut |block, problems| {
        checker.extend(problems);
        checker.block(&block);
        report.nodes += block.nodes.len();
        report.edges += block.edges.len();
    })?;
    report.problems = checker.finish(&HashMap::new()).into_iter().map(|problem| in_sheet(&ends, problem)).collect();
    Ok(report)
}

/// Reads `sheets` one after the other as one stream of blocks, lines counted on across them; returns
/// the line each sheet ends on in that count.
fn read_sheets(sheets: Vec<Box<dyn Read + Send>>, each: &mut dyn FnMut(Dataset, Vec<Problem>)) -> std::io::Result<Vec<usize>> {
    let mut ends = Vec::with_capacity(sheets.len());
    let mut offset = 0;
    for sheet in sheets {
        let mut shifted = |mut block: Dataset, mut problems: Vec<Problem>| {
            block.nodes.iter_mut().for_each(|node| node.line += offset);
            block.edges.iter_mut().for_each(|edge| edge.line += offset);
            problems.iter_mut().for_each(|problem| problem.line += offset);
            each(block, problems);
        };
        let (_, lines) = read_sheet(sheet, &mut shifted)?;
        offset += lines;
        ends.push(offset);
    }
    Ok(ends)
}

/// The sheet a problem's line falls in (given the line each sheet ends on, counted across the sheets),
/// and the problem with its line within that sheet.
fn in_sheet(ends: &[usize], mut problem: Problem) -> (usize, Problem) {
    let sheet = ends.iter().position(|end| problem.line <= *end).unwrap_or(ends.len().saturating_sub(1));
    problem.line -= if sheet == 0 { 0 } else { ends[sheet - 1] };
    (sheet, problem)
}

/// Reads a CSV sheet from `reader` and hands each block of records, with their problems, to `each`;
/// returns which sheet it was (`None` when its header is empty or refused) and how many lines it has.
/// Fails only if reading fails.
pub fn read_sheet(reader: impl Read, each: &mut dyn FnMut(Dataset, Vec<Problem>)) -> std::io::Result<(Option<Sheet>, usize)> {
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let sheet = read_rows(&mut csv, each)?;
    // Read to the end, so the line count covers a refused sheet too.
    let mut rest = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut rest) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => csv_problem(&err).map(drop)?,
        }
    }
    let lines = usize::try_from(csv.position().line()).unwrap_or(usize::MAX);
    Ok((sheet, lines))
}

fn read_rows<R: Read>(csv: &mut csv::Reader<R>, each: &mut dyn FnMut(Dataset, Vec<Problem>)) -> std::io::Result<Option<Sheet>> {
    let mut rows = csv.records();
    let header = match rows.next() {
        None => return Ok(None),
        Some(Ok(header)) => header,
        Some(Err(err)) => {
            each(Dataset::default(), vec![csv_problem(&err)?]);
            return Ok(None);
        }
    };
    let (sheet, layout) = match Layout::read(&header) {
        Ok(found) => found,
        Err(kind) => {
            each(Dataset::default(), vec![Problem { line: 1, kind }]);
            return Ok(None);
        }
    };
    let mut block = Dataset::default();
    let mut problems = Vec::new();
    let mut rows_in_block = 0;
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                problems.push(csv_problem(&err)?);
                continue;
            }
        };
        let line = row.position().map_or(0, |position| usize::try_from(position.line()).unwrap_or(usize::MAX));
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if row.len() > layout.width {
            let kind = syntax(format!("the row has {} cells but the header has {}", row.len(), layout.width));
            problems.push(Problem { line, kind });
            continue;
        }
        let cells = layout.cells(&row);
        let read = match sheet {
            Sheet::Elements => node(&cells).map(|record| block.nodes.push(Lined { line, record })),
            Sheet::Connections => edge(&cells).map(|record| block.edges.push(Lined { line, record })),
        };
        if let Err(errors) = read {
            problems.extend(errors.into_iter().map(|kind| Problem { line, kind }));
        }
        rows_in_block += 1;
        if rows_in_block == BLOCK_ROWS {
            each(std::mem::take(&mut block), std::mem::take(&mut problems));
            rows_in_block = 0;
        }
    }
    each(block, problems);
    Ok(Some(sheet))
}

/// A problem for a row the CSV reader could not read; an I/O failure is returned as such.
fn csv_problem(err: &csv::Error) -> std::io::Result<Problem> {
    let line = err.position().map_or(1, |position| usize::try_from(position.line()).unwrap_or(usize::MAX));
    match err.kind() {
        csv::ErrorKind::Io(io) => Err(std::io::Error::new(io.kind(), io.to_string())),
        csv::ErrorKind::Utf8 { err, .. } => Ok(Problem { line, kind: syntax(format!("field {} is not UTF-8", err.field() + 1)) }),
        _ => Ok(Problem { line, kind: syntax(err.to_string()) }),
    }
}

fn syntax(message: String) -> ProblemKind {
    ProblemKind::Syntax(message)
}

/// A header cell as compared: letters and digits, lower case (`IATI Role`, `iati_role` and `IATIROLE` agree).
fn fold(heading: &str) -> String {
    heading.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Where each known column is in the file.
struct Layout {
    /// For each column of the sheet's column list, its position in the row.
    positions: Vec<Option<usize>>,
    /// Cells in the header.
    width: usize,
}

impl Layout {
    /// Reads the header: which sheet, and where each column is. Unknown, repeated or missing required
    /// columns are refused (line 1), naming the columns that are known.
    fn read(header: &csv::StringRecord) -> Result<(Sheet, Layout), ProblemKind> {
        let folded: Vec<String> = header.iter().map(fold).collect();
        let has = |name: &str| folded.iter().any(|cell| cell == name);
        let (sheet, columns, required): (Sheet, &[Column], &[&str]) = if has("from") && has("to") {
            (Sheet::Connections, &EDGE_COLUMNS, &["From", "To", "Type"])
        } else {
            (Sheet::Elements, &NODE_COLUMNS, &["ID"])
        };
        let known = || columns.iter().map(|column| column.heading).collect::<Vec<_>>().join(", ");
        let mut positions = vec![None; columns.len()];
        for (at, cell) in folded.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let Some(idx) = columns.iter().position(|column| fold(column.heading) == *cell) else {
                let heading = header.get(at).unwrap_or_default();
                return Err(syntax(format!("unknown column `{heading}` (the {sheet:?} sheet's columns are: {})", known())));
            };
            if positions[idx].replace(at).is_some() {
                return Err(syntax(format!("column `{}` appears twice", columns[idx].heading)));
            }
        }
        for heading in required {
            if !has(&fold(heading)) {
                return Err(syntax(format!("the {sheet:?} sheet needs a column `{heading}` (its columns are: {})", known())));
            }
        }
        Ok((sheet, Layout { positions, width: header.len() }))
    }

    /// The row's cell for each column; `None` where the column is missing or the cell is blank.
    fn cells<'a>(&self, row: &'a csv::StringRecord) -> Vec<Option<&'a str>> {
        self.positions.iter().map(|at| at.and_then(|at| row.get(at)).filter(|cell| !cell.trim().is_empty())).collect()
    }
}

/// Reads typed cells, collecting a problem per cell that cannot be read.
struct Cells<'a> {
    cells: &'a [Option<&'a str>],
    columns: &'a [Column],
    errors: Vec<ProblemKind>,
}

impl<'a> Cells<'a> {
    fn text(&self, idx: usize) -> Option<String> {
        self.cells[idx].map(str::to_owned)
    }

    fn parse<T: std::str::FromStr>(&mut self, idx: usize) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        let cell = self.cells[idx]?;
        self.check(idx, cell.trim().parse::<T>().map_err(|err| err.to_string()))
    }

    fn with<T>(&mut self, idx: usize, read: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let cell = self.cells[idx]?;
        self.check(idx, read(cell))
    }

    fn check<T>(&mut self, idx: usize, read: Result<T, String>) -> Option<T> {
        read.map_err(|err| self.errors.push(syntax(format!("column `{}`: {err}", self.columns[idx].heading)))).ok()
    }

    fn require(&mut self, idx: usize) {
        if self.cells[idx].is_none() {
            self.errors.push(syntax(format!("column `{}` is empty", self.columns[idx].heading)));
        }
    }
}

/// A cell holding a JSON array of `what`.
fn json_array<T: serde::de::DeserializeOwned>(cell: &str, what: &str) -> Result<Vec<T>, String> {
    serde_json::from_str(cell).map_err(|err| format!("not a JSON array of {what}: {err}"))
}

/// A row of the elements sheet as a node (cells in [`NODE_COLUMNS`] order).
fn node(cells: &[Option<&str>]) -> Result<NodeRecord, Vec<ProblemKind>> {
    let mut read = Cells { cells, columns: &NODE_COLUMNS, errors: Vec::new() };
    read.require(0);
    let id: Option<NodeId> = read.parse(0);
    let kind: Option<NodeKind> = read.parse(1);
    let lat: Option<f64> = read.parse(6);
    let lon: Option<f64> = read.parse(7);
    let location = match (lat, lon) {
        (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
        (None, None) => None,
        _ => {
            read.errors.push(syntax("`Latitude` and `Longitude` go together: give both or neither".to_owned()));
            None
        }
    };
    let aliases = read.with(4, columns::parse_list).unwrap_or_default();
    let sdgs = read
        .with(17, |cell| columns::parse_list(cell)?.iter().map(|sdg| sdg.parse::<u8>().map_err(|err| format!("`{sdg}`: {err}"))).collect());
    let identifiers = read.with(18, columns::parse_identifiers).unwrap_or_default();
    let sources = read.with(19, columns::parse_sources).unwrap_or_default();
    let claims = read.with(20, |cell| json_array(cell, "claims")).unwrap_or_default();
    let sectors = read.with(21, columns::parse_list).unwrap_or_default();
    let support = read
        .with(22, |cell| columns::parse_list(cell)?.iter().map(|kind| kind.parse::<Support>().map_err(|err| err.to_string())).collect())
        .unwrap_or_default();
    let languages = read.with(23, columns::parse_list).unwrap_or_default();
    let status = read.parse(24);
    let recipients = read.with(25, |cell| json_array(cell, "recipients")).unwrap_or_default();
    let amounts = read.with(26, |cell| json_array(cell, "amounts")).unwrap_or_default();
    let translations = read.with(27, |cell| json_array(cell, "translations")).unwrap_or_default();
    let (agency_type, network_type, agreement_type, event_type) = (read.parse(8), read.parse(11), read.parse(12), read.parse(13));
    let (start, end, amount_usd) = (read.parse(14), read.parse(15), read.parse(16));
    let Some(id) = id else { return Err(read.errors) };
    if !read.errors.is_empty() {
        return Err(read.errors);
    }
    Ok(NodeRecord {
        kind: kind.unwrap_or_else(|| id.kind()),
        id,
        name: read.text(2).unwrap_or_default(),
        acronym: read.text(3),
        aliases,
        description: read.text(5),
        location,
        agency_type,
        iso3: read.cells[9].map(|cell| cell.trim().to_owned()),
        region: read.text(10),
        network_type,
        agreement_type,
        event_type,
        start,
        end,
        amount_usd,
        sdgs: sdgs.unwrap_or_default(),
        sectors,
        support,
        languages,
        translations,
        status,
        recipients,
        amounts,
        identifiers,
        sources,
        claims,
    })
}

/// A row of the connections sheet as an edge (cells in [`EDGE_COLUMNS`] order); a blank `ID` is made
/// from the endpoints and type as the dataset's ids are (`source>type>target`).
fn edge(cells: &[Option<&str>]) -> Result<EdgeRecord, Vec<ProblemKind>> {
    let mut read = Cells { cells, columns: &EDGE_COLUMNS, errors: Vec::new() };
    for required in 1..=3 {
        read.require(required);
    }
    let source: Option<NodeId> = read.parse(1);
    let target: Option<NodeId> = read.parse(2);
    let edge_type: Option<partnergraph_schema::EdgeType> = read.parse(3);
    let id: Option<EdgeId> = read.parse(0);
    let (role, iati_role, from, to, amount_usd) = (read.parse(4), read.parse(5), read.parse(6), read.parse(7), read.parse(8));
    let sources = read.with(9, columns::parse_sources).unwrap_or_default();
    let claims = read.with(10, |cell| json_array(cell, "claims")).unwrap_or_default();
    let (Some(source), Some(target), Some(edge_type)) = (source, target, edge_type) else { return Err(read.errors) };
    if !read.errors.is_empty() {
        return Err(read.errors);
    }
    let id = match id {
        Some(id) => id,
        None => EdgeId::parse(format!("{source}>{}>{target}", edge_type.as_str().to_ascii_lowercase()))
            .map_err(|err| vec![syntax(format!("column `ID` is empty and cannot be made from the endpoints: {err}"))])?,
    };
    Ok(EdgeRecord { id, edge_type, source, target, role, iati_role, from, to, amount_usd, sources, claims })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Option<Sheet>, Dataset, Vec<Problem>) {
        let mut dataset = Dataset::default();
        let mut problems = Vec::new();
        let (sheet, _) = read_sheet(text.as_bytes(), &mut |block: Dataset, found: Vec<Problem>| {
            dataset.nodes.extend(block.nodes);
            dataset.edges.extend(block.edges);
            problems.extend(found);
        })
        .expect("read");
        (sheet, dataset, problems)
    }

    #[test]
    fn an_elements_sheet_reads_with_the_line_each_row_starts_on() {
        let text = "ID,Label,Sources,Description,Latitude,Longitude\n\
                    agency:a,Agency A,doc.txt,\"two\nlines\",1.5,-2\n\
                    ,,,,,\n\
                    country:THA,Thailand,\"[{\"\"document\"\":\"\"d\"\",\"\"paragraph\"\":3}]\",,,\n";
        let (sheet, dataset, problems) = read(text);
        assert_eq!(sheet, Some(Sheet::Elements));
        assert!(problems.is_empty(), "{problems:?}");
        let lines: Vec<usize> = dataset.nodes.iter().map(|node| node.line).collect();
        assert_eq!(lines, [2, 5], "a quoted line break belongs to its row; a blank row is skipped");
        let agency = &dataset.nodes[0].record;
        assert_eq!((agency.kind, agency.description.as_deref()), (NodeKind::Agency, Some("two\nlines")));
        assert_eq!(agency.location, Some(GeoPoint { lat: 1.5, lon: -2.0 }));
        assert_eq!(dataset.nodes[1].record.sources[0].paragraph, Some(3));
    }

    #[test]
    fn bad_cells_are_problems_at_their_line_naming_the_column() {
        let text =
            "ID,Type,Label,Start,Latitude,Sources\nagency:a,AGENCY,A,2020-13,,d\nnot an id,WIDGET,B,,5,d\nagency:c,AGENCY,C,,,d,extra\n";
        let (_, dataset, problems) = read(text);
        assert!(dataset.nodes.is_empty());
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(text[0].starts_with("line 2: not a valid record: column `Start`"), "{text:?}");
        assert!(text.iter().any(|problem| problem.starts_with("line 3: not a valid record: column `ID`")), "{text:?}");
        assert!(text.iter().any(|problem| problem.starts_with("line 3: not a valid record: column `Type`")), "{text:?}");
        assert!(text.iter().any(|problem| problem.contains("`Latitude` and `Longitude` go together")), "{text:?}");
        assert!(text.iter().any(|problem| problem.starts_with("line 4: not a valid record: the row has 7 cells")), "{text:?}");
    }

    #[test]
    fn a_connections_sheet_derives_missing_ids_and_headers_are_checked() {
        // As a spreadsheet saves it: a byte order mark, CRLF line ends, headers in another spelling.
        let text = "\u{FEFF}from,TO,type,iati_role,Valid From,Sources\r\nagency:a,agreement:b,PARTICIPATES_IN,FUNDING,2019,d\r\n";
        let (sheet, dataset, problems) = read(text);
        assert_eq!(sheet, Some(Sheet::Connections));
        assert!(problems.is_empty(), "{problems:?}");
        let edge = &dataset.edges[0].record;
        assert_eq!(edge.id.as_str(), "agency:a>participates_in>agreement:b");
        assert_eq!(edge.iati_role.map(|role| role.as_str()), Some("FUNDING"));
        assert_eq!(edge.from.map(|date| date.to_string()).as_deref(), Some("2019"));

        let (_, _, problems) = read("ID,Label,Colour\nagency:a,A,red\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 1);
        assert!(problems[0].to_string().contains("unknown column `Colour`"), "{}", problems[0]);
        let (_, _, problems) = read("From,To,Sources\n");
        assert!(problems[0].to_string().contains("needs a column `Type`"), "{}", problems[0]);
    }
}
