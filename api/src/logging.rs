//! Structured logs with `tracing`, to stderr: human-readable by default, JSON lines with
//! `PARTNERGRAPH_LOG_FORMAT=json`; the filter comes from `PARTNERGRAPH_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls do nothing).
pub fn init() {
    let filter = EnvFilter::try_from_env("PARTNERGRAPH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("PARTNERGRAPH_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
