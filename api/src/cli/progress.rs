//! The progress of reading a file on a terminal: bytes read of the file's size, the IATI activities (or
//! organisations) read so far, the rate and the time left, drawn on stderr while `import` or `validate`
//! reads it (indicatif). When stderr is not a terminal nothing is drawn; the plain summary printed after
//! each file is the same either way.
//!
//! The records are counted by their start tags as the bytes go by ([`Records`]), so the parser knows
//! nothing of the bar; the summary's count is the parser's own.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressBarIter, ProgressDrawTarget, ProgressStyle};

/// A file read through its progress bar.
pub(super) type Tracked = BufReader<Counted<ProgressBarIter<File>>>;

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
        "{prefix} [{bar:30}] {bytes}/{total_bytes} {msg} {bytes_per_sec} {eta} left"
    } else {
        "{prefix} {spinner} {bytes} {msg} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(path.display().to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    let counted = Counted { inner: bar.wrap_read(file), bar: bar.clone(), records: Records::default() };
    let reader = BufReader::with_capacity(capacity, counted);
    (reader, bar)
}

/// A reader whose IATI records are counted into its bar's message.
pub(super) struct Counted<R> {
    inner: R,
    bar: ProgressBar,
    records: Records,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        let before = self.records.counts();
        self.records.feed(&buf[..read]);
        if self.records.counts() != before {
            self.bar.set_message(self.records.describe());
        }
        Ok(read)
    }
}

/// The start tags of IATI records, and what each counts.
const TAGS: [&[u8]; 2] = [b"<iati-activity", b"<iati-organisation"];

/// Counts the IATI records (`<iati-activity …>`, `<iati-organisation …>`) in bytes fed in pieces, a tag
/// split between two pieces counted once.
#[derive(Default)]
struct Records {
    /// Activities and organisations seen.
    seen: [u64; 2],
    /// The stream's last bytes: as many as a tag and the byte after it.
    tail: Vec<u8>,
}

impl Records {
    const KEEP: usize = 19;

    fn counts(&self) -> [u64; 2] {
        self.seen
    }

    /// "12345 activities", or organisations; empty before the first.
    fn describe(&self) -> String {
        let named = |count: u64, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
        let [activities, organisations] = self.seen;
        let mut parts = Vec::new();
        if activities > 0 {
            parts.push(named(activities, "activity", "activities"));
        }
        if organisations > 0 {
            parts.push(named(organisations, "organisation", "organisations"));
        }
        parts.join(", ")
    }

    /// Counts the tags that `piece`, the next bytes of the stream, completes.
    fn feed(&mut self, piece: &[u8]) {
        // Tags that begin in the stream's tail and end in this piece.
        let kept = self.tail.len();
        let mut joined = std::mem::take(&mut self.tail);
        joined.extend_from_slice(&piece[..piece.len().min(Self::KEEP)]);
        for (start, which) in tags(&joined) {
            if start < kept && start + TAGS[which].len() + 1 > kept {
                self.seen[which] += 1;
            }
        }
        // Tags whole in this piece.
        for (_, which) in tags(piece) {
            self.seen[which] += 1;
        }
        // The stream's last bytes, for the next piece.
        joined.truncate(kept);
        joined.extend_from_slice(piece);
        let from = joined.len().saturating_sub(Self::KEEP);
        self.tail = joined.split_off(from);
    }
}

/// Where IATI record tags start in `bytes` (with the byte after the name present and ending the name),
/// and which tag each is.
fn tags(bytes: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    memchr::memmem::find_iter(bytes, b"<iati-").filter_map(move |start| {
        TAGS.iter()
            .position(|tag| {
                bytes[start..].starts_with(tag)
                    && bytes.get(start + tag.len()).is_some_and(|after| matches!(after, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
            })
            .map(|which| (start, which))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = b"<?xml version=\"1.0\"?>\n<iati-activities version=\"2.03\">\n<iati-activity>\n<title/></iati-activity>\n<iati-activity xml:lang=\"en\">\n</iati-activity>\n<iati-activityx/>\n<iati-activity\n default-currency=\"USD\"/></iati-activities>\n<iati-organisation>";

    #[test]
    fn records_are_counted_once_however_the_bytes_are_split() {
        for size in 1..=FILE.len() {
            let mut records = Records::default();
            for piece in FILE.chunks(size) {
                records.feed(piece);
            }
            assert_eq!(records.counts(), [3, 1], "pieces of {size} bytes");
        }
        let mut records = Records::default();
        records.feed(FILE);
        assert_eq!(records.describe(), "3 activities, 1 organisation");
    }

    #[test]
    fn the_count_reaches_the_bar_through_the_reader() {
        let bar = ProgressBar::hidden();
        let mut counted = Counted { inner: FILE, bar: bar.clone(), records: Records::default() };
        std::io::copy(&mut counted, &mut std::io::sink()).expect("read");
        assert_eq!(bar.message(), "3 activities, 1 organisation");
    }
}
