//! The command line: `serve`, `import`, `export`, `validate`, `schema` (the CLI contract of the design
//! note), and `backup` and `restore` of the embedded store. Every flag can also be set by an environment variable (`PARTNERGRAPH_ADDR`, …), for
//! deployments. This module parses arguments and wires the layers together; it holds no logic of its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use partnergraph_schema::dataset;

use crate::gql::{Limits, build_schema, sdl};
use crate::graph::Graph;
use crate::http::{AppState, HttpConfig, PersistedQueries, QueryRunner, ResponseCache, app};
use crate::io::{self, IoError};
use crate::limits::LimitArgs;
use crate::store::{BoltConfig, BoltStore, EmbeddedStore, GraphStore, IndexMode, StoreError};

/// partnergraph: South-South and triangular co-operation as a graph, served over GraphQL.
#[derive(Debug, Parser)]
#[command(name = "partnergraph", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the GraphQL API, GraphiQL and health endpoints (loads the seed dataset into an empty store).
    Serve(ServeArgs),
    /// Import dataset files (JSON Lines; CSV sheets named `*.csv` go in together as one unit); each file
    /// is all-or-nothing and importing twice changes nothing.
    Import(ImportArgs),
    /// Export the whole graph, in a stable order: to stdout (json, graphml, gexf), or as two CSV sheets
    /// into a directory (csv: `--out DIR` gets elements.csv and connections.csv).
    Export(ExportArgs),
    /// Check dataset files (JSON Lines; CSV sheets together) and report every problem with its line; exit 1
    /// if there is any.
    Validate(ValidateArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Generate a deterministic synthetic IATI-shaped dataset for benchmarks.
    BenchData(BenchDataArgs),
    /// Copy one committed state of the embedded store into a new store in DEST (safe while `serve` and
    /// `import` run on the same data).
    Backup(BackupArgs),
    /// Replace the embedded store's contents with a backup's, in one transaction (refused while a server or
    /// an import has the store open; a store with records is replaced only with --force).
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
struct BackupArgs {
    /// Data directory of the embedded store to back up.
    #[arg(long, env = "PARTNERGRAPH_DATA", default_value = "./data")]
    data: PathBuf,
    /// Directory to write the backup in (a new store; it must not hold one yet).
    dest: PathBuf,
}

#[derive(Debug, Args)]
struct RestoreArgs {
    /// Data directory of the embedded store to restore into.
    #[arg(long, env = "PARTNERGRAPH_DATA", default_value = "./data")]
    data: PathBuf,
    /// Replace a store that holds records.
    #[arg(long)]
    force: bool,
    /// Directory of the backup (written by `partnergraph backup`).
    src: PathBuf,
}

#[derive(Debug, Args)]
struct BenchDataArgs {
    /// Number of nodes.
    #[arg(long)]
    nodes: u64,
    /// Number of edges.
    #[arg(long)]
    edges: u64,
    /// Seed of the generator: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

/// Which store to open.
#[derive(Debug, Args)]
struct StoreArgs {
    /// Data directory of the embedded store.
    #[arg(long, env = "PARTNERGRAPH_DATA", default_value = "./data")]
    data: PathBuf,
    /// A Bolt server instead of the embedded store (bolt://HOST:PORT or neo4j://HOST:PORT).
    #[arg(long = "store", env = "PARTNERGRAPH_DB_URL")]
    store: Option<String>,
    /// User name for the Bolt server.
    #[arg(long, env = "PARTNERGRAPH_DB_USER", requires = "store")]
    db_user: Option<String>,
    /// Password for the Bolt server.
    #[arg(long, env = "PARTNERGRAPH_DB_PASSWORD", requires = "store", hide_env_values = true)]
    db_password: Option<String>,
    /// Database on the Bolt server.
    #[arg(long, env = "PARTNERGRAPH_DB_NAME", default_value = "neo4j")]
    db_name: String,
    /// Seconds a Bolt read may take (writes get ten times as long).
    #[arg(long, env = "PARTNERGRAPH_DB_TIMEOUT", default_value_t = 5)]
    db_timeout: u64,
    /// Connections in the Bolt pool.
    #[arg(long, env = "PARTNERGRAPH_DB_POOL", default_value_t = 16)]
    db_pool: usize,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, env = "PARTNERGRAPH_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    limits: LimitArgs,
    /// The server's public base URL (e.g. https://maps.example.org) for answers that name it (oEmbed);
    /// without it, the request's Host header (forwarded headers are never trusted).
    #[arg(long, env = "PARTNERGRAPH_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<String>,
    /// Directory of the built widgets (scripts/build-widgets.sh); default target/widgets if it exists.
    #[arg(long, env = "PARTNERGRAPH_WIDGETS")]
    widgets: Option<PathBuf>,
    /// MiB of complete GraphQL answers kept for repeated requests, until the data changes (0: no cache;
    /// never used on a Bolt store, which other clients may write).
    #[arg(long, env = "PARTNERGRAPH_RESPONSE_CACHE_MIB", default_value_t = 64)]
    response_cache_mib: u64,
}

#[derive(Debug, Args)]
struct ImportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Dataset files to import: JSON Lines files, each on its own, and CSV sheets (`*.csv`: an elements
    /// sheet and a connections sheet), all of them together as one all-or-nothing unit, before the others.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// The dataset format (JSON Lines).
    Json,
    /// Two CSV sheets, elements.csv and connections.csv (Kumu convention), written into `--out DIR`.
    Csv,
    /// GraphML with typed attribute keys.
    Graphml,
    /// GEXF 1.3 (Gephi), with coordinates as `viz:position`.
    Gexf,
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Output format.
    #[arg(long, value_enum)]
    format: Format,
    /// The directory the CSV sheets are written into (created if missing); csv only.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// Dataset files to check: JSON Lines files each on its own, CSV sheets (`*.csv`) together.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// A failure that ends a command, with the message for stderr.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

/// Threads for blocking work: embedded-store reads, which are CPU-bound, so more threads than a few per
/// core only queue the same work and keep more memory (each thread holds its own allocator pages; at
/// tokio's default of 512 the serving RSS at 1M nodes nearly doubled under load, BENCHMARKS.md).
const BLOCKING_THREADS: usize = 8;

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    crate::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().max_blocking_threads(BLOCKING_THREADS).enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli.command)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Import(args) => import(args).await,
        Command::Export(args) => export(args).await,
        Command::Validate(args) => Ok(validate(&args.files)),
        Command::Schema => {
            print!("{}", sdl());
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchData(args) => bench_data(&args),
        Command::Backup(args) => backup(&args),
        Command::Restore(args) => restore(&args),
    }
}

/// Opens the configured store; `index` says whether the embedded store keeps its topology in memory
/// (worth it for `serve`, not for one-shot commands).
async fn open_store(args: &StoreArgs, index: IndexMode) -> Result<Arc<dyn GraphStore>, CliError> {
    let Some(url) = &args.store else {
        return Ok(Arc::new(EmbeddedStore::open_with(&args.data, index)?));
    };
    let config = BoltConfig {
        url: url.clone(),
        user: args.db_user.clone().unwrap_or_else(|| "neo4j".to_owned()),
        password: args.db_password.clone().unwrap_or_default(),
        database: args.db_name.clone(),
        max_connections: args.db_pool,
        timeout: std::time::Duration::from_secs(args.db_timeout.max(1)),
    };
    Ok(Arc::new(BoltStore::connect(config).await?))
}

async fn serve(args: ServeArgs) -> Result<ExitCode, CliError> {
    // Listen first: a port in use must not leave the seed written into an empty store.
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|err| CliError::Other(format!("cannot listen on {}: {err}", args.addr)))?;
    let local = listener.local_addr().map_err(|err| CliError::Other(err.to_string()))?;
    let store = open_store(&args.store, IndexMode::Background).await?;
    if io::seed_if_empty(store.as_ref()).await.map_err(|err| CliError::Other(err.to_string()))? {
        tracing::info!("loaded the seed dataset into the empty store");
    }
    let graph = Graph::new(store);
    let schema = build_schema(graph.clone(), Limits::default());
    let widgets = crate::http::resolve_widgets_dir(args.widgets).map(|dir| Arc::from(dir.as_path()));
    let cache = ResponseCache::new(args.response_cache_mib.saturating_mul(1024 * 1024)).map(Arc::new);
    let queries = QueryRunner::new(schema, args.limits.queries(BLOCKING_THREADS))
        .map_err(|err| CliError::Other(format!("cannot start the query runtime: {err}")))?;
    let config = HttpConfig { public_url: args.public_url, ..args.limits.http() };
    let router = app(AppState { queries, graph, config, widgets, cache, persisted: PersistedQueries::default() });
    let shutdown = shutdown_signal();
    println!("partnergraph listening on http://{local} (GraphiQL: http://{local}/graphiql)");
    tracing::info!(%local, "listening");
    crate::http::serve(listener, router, args.limits.connections(), shutdown).await;
    Ok(ExitCode::SUCCESS)
}

/// Checks `--public-url`: `http(s)://host[:port]`, no path, query or user; a trailing slash is dropped.
fn parse_public_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim_end_matches('/');
    let host = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', '@', ' ']) => Ok(trimmed.to_owned()),
        _ => Err(format!("`{text}` is not a base URL like https://maps.example.org")),
    }
}

/// A future that resolves on SIGTERM or Ctrl-C. The handlers are installed when this is called, not when
/// the future is first polled, so a signal that arrives right after the "listening" line still shuts the
/// server down gracefully instead of killing it.
fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let interrupt = tokio::signal::ctrl_c();
    async move {
        #[cfg(unix)]
        match terminate {
            Some(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            None => {
                let _ = interrupt.await;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = interrupt.await;
        }
        tracing::info!("shutting down");
    }
}

async fn import(args: ImportArgs) -> Result<ExitCode, CliError> {
    let store = open_store(&args.store, IndexMode::Off).await?;
    let (sheets, files): (Vec<&PathBuf>, Vec<&PathBuf>) = args.files.iter().partition(|path| is_csv(path));
    let mut failed = !sheets.is_empty() && import_csv_sheets(store.as_ref(), &sheets).await?;
    for path in files {
        // Streamed: a file of millions of records is never held whole in memory as text.
        let file = match std::fs::File::open(path) {
            Ok(file) => std::io::BufReader::with_capacity(1 << 20, file),
            Err(err) => {
                eprintln!("{}: cannot read: {err}", path.display());
                failed = true;
                continue;
            }
        };
        match io::import_reader(store.as_ref(), file).await {
            Ok(summary) => print_summary(&path.display().to_string(), &summary),
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
            Err(IoError::Store(err)) => return Err(err.into()),
            Err(err) => return Err(CliError::Other(err.to_string())),
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Whether `path` names a CSV sheet (by its extension).
fn is_csv(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("csv"))
}

/// Imports the CSV sheets named on one command line as one all-or-nothing unit (an elements sheet and its
/// connections sheet go in together); returns whether it failed.
async fn import_csv_sheets(store: &dyn GraphStore, paths: &[&PathBuf]) -> Result<bool, CliError> {
    let Some(sheets) = open_sheets(paths) else { return Ok(true) };
    let names = sheet_names(paths);
    match io::sheets::import_sheets(store, sheets).await {
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

fn print_summary(name: &str, summary: &crate::store::WriteSummary) {
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

async fn export(args: ExportArgs) -> Result<ExitCode, CliError> {
    let store = open_store(&args.store, IndexMode::Off).await?;
    let failed = |err: std::io::Error| CliError::Other(format!("cannot write the export: {err}"));
    let stdout = std::io::stdout();
    let mut writer: Box<dyn io::GraphWriter> = match (args.format, &args.out) {
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
    io::export_to(store.as_ref(), writer.as_mut()).await.map_err(|err| CliError::Other(err.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

fn bench_data(args: &BenchDataArgs) -> Result<ExitCode, CliError> {
    let file = std::fs::File::create(&args.out).map_err(|err| CliError::Other(format!("{}: {err}", args.out.display())))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let spec = io::synthetic::SyntheticSpec { nodes: args.nodes, edges: args.edges, seed: args.seed };
    let (nodes, edges) = io::synthetic::generate(spec, &mut out).map_err(|err| CliError::Other(err.to_string()))?;
    println!("{}: {nodes} nodes, {edges} edges", args.out.display());
    Ok(ExitCode::SUCCESS)
}

fn backup(args: &BackupArgs) -> Result<ExitCode, CliError> {
    let summary = EmbeddedStore::backup(&args.data, &args.dest)?;
    println!(
        "{}: backed up {} nodes and {} edges (generation {}) from {}",
        args.dest.display(),
        summary.nodes,
        summary.edges,
        summary.generation,
        args.data.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn restore(args: &RestoreArgs) -> Result<ExitCode, CliError> {
    let summary = EmbeddedStore::restore(&args.data, &args.src, args.force).map_err(|err| match err {
        StoreError::Locked { path } => {
            CliError::Other(format!("{path} is open in another process (partnergraph serve or import): stop it, then restore"))
        }
        other => other.into(),
    })?;
    println!("{}: restored {} nodes and {} edges from {}", args.data.display(), summary.nodes, summary.edges, args.src.display());
    Ok(ExitCode::SUCCESS)
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let (sheets, files): (Vec<&PathBuf>, Vec<&PathBuf>) = files.iter().partition(|path| is_csv(path));
    let mut failed = !sheets.is_empty() && validate_csv_sheets(&sheets);
    for path in files {
        // Streamed, like an import: only the ids of a large file are held, never its records.
        let checked = std::fs::File::open(path).and_then(|file| dataset::check_reader(std::io::BufReader::with_capacity(1 << 20, file)));
        match checked {
            Ok(report) if report.problems.is_empty() => {
                println!("{}: ok ({} nodes, {} edges)", path.display(), report.nodes, report.edges);
            }
            Ok(report) => {
                for problem in &report.problems {
                    println!("{}:{}: {}", path.display(), problem.line, problem.kind);
                }
                println!("{}: {} problem(s)", path.display(), dataset::problem_total(&report.problems));
                failed = true;
            }
            Err(err) => {
                eprintln!("{}: cannot read: {err}", path.display());
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
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
        match std::fs::File::open(path) {
            Ok(file) => sheets.push(Box::new(std::io::BufReader::with_capacity(1 << 20, file))),
            Err(err) => {
                eprintln!("{}: cannot read: {err}; no CSV sheet was read", path.display());
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
