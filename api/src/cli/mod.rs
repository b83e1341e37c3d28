//! The command line: `serve`, `import`, `export`, `validate`, `schema` (the CLI contract of the design
//! note), `bench-data`, `backup` and `restore` of the embedded store, and `migrate` of a Bolt database. Every flag can also be set by an
//! environment variable (`PARTNERGRAPH_ADDR`, …), for deployments. This module parses arguments and wires
//! the layers together; it holds no logic of its own. `files.rs` reads and writes the files of `import`,
//! `validate` and `export` in every format; `progress.rs` draws a file's progress on a terminal.

mod files;
mod progress;
mod tokens;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::feed::ChangeFeed;
use crate::gql::{Limits, build_schema, sdl};
use crate::graph::Graph;
use crate::http::{AppState, HttpConfig, LiveState, PersistedQueries, QueryRunner, ResponseCache, WriteGate, app};
use crate::io;
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
    /// Import dataset files (JSON Lines), IATI activity and organisation XML, and CSV sheets (which go in
    /// together as one unit); each file is all-or-nothing and importing twice changes nothing.
    Import(ImportArgs),
    /// Export the whole graph, in a stable order: to stdout (json, graphml, gexf), or as two CSV sheets
    /// into a directory (csv: `--out DIR` gets elements.csv and connections.csv).
    Export(ExportArgs),
    /// Check dataset files (JSON Lines, IATI XML, CSV sheets together) and report every problem with its
    /// line; exit 1 if any file would be refused.
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
    /// Upgrade a Bolt database (`--store URL`) written by an older build to this build's layout, in place
    /// (resumable: run it again after an interruption; stop servers of older builds first).
    Migrate(MigrateArgs),
    /// Print the audit trail as JSON Lines, oldest first: every curation change (with the record before
    /// and after) and every imported file (with its counts).
    Changes(tokens::ChangesArgs),
    /// Manage the API tokens that may write over GraphQL (works while `serve` runs on the same store).
    #[command(subcommand)]
    Token(tokens::TokenCommand),
}

#[derive(Debug, Args)]
struct MigrateArgs {
    #[command(flatten)]
    store: StoreArgs,
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
    /// What to write: the graph in the dataset format (`--nodes`, `--edges`), or IATI activities
    /// (`--activities`).
    #[arg(long, value_enum, default_value_t = BenchFormat::Jsonl)]
    format: BenchFormat,
    /// Number of nodes (jsonl).
    #[arg(long, required_if_eq("format", "jsonl"))]
    nodes: Option<u64>,
    /// Number of edges (jsonl).
    #[arg(long, required_if_eq("format", "jsonl"))]
    edges: Option<u64>,
    /// Number of activities (iati).
    #[arg(long, required_if_eq("format", "iati"))]
    activities: Option<u64>,
    /// Seed of the generator: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

/// The formats `bench-data` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BenchFormat {
    /// The dataset format (JSON Lines).
    Jsonl,
    /// An IATI activity file.
    Iati,
}

/// Which store to open.
#[derive(Debug, Args)]
pub(crate) struct StoreArgs {
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
    /// The files' format; by default each file's is told from its content (`*.csv` files are CSV sheets).
    #[arg(long, value_enum)]
    format: Option<InputFormat>,
    /// Files to import: JSON Lines and IATI XML files each on its own, and CSV sheets (an elements sheet and
    /// a connections sheet) all together as one all-or-nothing unit, before the others.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// The formats `import` and `validate` read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InputFormat {
    /// IATI activity or organisation XML (versions 2.01–2.03).
    Iati,
    /// CSV sheets (Kumu convention: elements and connections).
    Csv,
    /// The dataset format (JSON Lines).
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
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
    /// The files' format; by default each file's is told from its content (`*.csv` files are CSV sheets).
    #[arg(long, value_enum)]
    format: Option<InputFormat>,
    /// Files to check: JSON Lines and IATI XML files each on its own, CSV sheets together.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// A failure that ends a command, with the message for stderr.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
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
        Command::Import(args) => {
            let store = open_store(&args.store, IndexMode::Off).await?;
            files::import(&store, &args.files, args.format).await
        }
        Command::Export(args) => {
            let store = open_store(&args.store, IndexMode::Off).await?;
            files::export(store.as_ref(), args.format, args.out.as_deref()).await
        }
        Command::Validate(args) => Ok(files::validate(&args.files, args.format)),
        Command::Schema => {
            print!("{}", sdl());
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchData(args) => bench_data(&args),
        Command::Backup(args) => backup(&args),
        Command::Migrate(args) => migrate(&args.store).await,
        Command::Restore(args) => restore(&args),
        Command::Changes(args) => {
            let store = open_store(&args.store, IndexMode::Off).await?;
            tokens::print_changes(store, &args).await
        }
        Command::Token(command) => {
            let store = open_store(command.store(), IndexMode::Off).await?;
            tokens::run(store.as_ref(), command).await
        }
    }
}

/// Opens the configured store; `index` says whether the embedded store keeps its topology in memory
/// (worth it for `serve`, not for one-shot commands).
async fn open_store(args: &StoreArgs, index: IndexMode) -> Result<Arc<dyn GraphStore>, CliError> {
    let Some(url) = &args.store else {
        return Ok(Arc::new(EmbeddedStore::open_with(&args.data, index)?));
    };
    Ok(Arc::new(BoltStore::connect(bolt_config(args, url)).await?))
}

/// How to reach the Bolt server at `url`, from the store flags.
fn bolt_config(args: &StoreArgs, url: &str) -> BoltConfig {
    BoltConfig {
        url: url.to_owned(),
        user: args.db_user.clone().unwrap_or_else(|| "neo4j".to_owned()),
        password: args.db_password.clone().unwrap_or_default(),
        database: args.db_name.clone(),
        max_connections: args.db_pool,
        timeout: std::time::Duration::from_secs(args.db_timeout.max(1)),
    }
}

/// `migrate`: upgrades a Bolt database to this build's layout (the embedded store upgrades itself when
/// opened).
async fn migrate(args: &StoreArgs) -> Result<ExitCode, CliError> {
    let Some(url) = &args.store else {
        return Err(CliError::Other(
            "migrate upgrades a Bolt database (--store URL); the embedded store upgrades itself when it is opened".to_owned(),
        ));
    };
    let summary = BoltStore::migrate(bolt_config(args, url)).await?;
    if summary.from == summary.to {
        println!("{url}: already at layout {}, nothing to do", summary.to);
    } else {
        println!(
            "{url}: upgraded from layout {} to layout {} ({} nodes and {} edges moved)",
            summary.from, summary.to, summary.nodes, summary.edges
        );
    }
    Ok(ExitCode::SUCCESS)
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
    let graph = Graph::new(store.clone());
    let schema = build_schema(Limits::default());
    let widgets = crate::http::resolve_widgets_dir(args.widgets).map(|dir| Arc::from(dir.as_path()));
    let cache = ResponseCache::new(args.response_cache_mib.saturating_mul(1024 * 1024)).map(Arc::new);
    let queries = QueryRunner::new(schema, args.limits.queries(BLOCKING_THREADS))
        .map_err(|err| CliError::Other(format!("cannot start the query runtime: {err}")))?;
    let config = HttpConfig { public_url: args.public_url, ..args.limits.http() };
    let writes = WriteGate::new(args.limits.writes());
    let live = LiveState::new(ChangeFeed::start(Arc::clone(&store), Arc::clone(&writes.written)), args.limits.live());
    let persisted = PersistedQueries::default();
    let router = app(AppState { queries, graph, store, config, widgets, cache, persisted, writes, live });
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

fn bench_data(args: &BenchDataArgs) -> Result<ExitCode, CliError> {
    let file = std::fs::File::create(&args.out).map_err(|err| CliError::Other(format!("{}: {err}", args.out.display())))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let written = |err: std::io::Error| CliError::Other(format!("{}: {err}", args.out.display()));
    match (args.format, args.nodes, args.edges, args.activities) {
        (BenchFormat::Jsonl, Some(nodes), Some(edges), _) => {
            let spec = io::synthetic::SyntheticSpec { nodes, edges, seed: args.seed };
            let (nodes, edges) = io::synthetic::generate(spec, &mut out).map_err(|err| CliError::Other(err.to_string()))?;
            println!("{}: {nodes} nodes, {edges} edges", args.out.display());
        }
        (BenchFormat::Iati, _, _, Some(activities)) => {
            let organisations = io::synthetic_iati::generate(activities, args.seed, &mut out).map_err(written)?;
            std::io::Write::flush(&mut out).map_err(written)?;
            println!("{}: {activities} IATI activities naming {organisations} organisations", args.out.display());
        }
        _ => return Err(CliError::Other("bench-data needs --nodes and --edges (jsonl) or --activities (iati)".to_owned())),
    }
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
