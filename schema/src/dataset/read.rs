//! Reading dataset text into records: from a string or streamed from a reader, split at line boundaries and
//! parsed on several threads, with the same records, problems and line numbers as a line-by-line read.
//!
//! Streaming means a large file is never held whole in memory as text: only one block of lines at a time.

use std::io::{self, BufRead};

use super::limits::MAX_LINE_BYTES;
use super::problems::ProblemList;
use super::{Dataset, Lined, Problem, ProblemKind, problem, strip_position};
use crate::wire::Record;

pub use lines::NotText;

mod lines;

/// Text smaller than this is parsed on the calling thread.
const PARALLEL_MIN_BYTES: usize = 1 << 20;
/// Bytes read from a reader per block (a block then grows to the end of its last line, which is at most
/// [`MAX_LINE_BYTES`] long).
const BLOCK_BYTES: usize = 4 << 20;
/// At most this many parsing threads, whatever the machine has.
const MAX_THREADS: usize = 8;

/// Reads a dataset; blank lines and lines starting with `//` are skipped.
pub fn parse(text: &str) -> (Dataset, Vec<Problem>) {
    let mut reading = Reading::default();
    let part = reading.block(text);
    (part.dataset, part.problems)
}

/// Reads a dataset from `reader` block by block; the same result as [`parse`] on the whole text (a line
/// that is not UTF-8 is a problem at its line). Fails as [`read_blocks`] does.
pub fn parse_reader(reader: impl BufRead) -> io::Result<(Dataset, Vec<Problem>)> {
    let mut dataset = Dataset::default();
    let mut problems = ProblemList::default();
    read_blocks(reader, |mut block, block_problems| {
        dataset.nodes.append(&mut block.nodes);
        dataset.edges.append(&mut block.edges);
        dataset.places.append(&mut block.places);
        problems.extend(block_problems);
    })?;
    Ok((dataset, problems.finish()))
}

/// Reads a dataset from `reader` and hands each block of whole lines to `each` as soon as it is parsed,
/// with line numbers counted from the start of the stream: only one block of text and records is held at a
/// time. Together the blocks hold what [`parse_reader`] returns. A line longer than
/// [`MAX_LINE_BYTES`](super::limits::MAX_LINE_BYTES) is skipped without being held, and a line that is not
/// UTF-8 is not parsed: each is a problem at its line, and the other lines are read. Fails if reading fails
/// or the file is not text (a NUL byte: [`NotText`]); blocks handed over before a failure are then part of
/// an incomplete read.
pub fn read_blocks(mut reader: impl BufRead, mut each: impl FnMut(Dataset, Vec<Problem>)) -> io::Result<()> {
    let mut reading = Reading::default();
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK_BYTES + MAX_LINE_BYTES + 2);
    loop {
        let mut skipped = Vec::new();
        let mut lines = 0;
        let mut ended = false;
        while block.len() < BLOCK_BYTES {
            let line = reading.lines + lines + 1;
            match lines::read_line(&mut reader, &mut block, line)? {
                lines::Line::End => {
                    ended = true;
                    break;
                }
                lines::Line::Kept => {}
                lines::Line::TooLong => skipped.push(problem(line, ProblemKind::LineTooLong)),
            }
            lines += 1;
        }
        if block.is_empty() {
            break;
        }
        skipped.extend(lines::blank_invalid_utf8(&mut block, reading.lines));
        let text =
            std::str::from_utf8(&block).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))?;
        let mut part = reading.block(text);
        if !skipped.is_empty() {
            let mut problems = ProblemList::default();
            problems.extend(std::mem::take(&mut part.problems));
            problems.extend(skipped);
            part.problems = problems.finish();
        }
        each(part.dataset, part.problems);
        block.clear();
        if ended {
            break;
        }
    }
    Ok(())
}

/// How many lines were read before the current block.
#[derive(Default)]
struct Reading {
    lines: usize,
}

impl Reading {
    /// Parses `text`, whole lines that follow the lines read so far, with line numbers from the start.
    fn block(&mut self, text: &str) -> Part {
        let threads = std::thread::available_parallelism().map_or(1, |count| count.get()).min(MAX_THREADS);
        let parts = if threads < 2 || text.len() < PARALLEL_MIN_BYTES {
            vec![parse_part(text)]
        } else {
            let pieces = split_lines(text, threads);
            std::thread::scope(|scope| {
                let helpers: Vec<_> = pieces[1..].iter().map(|piece| scope.spawn(move || parse_part(piece))).collect();
                let mut parsed = vec![parse_part(pieces[0])];
                for helper in helpers {
                    parsed.push(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
                }
                parsed
            })
        };
        let parts_count = parts.len();
        let mut block = Part { dataset: Dataset::default(), problems: Vec::new(), lines: 0 };
        for part in parts {
            self.append(&mut block, part);
        }
        if parts_count > 1 {
            let mut problems = ProblemList::default();
            problems.extend(std::mem::take(&mut block.problems));
            block.problems = problems.finish();
        }
        block
    }

    /// Moves `part` to the end of `block`, counting its lines after every line read so far.
    fn append(&mut self, block: &mut Part, mut part: Part) {
        let offset = self.lines;
        for node in &mut part.dataset.nodes {
            node.line += offset;
        }
        for edge in &mut part.dataset.edges {
            edge.line += offset;
        }
        for place in &mut part.dataset.places {
            place.line += offset;
        }
        for problem in &mut part.problems {
            problem.line += offset;
        }
        block.dataset.nodes.append(&mut part.dataset.nodes);
        block.dataset.edges.append(&mut part.dataset.edges);
        block.dataset.places.append(&mut part.dataset.places);
        block.problems.append(&mut part.problems);
        block.lines += part.lines;
        self.lines += part.lines;
    }
}

/// `text` cut into about `count` pieces, each ending at a line end (the last at the end of `text`).
fn split_lines(text: &str, count: usize) -> Vec<&str> {
    let mut parts = Vec::with_capacity(count);
    let mut rest = text;
    for remaining in (2..=count).rev() {
        let target = rest.len() / remaining;
        match rest.as_bytes()[target..].iter().position(|byte| *byte == b'\n') {
            Some(newline) => {
                let (part, tail) = rest.split_at(target + newline + 1);
                parts.push(part);
                rest = tail;
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

/// What one piece of text held, with line numbers counted from 1 within the piece.
struct Part {
    dataset: Dataset,
    problems: Vec<Problem>,
    lines: usize,
}

fn parse_part(text: &str) -> Part {
    let mut dataset = Dataset::default();
    let mut problems = ProblemList::default();
    let mut lines = 0;
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        lines = line;
        if raw.len() > MAX_LINE_BYTES {
            problems.push(problem(line, ProblemKind::LineTooLong));
            continue;
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        let (record, found) = match serde_json::from_str::<Record>(trimmed) {
            Ok(record) => (Some(record), Vec::new()),
            Err(err) => diagnose(trimmed, &err),
        };
        problems.extend(found.into_iter().map(|kind| problem(line, kind)));
        match record {
            Some(Record::Node(record)) => dataset.nodes.push(Lined { line, record: *record }),
            Some(Record::Edge(record)) => dataset.edges.push(Lined { line, record }),
            Some(Record::Place(record)) => dataset.places.push(Lined { line, record }),
            None => {}
        }
    }
    Part { dataset, problems: problems.finish(), lines }
}

/// What is wrong with a line that did not read as a record (`err` is the first error found): every date
/// field that is not a date, each on its own, then whatever else is wrong with the rest. If only dates
/// were wrong, the record without them, so that its id still counts for the rest of the file.
fn diagnose(text: &str, err: &serde_json::Error) -> (Option<Record>, Vec<ProblemKind>) {
    let syntax = |err: &serde_json::Error| ProblemKind::Syntax(strip_position(&err.to_string()));
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) else {
        return (None, vec![syntax(err)]);
    };
    let mut problems = Vec::new();
    let fields = value.as_object_mut().filter(|record| record.len() == 1).and_then(|record| record.values_mut().next());
    if let Some(fields) = fields.and_then(serde_json::Value::as_object_mut) {
        for field in ["start", "end", "from", "to"] {
            if let Some(serde_json::Value::String(date)) = fields.get(field)
                && date.parse::<crate::PartialDate>().is_err()
            {
                problems.push(ProblemKind::InvalidDate { field, value: date.clone() });
                fields.remove(field);
            }
        }
    }
    if problems.is_empty() {
        return (None, vec![syntax(err)]);
    }
    match serde_json::from_value::<Record>(value) {
        Ok(record) => (Some(record), problems),
        Err(rest) => {
            problems.push(syntax(&rest));
            (None, problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(lines: usize) -> String {
        let mut text = String::from("// header\n\n");
        for n in 0..lines {
            text.push_str(&format!(
                "{{\"node\":{{\"id\":\"agency:a{n}\",\"kind\":\"AGENCY\",\"name\":\"Agency {n}\",\"sources\":[{{\"document\":\"d\"}}]}}}}\r\n"
            ));
            if n % 1000 == 7 {
                text.push_str("{not json}\n   \n");
            }
        }
        text.push_str("{\"edge\":{\"id\":\"e\",\"type\":\"PART_OF\",\"source\":\"agency:a0\",\"target\":\"agency:a1\",\"sources\":[]}}");
        text
    }

    fn serial(text: &str) -> (Dataset, Vec<Problem>) {
        let part = parse_part(text);
        (part.dataset, part.problems)
    }

    #[test]
    fn parallel_and_streamed_reads_match_a_line_by_line_read() {
        let text = sample(40_000);
        assert!(text.len() > PARALLEL_MIN_BYTES, "the sample is large enough to be split");
        let expected = serial(&text);
        assert_eq!(expected.0.nodes.len(), 40_000);
        assert_eq!(expected.1.len(), 40);
        assert_eq!(parse(&text), expected);
        let streamed = parse_reader(io::BufReader::with_capacity(1000, text.as_bytes())).expect("read");
        assert_eq!(streamed, expected);
    }

    #[test]
    fn split_lines_cuts_only_after_line_ends() {
        let text = "a\nbb\nccc\ndddd\n";
        for count in 1..8 {
            let parts = split_lines(text, count);
            assert_eq!(parts.concat(), text);
            assert!(parts.iter().all(|part| part.is_empty() || part.ends_with('\n')));
        }
        assert_eq!(split_lines("no newline at all", 4).concat(), "no newline at all");
    }

    #[test]
    fn invalid_utf8_is_a_problem_at_its_line_and_the_other_lines_are_read() {
        let bytes: &[u8] = b"// ok\n\xff\xfe\n{\"node\":{\"id\":\"agency:a\",\"kind\":\"AGENCY\",\"name\":\"A\",\"sources\":[{\"document\":\"d\"}]}}\n{oops}\n";
        let (dataset, problems) = parse_reader(bytes).expect("read");
        assert_eq!(dataset.nodes.len(), 1);
        assert_eq!(dataset.nodes[0].line, 3);
        let found: Vec<_> = problems.iter().map(|problem| (problem.line, problem.kind.clone())).collect();
        assert!(matches!(found.as_slice(), [(2, ProblemKind::NotUtf8 { column: 1 }), (4, ProblemKind::Syntax(_))]), "{found:?}");
    }

    #[test]
    fn an_overlong_line_is_a_problem_in_a_streamed_read_and_in_a_read_of_the_whole_text() {
        let long = format!("{{\"node\":{{\"name\":\"{}\"}}}}", "x".repeat(MAX_LINE_BYTES));
        let text = format!("// a\n{long}\n{{oops}}\n");
        let expected = parse(&text);
        assert_eq!(expected.1.len(), 2);
        assert_eq!((expected.1[0].line, &expected.1[0].kind), (2, &ProblemKind::LineTooLong));
        assert_eq!(expected.1[1].line, 3);
        let streamed = parse_reader(io::BufReader::with_capacity(4096, text.as_bytes())).expect("read");
        assert_eq!(streamed, expected);
    }

    #[test]
    fn two_bad_dates_on_one_line_are_two_problems_and_the_record_still_counts() {
        let text = concat!(
            r#"{"edge":{"id":"agency:a>funds>agency:b","type":"FUNDS","source":"agency:a","target":"agency:b","from":"2014-13","to":"20x","sources":[{"document":"d"}]}}"#,
            "\n",
            r#"{"node":{"id":"event:e","kind":"EVENT","name":"E","start":"2014-02-30","colour":"red","sources":[{"document":"d"}]}}"#,
        );
        let (dataset, problems) = parse(text);
        let found: Vec<_> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].starts_with("line 1: `from` is `2014-13`, which is not a date"), "{found:?}");
        assert!(found[1].starts_with("line 1: `to` is `20x`, which is not a date"), "{found:?}");
        assert!(found[2].starts_with("line 2: `start` is `2014-02-30`"), "{found:?}");
        assert!(found[3].starts_with("line 2: not a valid record: unknown field `colour`"), "{found:?}");
        assert_eq!(dataset.edges.len(), 1, "an edge with only bad dates still counts for the rest of the file");
        assert!(dataset.nodes.is_empty());
    }
}
