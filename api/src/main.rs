//! The `partnergraph` binary: everything happens in `partnergraph::cli`.

fn main() -> std::process::ExitCode {
    partnergraph::cli::run()
}
