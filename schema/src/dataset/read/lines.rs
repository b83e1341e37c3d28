//! Reading one line at a time with bounded memory: a line over the limit is skipped to its end without
//! being held, a NUL byte ends the read (the file is not text: `/dev/zero` or a database file given by
//! mistake), and lines that are not UTF-8 are blanked in a block so the rest of it can be parsed.

use std::io::{self, BufRead};

use crate::dataset::limits::MAX_LINE_BYTES;
use crate::dataset::problems::ProblemList;
use crate::dataset::{Problem, ProblemKind, problem};

/// Why a file cannot be read as a dataset at all: it holds a NUL byte, which no text file does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: a NUL byte: this is not a text file (the dataset format is JSON Lines)")]
pub struct NotText {
    /// 1-based line of the NUL byte.
    pub line: usize,
    /// 1-based byte position of the NUL byte in its line.
    pub column: u64,
}

/// What [`read_line`] did with the next line.
pub(super) enum Line {
    /// There was no more input.
    End,
    /// The line was appended to the block, ending with `\n`.
    Kept,
    /// The line was longer than [`MAX_LINE_BYTES`]: it was read to its end and dropped, and an empty line
    /// stands for it in the block, so the lines after it keep their numbers.
    TooLong,
}

/// Appends the next line of `reader` (the `line`-th) to `block`, holding at most [`MAX_LINE_BYTES`] of it
/// plus its line end, however long it is. Fails if reading fails, or with [`NotText`] at a NUL byte.
pub(super) fn read_line(reader: &mut impl BufRead, block: &mut Vec<u8>, line: usize) -> io::Result<Line> {
    let start = block.len();
    let mut seen: u64 = 0;
    let mut too_long = false;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if buffer.is_empty() {
            break;
        }
        let (take, ends) = match memchr::memchr2(b'\n', 0, buffer) {
            Some(at) if buffer[at] == 0 => {
                let column = seen + at as u64 + 1;
                return Err(io::Error::new(io::ErrorKind::InvalidData, NotText { line, column }));
            }
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        // Room for the longest line with a `\r\n` end; anything longer is counted and dropped.
        if !too_long && block.len() - start + take > MAX_LINE_BYTES + 2 {
            too_long = true;
            block.truncate(start);
        }
        if !too_long {
            block.extend_from_slice(&buffer[..take]);
        }
        seen += take as u64;
        reader.consume(take);
        if ends {
            break;
        }
    }
    if seen == 0 {
        return Ok(Line::End);
    }
    if !too_long {
        let mut content = &block[start..];
        content = content.strip_suffix(b"\n").unwrap_or(content);
        content = content.strip_suffix(b"\r").unwrap_or(content);
        too_long = content.len() > MAX_LINE_BYTES;
    }
    if too_long {
        block.truncate(start);
    }
    if block.len() == start || block.last() != Some(&b'\n') {
        block.push(b'\n');
    }
    Ok(if too_long { Line::TooLong } else { Line::Kept })
}

/// Replaces each line of `block` (whole lines, the first one numbered `lines_before + 1`) that is not
/// UTF-8 with an empty line, and returns a problem for each. Checks the whole block at once first, so
/// valid text costs one pass.
pub(super) fn blank_invalid_utf8(block: &mut Vec<u8>, lines_before: usize) -> Vec<Problem> {
    if std::str::from_utf8(block).is_ok() {
        return Vec::new();
    }
    let mut problems = ProblemList::default();
    let mut kept = Vec::with_capacity(block.len());
    for (idx, text) in block.split_inclusive(|byte| *byte == b'\n').enumerate() {
        match std::str::from_utf8(text) {
            Ok(_) => kept.extend_from_slice(text),
            Err(err) => {
                problems.push(problem(lines_before + idx + 1, ProblemKind::NotUtf8 { column: err.valid_up_to() + 1 }));
                kept.push(b'\n');
            }
        }
    }
    *block = kept;
    problems.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads every line of `bytes` through a small buffer: (what the block holds, each line's outcome).
    fn lines(bytes: &[u8]) -> io::Result<(Vec<u8>, Vec<&'static str>)> {
        let mut reader = io::BufReader::with_capacity(7, bytes);
        let (mut block, mut outcomes) = (Vec::new(), Vec::new());
        loop {
            match read_line(&mut reader, &mut block, outcomes.len() + 1)? {
                Line::End => return Ok((block, outcomes)),
                Line::Kept => outcomes.push("kept"),
                Line::TooLong => outcomes.push("too long"),
            }
        }
    }

    #[test]
    fn lines_up_to_the_limit_are_kept_and_longer_ones_replaced_by_an_empty_line() {
        let at_limit = "a".repeat(MAX_LINE_BYTES);
        let over = "b".repeat(MAX_LINE_BYTES + 1);
        let text = format!("x\n{at_limit}\r\n{over}\ny\n{over}\r\nlast");
        let (block, outcomes) = lines(text.as_bytes()).expect("read");
        assert_eq!(outcomes, ["kept", "kept", "too long", "kept", "too long", "kept"]);
        assert_eq!(block, format!("x\n{at_limit}\r\n\ny\n\nlast\n").into_bytes());
    }

    #[test]
    fn a_nul_byte_ends_the_read_with_its_line_and_column() {
        let err = lines(b"{}\nab\0c\n").expect_err("not text");
        let not_text = err.get_ref().and_then(|inner| inner.downcast_ref::<NotText>()).expect("NotText");
        assert_eq!(*not_text, NotText { line: 2, column: 3 });
        let err = lines(&vec![0u8; 1 << 16]).expect_err("zeros");
        assert!(err.to_string().starts_with("line 1, column 1: a NUL byte"), "{err}");
    }

    #[test]
    fn invalid_utf8_blanks_only_its_own_line() {
        let mut block = b"ok\n\xff bad\nok \xc3\xa9\nbad \xc3\n".to_vec();
        let problems = blank_invalid_utf8(&mut block, 10);
        assert_eq!(block, "ok\n\nok é\n\n".as_bytes());
        let found: Vec<_> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 12: the line is not UTF-8 text (invalid byte at column 1)",
                "line 14: the line is not UTF-8 text (invalid byte at column 5)"
            ]
        );
    }
}
