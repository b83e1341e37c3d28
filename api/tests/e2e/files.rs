//! Hostile and broken dataset files through the real binary (issue 17): a file that is not text ends
//! quickly with a clear message, a line far over the limit is skipped in bounded memory, and problems that
//! used to hide others (invalid UTF-8, a second bad date) are each reported at their line.

use std::io::Write;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::server::{binary, run};

/// Peak resident memory accepted for reading a hostile file: the reader holds one block of 4 MiB and one
/// line of at most 1 MiB; before the limits, `validate /dev/zero` grew to 5 GB.
const MAX_PEAK_RSS_KIB: u64 = 100 * 1024;

/// What a finished child did: its exit status, stdout and stderr, and the highest `VmHWM` (peak resident
/// set, KiB) read from `/proc/PID/status` while it ran, polled every few milliseconds. `VmHWM` only
/// grows, so the last reading is the peak up to that moment; growth in the child's last milliseconds could
/// be missed, which is why the inputs below keep it busy while it reads.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    peak_kib: u64,
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Waits for `child` (with `feed` writing its stdin on a thread, if given) for at most `timeout`,
/// polling its peak memory; kills it and fails the test if it takes longer.
fn watch(mut child: Child, timeout: Duration, feed: Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>>) -> Finished {
    let feeder = feed.map(|feed| {
        let stdin = child.stdin.take().expect("stdin");
        std::thread::spawn(move || feed(stdin))
    });
    let (stdout, stderr) = (child.stdout.take().expect("stdout"), child.stderr.take().expect("stderr"));
    let read_all = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).expect("read output");
            text
        })
    };
    let (stdout, stderr) = (read_all(Box::new(stdout)), read_all(Box::new(stderr)));
    let started = Instant::now();
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(child.id()) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > timeout {
            child.kill().expect("kill");
            panic!("still running after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(3));
    };
    if let Some(feeder) = feeder {
        feeder.join().expect("feeder");
    }
    Finished { status, stdout: stdout.join().expect("stdout"), stderr: stderr.join().expect("stderr"), peak_kib }
}

fn spawn(args: &[&str], stdin: Stdio) -> Child {
    Command::new(binary())
        .args(args)
        .env("PARTNERGRAPH_LOG", "warn")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn partnergraph")
}

#[test]
fn validate_and_import_of_dev_zero_end_at_once_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data").display().to_string();
    for args in [vec!["validate", "/dev/zero"], vec!["import", "--data", &data, "/dev/zero"]] {
        let started = Instant::now();
        let finished = watch(spawn(&args, Stdio::null()), Duration::from_secs(20), None);
        assert_eq!(finished.status.code(), Some(1), "{args:?}: {}", finished.stderr);
        let expected = "/dev/zero: cannot read: line 1, column 1: a NUL byte: this is not a text file";
        assert!(finished.stderr.contains(expected), "{args:?}: {}", finished.stderr);
        assert!(started.elapsed() < Duration::from_secs(10), "{args:?} took {:?}", started.elapsed());
        assert!(finished.peak_kib < MAX_PEAK_RSS_KIB, "{args:?} peaked at {} KiB", finished.peak_kib);
    }
    let exported = run(&["export", "--data", &data, "--format", "json"]);
    assert!(exported.status.success());
    let records = String::from_utf8_lossy(&exported.stdout).lines().filter(|line| !line.starts_with("//")).count();
    assert_eq!(records, 0, "nothing was imported");
}

/// A 256 MiB line with no NUL byte (what `validate` of a huge minified file or a log would meet) is read to
/// its end and skipped without being held: the problem names its line, the line after it is still read,
/// and the process stays small.
#[test]
fn a_line_of_256_mib_is_skipped_in_bounded_memory_and_the_next_line_still_read() {
    let feed = |mut stdin: std::process::ChildStdin| {
        let chunk = vec![b'x'; 1 << 20];
        stdin.write_all(b"// first line\n{\"node\": \"").expect("write");
        for _ in 0..256 {
            stdin.write_all(&chunk).expect("write");
        }
        stdin.write_all(b"\"}\n{not json}\n").expect("write");
    };
    let finished = watch(spawn(&["validate", "/dev/stdin"], Stdio::piped()), Duration::from_secs(60), Some(Box::new(feed)));
    assert_eq!(finished.status.code(), Some(1), "{}", finished.stderr);
    let expected = "/dev/stdin:2: the line is longer than 1048576 bytes, the longest a record may be; it was skipped";
    assert!(finished.stdout.contains(expected), "{}", finished.stdout);
    assert!(finished.stdout.contains("/dev/stdin:3: not a valid record"), "{}", finished.stdout);
    assert!(finished.stdout.contains("/dev/stdin: 2 problem(s)"), "{}", finished.stdout);
    assert!(finished.peak_kib > 0, "the peak was read");
    assert!(finished.peak_kib < MAX_PEAK_RSS_KIB, "peaked at {} KiB", finished.peak_kib);
}

/// Problems that used to hide others: a line that is not UTF-8 is reported at its line and every other line
/// is still checked; both bad dates of one line are reported; a 301-character quote and an edge id off the
/// documented form are problems; a place without `credit` is fine.
#[test]
fn validate_reports_what_used_to_hide_behind_the_first_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("mixed.jsonl");
    let quote = "q".repeat(301);
    let mut text = Vec::new();
    text.extend_from_slice(b"{\"node\": {\"id\": \"country:THA\", \"kind\": \"COUNTRY\", \"name\": \"Thailand\", \"iso3\": \"THA\", \"sources\": [{\"document\": \"d\"}]}}\n");
    text.extend_from_slice(b"{\"node\": {\"id\": \"agency:caf\xe9\", \"kind\": \"AGENCY\"}}\n");
    text.extend_from_slice(b"{\"node\": {\"id\": \"event:e\", \"kind\": \"EVENT\", \"name\": \"E\", \"start\": \"2014-13\", \"end\": \"soon\", \"sources\": [{\"document\": \"d\"}]}}\n");
    text.extend_from_slice(
        format!("{{\"node\": {{\"id\": \"agency:a\", \"kind\": \"AGENCY\", \"name\": \"A\", \"sources\": [{{\"document\": \"d\", \"quote\": \"{quote}\"}}]}}}}\n")
            .as_bytes(),
    );
    text.extend_from_slice(b"{\"edge\": {\"id\": \"e1\", \"type\": \"PART_OF\", \"source\": \"agency:a\", \"target\": \"country:THA\", \"sources\": [{\"document\": \"d\"}]}}\n");
    text.extend_from_slice(b"{\"place\": {\"id\": \"country:THA\", \"location\": {\"lat\": 15, \"lon\": 101}}}\n");
    std::fs::write(&file, text).expect("write");
    let output = run(&["validate", &file.display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stdout);
    for expected in [
        ":2: the line is not UTF-8 text (invalid byte at column 28)",
        ":3: `start` is `2014-13`, which is not a date",
        ":3: `end` is `soon`, which is not a date",
        ":4: `agency:a` has a `quote` of 301 characters, over the limit of 300",
        ":5: edge id `e1` does not follow the form `agency:a>part_of>country:THA`",
        ": 5 problem(s)",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in:\n{report}");
    }
}

/// A text file that is all problems (a log given by mistake: a million lines of `x`) is checked in bounded
/// memory: the first 10,000 problems are listed, the rest counted (before, this 2 MB file took 290 MB).
#[test]
fn a_file_of_a_million_bad_lines_lists_the_first_problems_and_counts_the_rest() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("log.txt");
    std::fs::write(&file, "x\n".repeat(1_000_000)).expect("write");
    let finished = watch(spawn(&["validate", &file.display().to_string()], Stdio::null()), Duration::from_secs(120), None);
    assert_eq!(finished.status.code(), Some(1), "{}", finished.stderr);
    let lines: Vec<&str> = finished.stdout.lines().collect();
    assert_eq!(lines.len(), 10_002, "10,000 problems, the count of the others, the total");
    assert!(lines[9_999].contains("log.txt:10000: not a valid record"), "{}", lines[9_999]);
    assert!(
        lines[10_000].ends_with("log.txt:10001: 990000 more problem(s) from this line on are not listed (a report lists the first 10000)")
    );
    assert!(lines[10_001].ends_with("log.txt: 1000000 problem(s)"), "{}", lines[10_001]);
    assert!(finished.peak_kib < MAX_PEAK_RSS_KIB, "peaked at {} KiB", finished.peak_kib);
}
