//! The files of `import`, `validate` and `export`, in every format: which format each input is (said with
//! `--format`, else told from its content, CSV sheets from their `.csv` name), the all-or-nothing import of
//! each file (CSV sheets together as one unit), and what is printed of it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use partnergraph_schema::dataset;

use indicatif::ProgressBar;

use super::progress::{Tracked, track};
use super::{CliError, Format, InputFormat};
use crate::io::{self, IoError};
use crate::store::{Audit, GraphStore, WriteSummary};

/// Bytes read from an input at a time.
const READ_BUFFER: usize = 1 << 20;

/// Whether `path` is read as a CSV sheet: `--format csv`, or a `.csv` name when no format is given.
fn is_sheet(path: &Path, given: Option<InputFormat>) -> bool {
    match given {
        Some(given) => given == InputFormat::Csv,
        None => path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("csv")),
    }
}

/// Opens a file that is not a CSV sheet and tells its format: `given`, else its first bytes (XML is IATI;
/// anything else is read as JSON Lines, whose reader says line by line what is wrong with it). The same
/// reader is then read whole, so a pipe (`/dev/stdin`) loses nothing to the look.
fn open_input(path: &Path, given: Option<InputFormat>) -> Result<Opened, String> {
    let file = std::fs::File::open(path).map_err(|err| format!("cannot read: {err}"))?;
    let (mut reader, bar) = track(path, file, READ_BUFFER);
    let format = match given {
        Some(given) => given,
        None => match io::sniff(reader.fill_buf().map_err(|err| format!("cannot read: {err}"))?) {
            Some(io::Format::Iati) => InputFormat::Iati,
            Some(io::Format::Jsonl) | None => InputFormat::Jsonl,
        },
    };
    Ok(Opened { reader, bar, format })
}

/// A file opened for `import` or `validate`: its reader (through its progress bar) and its format.
struct Opened {
    reader: Tracked,
    bar: ProgressBar,
    format: InputFormat,
}

fn open(path: &Path) -> Result<BufReader<std::fs::File>, String> {
    std::fs::File::open(path).map(|file| BufReader::with_capacity(READ_BUFFER, file)).map_err(|err| format!("cannot read: {err}"))
}

/// `files` split into the CSV sheets (read together, first) and the others (each on its own).
fn split_sheets(files: &[PathBuf], given: Option<InputFormat>) -> (Vec<&PathBuf>, Vec<&PathBuf>) {
    files.iter().partition(|path| is_sheet(path, given))
}

/// How an import from the command line is recorded in the audit trail: one entry, by `cli`, for `file`.
fn recorded(file: &str) -> Option<Audit> {
    Some(Audit::Import { actor: "cli".to_owned(), file: file.to_owned() })
}

/// The name a file is cited by in the sources of what it imports.
fn document_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

/// `import`: the CSV sheets together first, then each other file on its own.
pub(super) async fn import(store: &Arc<dyn GraphStore>, files: &[PathBuf], given: Option<InputFormat>) -> Result<ExitCode, CliError> {
    let (sheets, others) = split_sheets(files, given);
    let mut failed = !sheets.is_empty() && import_csv_sheets(store.as_ref(), &sheets).await?;
    for path in others {
        // Streamed: a file of millions of records is never held whole in memory as text.
        let Opened { reader: file, bar, format } = match open_input(path, given) {
            Ok(opened) => opened,
            Err(message) => {
                eprintln!("{}: {message}", path.display());
                failed = true;
                continue;
            }
        };
        let imported = match format {
            InputFormat::Iati => import_iati(store, path, file).await,
            // CSV sheets never come here: `split_sheets` put them with the sheets.
            InputFormat::Jsonl | InputFormat::Csv => {
                let audit = recorded(&path.display().to_string());
                io::import_recorded(store.as_ref(), file, audit).await.map(|summary| print_summary(&path.display().to_string(), &summary))
            }
        };
        bar.finish_and_clear();
        match imported {
            Ok(()) => {}
            Err(IoError::Invalid(problems)) => {
                for problem in &problems {
                    eprintln!("{}:{}: {}", path.display(), problem.line, problem.kind);
                }
                eprintln!("{}: {} problem(s); nothing was imported from this file", path.display(), dataset::problem_total(&problems));
                failed = true;
            }
            Err(IoError::Read(err)) => {
                eprintln!("{}: cannot read: {err}", path.display());
                failed = true;
            }
            Err(IoError::Refused(refusal)) => {
                eprintln!("{}: {refusal}; nothing was imported from this file", path.display());
                failed = true;
            }
            Err(IoError::Store(err)) => return Err(err.into()),
            Err(err) => return Err(CliError::Other(err.to_string())),
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

async fn import_iati(store: &Arc<dyn GraphStore>, path: &Path, file: Tracked) -> Result<(), IoError> {
    let report = io::iati::import_recorded(Arc::clone(store), file, &document_name(path), recorded(&path.display().to_string())).await?;
    for line in io::iati::warning_lines(&path.display().to_string(), &report.warnings) {
        eprintln!("{line}");
    }
    println!("{}: {report}", path.display());
    if let Some(summary) = &report.summary {
        print_summary(&path.display().to_string(), summary);
    }
    Ok(())
}

/// Imports the CSV sheets named on one command line as one all-or-nothing unit (an elements sheet and its
/// connections sheet go in together); returns whether it failed.
async fn import_csv_sheets(store: &dyn GraphStore, paths: &[&PathBuf]) -> Result<bool, CliError> {
    let Some(sheets) = open_sheets(paths) else { return Ok(true) };
    let names = sheet_names(paths);
    match io::sheets::import_sheets_recorded(store, sheets, recorded(&names)).await {
        Ok(summary) => {
            print_summary(&names, &summary);
            Ok(false)
        }
        Err(IoError::InvalidSheets(problems)) => {
            for line in sheet_problems(paths, &problems) {
                eprintln!("{line}");
            }
            eprintln!("{names}: {} problem(s); nothing was imported from these sheets", problems.len());
            Ok(true)
        }
        Err(IoError::Read(err)) => {
            eprintln!("{names}: cannot read: {err}");
            Ok(true)
        }
        Err(IoError::Store(err)) => Err(err.into()),
        Err(err) => Err(CliError::Other(err.to_string())),
    }
}

fn print_summary(name: &str, summary: &WriteSummary) {
    println!(
        "{name}: imported: {} nodes created, {} updated, {} unchanged; {} edges created, {} updated, {} unchanged",
        summary.nodes_created,
        summary.nodes_updated,
        summary.nodes_unchanged,
        summary.edges_created,
        summary.edges_updated,
        summary.edges_unchanged
    );
}

/// `export`: the whole graph in `format`, to stdout or, for CSV, as two sheets into `out`.
pub(super) async fn export(store: &dyn GraphStore, format: Format, out: Option<&Path>) -> Result<ExitCode, CliError> {
    let failed = |err: std::io::Error| CliError::Other(format!("cannot write the export: {err}"));
    let stdout = std::io::stdout();
    let mut writer: Box<dyn io::GraphWriter> = match (format, out) {
        (Format::Csv, None) => return Err(CliError::Other("--format csv writes two sheets: give the directory with --out DIR".to_owned())),
        (Format::Csv, Some(dir)) => {
            let create = |name: &str| {
                let path = dir.join(name);
                let file = std::fs::File::create(&path).map_err(|err| CliError::Other(format!("{}: {err}", path.display())))?;
                Ok::<_, CliError>(std::io::BufWriter::new(file))
            };
            std::fs::create_dir_all(dir).map_err(|err| CliError::Other(format!("{}: {err}", dir.display())))?;
            let (elements, connections) = (create(io::sheets::ELEMENTS_FILE)?, create(io::sheets::CONNECTIONS_FILE)?);
            Box::new(io::sheets::SheetsWriter::start(Some(elements), Some(connections)).map_err(failed)?)
        }
        (_, Some(_)) => return Err(CliError::Other("--out is for --format csv; the other formats go to stdout".to_owned())),
        (Format::Json, None) => Box::new(io::JsonLinesWriter::new(std::io::BufWriter::new(stdout.lock()))),
        (Format::Graphml, None) => Box::new(io::xml::GraphmlWriter::start(std::io::BufWriter::new(stdout.lock())).map_err(failed)?),
        (Format::Gexf, None) => Box::new(io::xml::GexfWriter::start(std::io::BufWriter::new(stdout.lock())).map_err(failed)?),
    };
    io::export_to(store, writer.as_mut()).await.map_err(|err| CliError::Other(err.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

/// `validate`: checks every file as `import` would read it, writing nothing.
pub(super) fn validate(files: &[PathBuf], given: Option<InputFormat>) -> ExitCode {
    let (sheets, others) = split_sheets(files, given);
    let mut failed = !sheets.is_empty() && validate_csv_sheets(&sheets);
    for path in others {
        let ok = match open_input(path, given) {
            Ok(Opened { reader, bar, format }) => {
                let ok = match format {
                    InputFormat::Iati => validate_iati(path, reader),
                    InputFormat::Jsonl | InputFormat::Csv => validate_jsonl(path, reader),
                };
                bar.finish_and_clear();
                ok
            }
            Err(message) => {
                eprintln!("{}: {message}", path.display());
                false
            }
        };
        failed |= !ok;
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn validate_iati(path: &Path, file: Tracked) -> bool {
    match io::iati::check(file, &document_name(path)) {
        Ok(report) => {
            for line in io::iati::warning_lines(&path.display().to_string(), &report.warnings) {
                println!("{line}");
            }
            println!("{}: ok ({report})", path.display());
            true
        }
        Err(refusal) => {
            println!("{}: {refusal}", path.display());
            false
        }
    }
}

fn validate_jsonl(path: &Path, file: Tracked) -> bool {
    // Streamed, like an import: only the ids of a large file are held, never its records.
    match dataset::check_reader(file) {
        Ok(report) if report.problems.is_empty() => {
            println!("{}: ok ({} nodes, {} edges)", path.display(), report.nodes, report.edges);
            true
        }
        Ok(report) => {
            for problem in &report.problems {
                println!("{}:{}: {}", path.display(), problem.line, problem.kind);
            }
            println!("{}: {} problem(s)", path.display(), dataset::problem_total(&report.problems));
            false
        }
        Err(err) => {
            eprintln!("{}: cannot read: {err}", path.display());
            false
        }
    }
}

/// Checks the CSV sheets named on one command line together, as `import` reads them; returns whether any
/// has a problem (or cannot be read).
fn validate_csv_sheets(paths: &[&PathBuf]) -> bool {
    let Some(sheets) = open_sheets(paths) else { return true };
    let names = sheet_names(paths);
    match io::sheets::check_sheets(sheets) {
        Ok(report) if report.problems.is_empty() => {
            println!("{names}: ok ({} nodes, {} edges)", report.nodes, report.edges);
            false
        }
        Ok(report) => {
            for line in sheet_problems(paths, &report.problems) {
                println!("{line}");
            }
            println!("{names}: {} problem(s)", report.problems.len());
            true
        }
        Err(err) => {
            eprintln!("{names}: cannot read: {err}");
            true
        }
    }
}

/// Opens every sheet for streaming; on the first that cannot be opened, says so and returns `None`.
fn open_sheets(paths: &[&PathBuf]) -> Option<Vec<Box<dyn std::io::Read + Send>>> {
    let mut sheets: Vec<Box<dyn std::io::Read + Send>> = Vec::with_capacity(paths.len());
    for path in paths {
        match open(path) {
            Ok(file) => sheets.push(Box::new(file)),
            Err(message) => {
                eprintln!("{}: {message}; no CSV sheet was read", path.display());
                return None;
            }
        }
    }
    Some(sheets)
}

/// The sheets' names as one: `elements.csv + connections.csv`.
fn sheet_names(paths: &[&PathBuf]) -> String {
    paths.iter().map(|path| path.display().to_string()).collect::<Vec<_>>().join(" + ")
}

/// Each problem as `PATH:LINE: what`, with the path of the sheet it is in.
fn sheet_problems(paths: &[&PathBuf], problems: &[(usize, dataset::Problem)]) -> Vec<String> {
    problems
        .iter()
        .map(|(sheet, problem)| {
            let path = paths.get(*sheet).map_or_else(|| sheet_names(paths), |path| path.display().to_string());
            format!("{path}:{}: {}", problem.line, problem.kind)
        })
        .collect()
}
