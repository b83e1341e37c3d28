//! Reading dataset text into records: from a string or streamed from a reader, split at line boundaries and
//! parsed on several threads, with the same records, problems and line numbers as a line-by-line read.
//!
//! Streaming means a large file is never held whole in memory as text: only one block of lines at a time.

use std::io::{self, BufRead, Read};

use super::{Dataset, Lined, Problem, ProblemKind, problem, strip_position};
use crate::wire::Record;

/// Text smaller than this is parsed on the calling thread.
const PARALLEL_MIN_BYTES: usize = 1 << 20;
/// Bytes read from a reader per block (a block then grows to the end of its last line).
const BLOCK_BYTES: usize = 4 << 20;
/// At most this many parsing threads, whatever the machine has.
const MAX_THREADS: usize = 8;

/// Reads a dataset; blank lines and lines starting with `//` are skipped.
pub fn parse(text: &str) -> (Dataset, Vec<Problem>) {
    let mut reading = Reading::default();
    let part = reading.block(text);
    (part.dataset, part.problems)
}

/// Reads a dataset from `reader` block by block; the same result as [`parse`] on the whole text. Fails
/// only if reading fails or the text is not UTF-8 (as reading it into a string would).
pub fn parse_reader(reader: impl BufRead) -> io::Result<(Dataset, Vec<Problem>)> {
    let mut dataset = Dataset::default();
    let mut problems = Vec::new();
    read_blocks(reader, |mut block, mut block_problems| {
        dataset.nodes.append(&mut block.nodes);
        dataset.edges.append(&mut block.edges);
        dataset.places.append(&mut block.places);
        problems.append(&mut block_problems);
    })?;
    Ok((dataset, problems))
}

/// Reads a dataset from `reader` and hands each block of whole lines to `each` as soon as it is parsed,
/// with line numbers counted from the start of the stream: only one block of text and records is held at a
/// time. Together the blocks hold what [`parse_reader`] returns. Fails as [`parse_reader`] does; blocks
/// handed over before a failure are then part of an incomplete read.
pub fn read_blocks(mut reader: impl BufRead, mut each: impl FnMut(Dataset, Vec<Problem>)) -> io::Result<()> {
    let mut reading = Reading::default();
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK_BYTES + (64 << 10));
    loop {
        let wanted = BLOCK_BYTES.saturating_sub(block.len()).max(1);
        let read = (&mut reader).take(wanted as u64).read_to_end(&mut block)?;
        // Finish the last line of the block, so every block holds whole lines.
        if read > 0 && block.last() != Some(&b'\n') {
            reader.read_until(b'\n', &mut block)?;
        }
        if block.is_empty() {
            break;
        }
        let text =
            std::str::from_utf8(&block).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))?;
        let part = reading.block(text);
        each(part.dataset, part.problems);
        block.clear();
        if read == 0 {
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
        let mut block = Part { dataset: Dataset::default(), problems: Vec::new(), lines: 0 };
        for part in parts {
            self.append(&mut block, part);
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
    let mut problems = Vec::new();
    let mut lines = 0;
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        lines = line;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        match serde_json::from_str::<Record>(trimmed) {
            Ok(Record::Node(record)) => dataset.nodes.push(Lined { line, record }),
            Ok(Record::Edge(record)) => dataset.edges.push(Lined { line, record }),
            Ok(Record::Place(record)) => dataset.places.push(Lined { line, record }),
            Err(err) => problems.push(problem(line, ProblemKind::Syntax(strip_position(&err.to_string())))),
        }
    }
    Part { dataset, problems, lines }
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
    fn invalid_utf8_fails_the_read() {
        let bytes: &[u8] = b"// ok\n\xff\xfe\n";
        let err = parse_reader(bytes).expect_err("not UTF-8");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
