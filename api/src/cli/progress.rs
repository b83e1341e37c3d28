//! The progress of reading a file on a terminal: bytes read of the file's size, the rate and the time left,
//! drawn on stderr while `import` or `validate` reads it (indicatif). When stderr is not a terminal nothing
//! is drawn; the plain summary printed after each file is the same either way.

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressBarIter, ProgressDrawTarget, ProgressStyle};

/// A file read through its progress bar.
pub(super) type Tracked = BufReader<ProgressBarIter<File>>;

/// `file` (at `path`) read through a progress bar, drawn only when stderr is a terminal; the bar is
/// returned to be cleared when the file is done.
pub(super) fn track(path: &Path, file: File, capacity: usize) -> (Tracked, ProgressBar) {
    let size = file.metadata().map(|metadata| metadata.len()).unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    let template = if size > 0 {
        "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta} left"
    } else {
        "{prefix} {spinner} {bytes} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(path.display().to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    let reader = BufReader::with_capacity(capacity, bar.wrap_read(file));
    (reader, bar)
}
