//! A file's problems, bounded: the first [`MAX_PROBLEMS`] by line are listed, the rest only counted, so a
//! hostile or mistaken file (a log, a binary with no NUL byte) costs bounded memory to check however many
//! lines it has, and its report stays readable.

use super::limits::MAX_PROBLEMS;
use super::{Problem, ProblemKind, problem};

/// Problems collected in about line order; holds at most twice [`MAX_PROBLEMS`] at any time.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct ProblemList {
    listed: Vec<Problem>,
    /// Problems not listed, and the first line among them.
    unlisted: usize,
    first_unlisted: usize,
}

impl ProblemList {
    /// Adds `problem`; an [`ProblemKind::Unlisted`] adds its count to the problems not listed.
    pub(super) fn push(&mut self, found: Problem) {
        if let ProblemKind::Unlisted { count } = found.kind {
            self.count_unlisted(found.line, count);
            return;
        }
        self.listed.push(found);
        if self.listed.len() >= 2 * MAX_PROBLEMS {
            self.compact();
        }
    }

    /// Adds every problem of `problems`.
    pub(super) fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        problems.into_iter().for_each(|found| self.push(found));
    }

    /// How many problems were found, listed or not.
    pub(super) fn total(&self) -> usize {
        self.listed.len() + self.unlisted
    }

    /// The listed problems sorted by line (the first [`MAX_PROBLEMS`]), then, if any were left out, one
    /// [`ProblemKind::Unlisted`] at the first line left out, counting them.
    pub(super) fn finish(mut self) -> Vec<Problem> {
        self.compact();
        if self.unlisted > 0 {
            self.listed.push(problem(self.first_unlisted, ProblemKind::Unlisted { count: self.unlisted }));
        }
        self.listed
    }

    /// Keeps the first [`MAX_PROBLEMS`] by line (problems of one line keep their order) and counts the rest.
    fn compact(&mut self) {
        self.listed.sort_by_key(|found| found.line);
        if self.listed.len() > MAX_PROBLEMS {
            let first = self.listed[MAX_PROBLEMS].line;
            let count = self.listed.len() - MAX_PROBLEMS;
            self.listed.truncate(MAX_PROBLEMS);
            self.count_unlisted(first, count);
        }
    }

    fn count_unlisted(&mut self, line: usize, count: usize) {
        self.first_unlisted = if self.unlisted == 0 { line } else { self.first_unlisted.min(line) };
        self.unlisted += count;
    }
}

/// How many problems `problems` stands for: each listed one, plus the count of an
/// [`ProblemKind::Unlisted`].
pub fn total(problems: &[Problem]) -> usize {
    problems
        .iter()
        .map(|found| match found.kind {
            ProblemKind::Unlisted { count } => count,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_problems_by_line_are_listed_and_the_rest_counted_exactly() {
        let mut list = ProblemList::default();
        // Out of order, as a checker's end-of-file problems are, with an already counted batch.
        for line in (1..=3 * MAX_PROBLEMS).rev() {
            list.push(problem(line, ProblemKind::LineTooLong));
        }
        list.push(problem(5 * MAX_PROBLEMS, ProblemKind::Unlisted { count: 7 }));
        assert!(list.listed.len() < 2 * MAX_PROBLEMS, "never holds more than twice the limit");
        assert_eq!(list.total(), 3 * MAX_PROBLEMS + 7);
        let problems = list.finish();
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert!(problems[..MAX_PROBLEMS].iter().enumerate().all(|(idx, found)| found.line == idx + 1));
        assert_eq!(problems[MAX_PROBLEMS], problem(MAX_PROBLEMS + 1, ProblemKind::Unlisted { count: 2 * MAX_PROBLEMS + 7 }));
        assert_eq!(total(&problems), 3 * MAX_PROBLEMS + 7);
    }

    #[test]
    fn a_short_list_is_returned_whole_and_sorted() {
        let mut list = ProblemList::default();
        list.extend([problem(3, ProblemKind::LineTooLong), problem(1, ProblemKind::NotUtf8 { column: 2 })]);
        let problems = list.finish();
        assert_eq!(problems.iter().map(|found| found.line).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(total(&problems), 2);
    }
}
