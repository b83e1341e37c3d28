//! Reading a stored record's bytes: a cursor that refuses anything out of bounds, decoding the codec's
//! varints, strings, numbers, vocabulary codes, dates, sources, claims and presence flags.

use partnergraph_schema::{Claim, PartialDate, Precedence, Source};

use super::{Flags, SOURCE_PARAGRAPH, SOURCE_QUOTE, date_from_bytes, from_code, read_varint};

/// Reads a record's bytes, refusing anything out of bounds.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
}

pub(super) type Read<T> = Result<T, &'static str>;

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, len: usize) -> Read<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(len).ok_or("truncated")?;
        self.bytes = rest;
        Ok(taken)
    }

    pub(super) fn byte(&mut self) -> Read<u8> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn varint(&mut self) -> Read<u64> {
        let (value, used) = read_varint(self.bytes)?;
        self.take(used)?;
        Ok(value)
    }

    pub(super) fn len(&mut self) -> Read<usize> {
        usize::try_from(self.varint()?).map_err(|_| "length out of range")
    }

    pub(super) fn str(&mut self) -> Read<&'a str> {
        let len = self.len()?;
        std::str::from_utf8(self.take(len)?).map_err(|_| "text is not UTF-8")
    }

    pub(super) fn string(&mut self) -> Read<String> {
        self.str().map(str::to_owned)
    }

    /// A list of strings: its count, then each string.
    pub(super) fn strings(&mut self) -> Read<Vec<String>> {
        (0..self.len()?).map(|_| self.string()).collect()
    }

    pub(super) fn f64(&mut self) -> Read<f64> {
        let bytes = self.take(8)?;
        Ok(f64::from_le_bytes(bytes.try_into().map_err(|_| "truncated")?))
    }

    pub(super) fn code<T: Copy>(&mut self, all: &[T]) -> Read<T> {
        from_code(all, self.byte()?).ok_or("unknown vocabulary code")
    }

    pub(super) fn date(&mut self) -> Read<PartialDate> {
        let bytes = self.take(4)?;
        date_from_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]).ok_or("invalid date")
    }

    pub(super) fn sources(&mut self) -> Read<Vec<Source>> {
        let count = self.len()?;
        // Each source takes at least two bytes, so a damaged count cannot reserve much.
        let mut sources = Vec::with_capacity(count.min(self.bytes.len() / 2));
        for _ in 0..count {
            let flags = self.byte()?;
            if flags & !(SOURCE_PARAGRAPH | SOURCE_QUOTE) != 0 {
                return Err("unknown source flags");
            }
            let document = self.string()?;
            let paragraph = match flags & SOURCE_PARAGRAPH {
                0 => None,
                _ => Some(u32::try_from(self.varint()?).map_err(|_| "paragraph out of range")?),
            };
            let quote = if flags & SOURCE_QUOTE != 0 { Some(self.string()?) } else { None };
            sources.push(Source { document, paragraph, quote });
        }
        Ok(sources)
    }

    /// Claims as [`super::Writer::claims`] writes them, each record read by `record` from its own bytes.
    pub(super) fn claims<R>(&mut self, mut record: impl FnMut(&mut Reader<'a>) -> Read<R>) -> Read<Vec<Claim<R>>> {
        let count = self.len()?;
        let mut claims = Vec::with_capacity(count.min(self.bytes.len() / 3));
        for _ in 0..count {
            let origin = self.string()?;
            let precedence = self.code(Precedence::ALL)?;
            let record = match self.byte()? {
                0 => None,
                1 => {
                    let len = self.len()?;
                    let mut inner = Reader { bytes: self.take(len)? };
                    Some(Box::new(record(&mut inner)?))
                }
                _ => return Err("unknown claim flag"),
            };
            claims.push(Claim { origin, precedence, record });
        }
        Ok(claims)
    }

    pub(super) fn flags(&mut self, known: u8) -> Read<Flags> {
        let flags = self.varint()?;
        if flags >> known != 0 {
            return Err("unknown field flags");
        }
        Ok(Flags(flags))
    }

    pub(super) fn end(&self) -> Read<()> {
        if self.bytes.is_empty() { Ok(()) } else { Err("trailing bytes") }
    }
}
