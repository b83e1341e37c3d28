//! The `partnergraph` binary: everything happens in `partnergraph::cli`.

/// mimalloc instead of the system allocator: serving a large answer allocates many small values, and
/// glibc's malloc took about a quarter of the time (BENCHMARKS.md, profile of round 3).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    partnergraph::cli::run()
}
