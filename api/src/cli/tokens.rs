//! Curation on the command line: `partnergraph token create|list|revoke`, the API tokens that may
//! write over GraphQL, and `partnergraph changes`, the audit trail as JSON Lines. The store is opened
//! beside a running `serve` (the embedded store is shared between processes), and `serve` reads the
//! tokens on every mutation, so a token works, or stops working, at once.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use crate::cli::{CliError, StoreArgs};
use std::sync::Arc;

use crate::graph::{Graph, MAX_CHANGES_PAGE};
use crate::store::{GraphRead, GraphStore, Scope};
use crate::tokens::{self, TokenError};

/// What to do with tokens.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Make a token and print it alone on stdout (it is shown this once; the store keeps its hash).
    Create(CreateArgs),
    /// List the tokens: name, scope, when created, when revoked (never the tokens).
    List(StoreOnly),
    /// Revoke the token called NAME at once.
    Revoke(RevokeArgs),
}

impl TokenCommand {
    /// The store the command works on.
    pub(crate) fn store(&self) -> &StoreArgs {
        match self {
            TokenCommand::Create(args) => &args.store,
            TokenCommand::List(args) => &args.store,
            TokenCommand::Revoke(args) => &args.store,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The token's unique name (letters, digits, `.`, `_`, `-`); the audit trail names each change's token.
    #[arg(long)]
    name: String,
    /// What it may do: `write` (upsert and delete nodes and edges) or `admin` (also delete a node with its
    /// edges, and revoke tokens over the API).
    #[arg(long, value_enum, default_value_t = ScopeArg::Write)]
    scope: ScopeArg,
}

#[derive(Debug, Args)]
pub(crate) struct ChangesArgs {
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Only changes committed at or after this time (RFC 3339, e.g. 2026-12-07T12:00:00Z).
    #[arg(long)]
    since: Option<String>,
    /// Only changes numbered after this one.
    #[arg(long, default_value_t = 0)]
    after: u64,
}

/// Prints the changes `args` asks for, one JSON object a line, page by page.
pub(crate) async fn print_changes(store: Arc<dyn GraphStore>, args: &ChangesArgs) -> Result<ExitCode, CliError> {
    use std::io::Write;
    let graph = Graph::new(store as Arc<dyn GraphRead>);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut after = args.after;
    loop {
        let page = graph.changes(args.since.as_deref(), after, MAX_CHANGES_PAGE).await.map_err(|err| CliError::Other(err.to_string()))?;
        for change in &page.changes {
            let line = serde_json::to_string(change).map_err(|err| CliError::Other(err.to_string()))?;
            writeln!(out, "{line}").map_err(|err| CliError::Other(format!("cannot write: {err}")))?;
            after = change.seq;
        }
        if !page.has_next {
            break;
        }
    }
    out.flush().map_err(|err| CliError::Other(format!("cannot write: {err}")))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub(crate) struct StoreOnly {
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The token's name.
    name: String,
}

/// A token's scope on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScopeArg {
    /// Upsert and delete nodes and edges.
    Write,
    /// Also delete nodes with their edges, and revoke tokens.
    Admin,
}

impl From<ScopeArg> for Scope {
    fn from(scope: ScopeArg) -> Scope {
        match scope {
            ScopeArg::Write => Scope::Write,
            ScopeArg::Admin => Scope::Admin,
        }
    }
}

fn failed(err: TokenError) -> CliError {
    match err {
        TokenError::Store(store) => CliError::Store(store),
        other => CliError::Other(other.to_string()),
    }
}

/// Runs `command` on `store`.
pub(crate) async fn run(store: &dyn GraphStore, command: TokenCommand) -> Result<ExitCode, CliError> {
    match command {
        TokenCommand::Create(args) => {
            let token = tokens::create(store, &args.name, args.scope.into()).await.map_err(failed)?;
            println!("{token}");
            eprintln!(
                "token `{}` ({}) created; it is shown only now: keep it where secrets are kept",
                args.name,
                Scope::from(args.scope).as_str()
            );
        }
        TokenCommand::List(_) => {
            println!("name\tscope\tcreated\trevoked");
            for token in store.tokens().await? {
                println!("{}\t{}\t{}\t{}", token.name, token.scope.as_str(), token.created, token.revoked.as_deref().unwrap_or("-"));
            }
        }
        TokenCommand::Revoke(args) => {
            tokens::revoke(store, &args.name).await.map_err(failed)?;
            eprintln!("token `{}` revoked", args.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
