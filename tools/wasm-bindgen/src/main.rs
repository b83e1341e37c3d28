//! `partnergraph-wasm-bindgen IN.wasm OUT_DIR`: the wasm-bindgen step of `scripts/build-widgets.sh`.
//!
//! A workspace tool instead of `cargo install wasm-bindgen-cli`, so the bindgen library always has the
//! exact version the widget crate was compiled against (both are pinned with `=` and share Cargo.lock).
//! Output: the `web` target (an ES module plus the processed wasm), no TypeScript, no name or producers
//! sections.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: partnergraph-wasm-bindgen IN.wasm OUT_DIR");
        return ExitCode::from(2);
    };
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen.input_path(PathBuf::from(input)).typescript(false).remove_name_section(true).remove_producers_section(true);
    let res = bindgen.web(true).and_then(|bindgen| bindgen.generate(out_dir));
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("wasm-bindgen failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
