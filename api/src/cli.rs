//! The command line: `serve`, `import`, `export`, `validate`, `schema` (the CLI contract of the design
//! note). Every flag can also be set by an environment variable (`PARTNERGRAPH_ADDR`, …), for
//! deployments. This module parses arguments and wires the layers together; it holds no logic of its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use partnergraph_schema::dataset;

use crate::gql::{Limits, build_schema, sdl};
use crate::graph::Graph;
use crate::http::{AppState, HttpConfig, ResponseCache, app};
use crate::io::{self, IoError};
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
    /// Import dataset files (JSON Lines) and IATI activity and organisation XML; each file is
    /// all-or-nothing and importing twice changes nothing.
    Import(ImportArgs),
    /// Export the whole graph to stdout in the dataset format, in a stable order.
    Export(ExportArgs),
    /// Check dataset files (JSON Lines, IATI XML) and report every problem with its line; exit 1 if any
    /// file would be refused.
    Validate(ValidateArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Generate a deterministic synthetic IATI-shaped dataset for benchmarks.
    BenchData(BenchDataArgs),
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
    /// Seconds a GraphQL request may run.
    #[arg(long, env = "PARTNERGRAPH_REQUEST_TIMEOUT", default_value_t = 10)]
    request_timeout: u64,
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
    /// The files' format; by default each file's is told from its content.
    #[arg(long, value_enum)]
    format: Option<InputFormat>,
    /// Files to import.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// The formats `import` and `validate` read.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum InputFormat {
    /// IATI activity or organisation XML.
    Iati,
    /// The dataset format (JSON Lines).
    Jsonl,
}

impl From<InputFormat> for io::Format {
    fn from(format: InputFormat) -> io::Format {
        match format {
            InputFormat::Iati => io::Format::Iati,
            InputFormat::Jsonl => io::Format::Jsonl,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// The dataset format (JSON Lines).
    Json,
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Output format.
    #[arg(long, value_enum)]
    format: Format,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// The files' format; by default each file's is told from its content.
    #[arg(long, value_enum)]
    format: Option<InputFormat>,
    /// Files to check.
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
        Command::Validate(args) => Ok(validate(&args)),
        Command::Schema => {
            print!("{}", sdl());
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchData(args) => bench_data(&args),
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
    let store = open_store(&args.store, IndexMode::Background).await?;
    if io::seed_if_empty(store.as_ref()).await.map_err(|err| CliError::Other(err.to_string()))? {
        tracing::info!("loaded the seed dataset into the empty store");
    }
    let graph = Graph::new(store);
    let schema = build_schema(graph.clone(), Limits::default());
    let config = HttpConfig { request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)), ..HttpConfig::default() };
    let widgets = crate::http::resolve_widgets_dir(args.widgets).map(|dir| Arc::from(dir.as_path()));
    let cache = ResponseCache::new(args.response_cache_mib.saturating_mul(1024 * 1024)).map(Arc::new);
    let router = app(AppState { schema, graph, config, widgets, cache });
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|err| CliError::Other(format!("cannot listen on {}: {err}", args.addr)))?;
    let local = listener.local_addr().map_err(|err| CliError::Other(err.to_string()))?;
    let shutdown = shutdown_signal();
    println!("partnergraph listening on http://{local} (GraphiQL: http://{local}/graphiql)");
    tracing::info!(%local, "listening");
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await.map_err(|err| CliError::Other(format!("server error: {err}")))?;
    Ok(ExitCode::SUCCESS)
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

/// Opens `path` for streaming and tells its format (`given`, else from its first bytes).
fn open_input(path: &std::path::Path, given: Option<InputFormat>) -> Result<(std::io::BufReader<std::fs::File>, io::Format), String> {
    use std::io::BufRead;
    let mut file = std::fs::File::open(path)
        .map(|file| std::io::BufReader::with_capacity(1 << 20, file))
        .map_err(|err| format!("cannot read: {err}"))?;
    if let Some(given) = given {
        return Ok((file, given.into()));
    }
    let start = file.fill_buf().map_err(|err| format!("cannot read: {err}"))?;
    match io::sniff(start) {
        Some(format) => Ok((file, format)),
        None => Err("cannot tell the format (neither XML nor JSON Lines): say it with --format".to_owned()),
    }
}

/// The name a file is cited by in the sources of what it imports.
fn document_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

async fn import(args: ImportArgs) -> Result<ExitCode, CliError> {
    let store = open_store(&args.store, IndexMode::Off).await?;
    let mut failed = false;
    for path in &args.files {
        // Streamed: a file of millions of records is never held whole in memory as text.
        let (file, format) = match open_input(path, args.format) {
            Ok(opened) => opened,
            Err(message) => {
                eprintln!("{}: {message}", path.display());
                failed = true;
                continue;
            }
        };
        let imported = match format {
            io::Format::Iati => import_iati(&store, path, file).await,
            io::Format::Jsonl => io::import_reader(store.as_ref(), file).await.map(|summary| print_summary(path, &summary)),
        };
        match imported {
            Ok(()) => {}
            Err(IoError::Invalid(problems)) => {
                for problem in &problems {
                    eprintln!("{}:{}: {}", path.display(), problem.line, problem.kind);
                }
                eprintln!("{}: {} problem(s); nothing was imported from this file", path.display(), problems.len());
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

async fn import_iati(store: &Arc<dyn GraphStore>, path: &std::path::Path, file: std::io::BufReader<std::fs::File>) -> Result<(), IoError> {
    let report = io::iati::import(Arc::clone(store), file, &document_name(path)).await?;
    for line in io::iati::warning_lines(&path.display().to_string(), &report.warnings) {
        eprintln!("{line}");
    }
    println!("{}: {report}", path.display());
    if let Some(summary) = &report.summary {
        print_summary(path, summary);
    }
    Ok(())
}

fn print_summary(path: &std::path::Path, summary: &crate::store::WriteSummary) {
    println!(
        "{}: imported: {} nodes created, {} updated, {} unchanged; {} edges created, {} updated, {} unchanged",
        path.display(),
        summary.nodes_created,
        summary.nodes_updated,
        summary.nodes_unchanged,
        summary.edges_created,
        summary.edges_updated,
        summary.edges_unchanged
    );
}

async fn export(args: ExportArgs) -> Result<ExitCode, CliError> {
    let Format::Json = args.format;
    let store = open_store(&args.store, IndexMode::Off).await?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    io::export(store.as_ref(), &mut out).await.map_err(|err| CliError::Other(err.to_string()))?;
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

fn validate(args: &ValidateArgs) -> ExitCode {
    let mut failed = false;
    for path in &args.files {
        let ok = match open_input(path, args.format) {
            Ok((file, io::Format::Iati)) => validate_iati(path, file),
            Ok((file, io::Format::Jsonl)) => validate_jsonl(path, file),
            Err(message) => {
                eprintln!("{}: {message}", path.display());
                false
            }
        };
        failed |= !ok;
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn validate_iati(path: &std::path::Path, file: std::io::BufReader<std::fs::File>) -> bool {
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

fn validate_jsonl(path: &std::path::Path, file: std::io::BufReader<std::fs::File>) -> bool {
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
            println!("{}: {} problem(s)", path.display(), report.problems.len());
            false
        }
        Err(err) => {
            eprintln!("{}: cannot read: {err}", path.display());
            false
        }
    }
}
