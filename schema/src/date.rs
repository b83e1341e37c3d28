//! Partial ISO 8601 calendar dates (`2014`, `2014-06`, `2014-06-30`) and validity intervals.
//!
//! The documents rarely give a full date, so a date keeps its precision. A partial date stands for the
//! whole period it names: `2014` is 1 January to 31 December 2014. An edge with `from`/`to` is valid on
//! `asOf` when the periods overlap: `from.first_day ≤ asOf.last_day` and `asOf.first_day ≤ to.last_day`;
//! an absent end is open.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A calendar day as (year, month, day), comparable.
pub type Day = (u16, u8, u8);

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")]
pub struct DateError(pub String);

/// A date with year, year-month or year-month-day precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// A year-precision date.
    pub fn year(year: u16) -> PartialDate {
        PartialDate { year, month: None, day: None }
    }

    /// The first day of the period the date names.
    pub fn first_day(self) -> Day {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day of the period the date names.
    pub fn last_day(self) -> Day {
        let month = self.month.unwrap_or(12);
        (self.year, month, self.day.unwrap_or_else(|| days_in_month(self.year, month)))
    }

    /// The year.
    pub fn year_number(self) -> u16 {
        self.year
    }

    /// Year, month and day as given (month and day absent below the date's precision).
    pub fn parts(self) -> (u16, Option<u8>, Option<u8>) {
        (self.year, self.month, self.day)
    }

    /// The date with these parts, checked as text is: a four-digit year, a month 1–12, a day that exists
    /// in its month, and no day without a month.
    pub fn from_parts(year: u16, month: Option<u8>, day: Option<u8>) -> Result<PartialDate, DateError> {
        let date = PartialDate { year, month, day };
        let month_ok = month.is_none_or(|month| (1..=12).contains(&month));
        let day_ok = match (month, day) {
            (_, None) => true,
            (Some(month), Some(day)) => month_ok && (1..=days_in_month(year, month)).contains(&day),
            (None, Some(_)) => false,
        };
        if year <= 9999 && month_ok && day_ok { Ok(date) } else { Err(DateError(date.to_string())) }
    }
}

/// Whether a relation valid from `from` to `to` (open ends open) holds at some time during `as_of`.
pub fn valid_during(from: Option<PartialDate>, to: Option<PartialDate>, as_of: PartialDate) -> bool {
    from.is_none_or(|from| from.first_day() <= as_of.last_day()) && to.is_none_or(|to| as_of.first_day() <= to.last_day())
}

/// Whether the period `[from, to]` (open ends open) overlaps `[start, end]` (open ends open).
pub fn overlaps(from: Option<PartialDate>, to: Option<PartialDate>, start: Option<PartialDate>, end: Option<PartialDate>) -> bool {
    let starts_in_time = match (from, end) {
        (Some(from), Some(end)) => from.first_day() <= end.last_day(),
        _ => true,
    };
    let ends_in_time = match (to, start) {
        (Some(to), Some(start)) => start.first_day() <= to.last_day(),
        _ => true,
    };
    starts_in_time && ends_in_time
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(text: &str) -> Result<PartialDate, DateError> {
        let err = || DateError(text.to_owned());
        let number = |part: &str, len: usize| -> Result<u16, DateError> {
            if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        let mut parts = text.split('-');
        let year = number(parts.next().ok_or_else(err)?, 4)?;
        let month = parts.next().map(|part| number(part, 2)).transpose()?;
        let day = parts.next().map(|part| number(part, 2)).transpose()?;
        if parts.next().is_some() {
            return Err(err());
        }
        let month = month.map(|m| u8::try_from(m).map_err(|_| err())).transpose()?;
        let day = day.map(|d| u8::try_from(d).map_err(|_| err())).transpose()?;
        PartialDate::from_parts(year, month, day).map_err(|_| err())
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = DateError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<PartialDate> for String {
    fn from(value: PartialDate) -> String {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> PartialDate {
        text.parse().expect(text)
    }

    #[test]
    fn parses_and_prints_every_precision() {
        for text in ["2014", "2014-06", "2014-06-30", "2016-02-29"] {
            assert_eq!(date(text).to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed_and_impossible_dates() {
        for text in ["", "14", "2014-6", "2014-13", "2014-02-30", "2015-02-29", "2014-06-30-1", "2014/06", "２０１４"] {
            assert!(text.parse::<PartialDate>().is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn a_partial_date_covers_its_whole_period() {
        assert_eq!(date("2014").first_day(), (2014, 1, 1));
        assert_eq!(date("2014").last_day(), (2014, 12, 31));
        assert_eq!(date("2016-02").last_day(), (2016, 2, 29));
    }

    #[test]
    fn validity_uses_overlap_with_open_ends() {
        let wacap_at_undp = (None, Some(date("2014")));
        let wacap_at_unossc = (Some(date("2014")), None);
        let at = |(from, to): (Option<PartialDate>, Option<PartialDate>), as_of: &str| valid_during(from, to, date(as_of));
        assert!(at(wacap_at_undp, "2010"));
        assert!(!at(wacap_at_unossc, "2010"));
        assert!(at(wacap_at_undp, "2014-03"));
        assert!(at(wacap_at_unossc, "2014-03"));
        assert!(!at(wacap_at_undp, "2016"));
        assert!(at(wacap_at_unossc, "2016"));
    }

    #[test]
    fn overlap_of_two_periods() {
        let d = |text: &str| Some(date(text));
        assert!(overlaps(d("2010"), d("2012"), d("2012"), None));
        assert!(!overlaps(d("2010"), d("2011"), d("2012"), d("2013")));
        assert!(overlaps(None, None, d("2012"), d("2013")));
    }
}
