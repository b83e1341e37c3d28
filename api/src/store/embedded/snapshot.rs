//! The topology's snapshot file (`topology.bin` beside the database), so a restart loads the in-memory
//! topology in a fraction of a second instead of rebuilding it from the tables.
//!
//! The file is a cache, never the truth: its header names the store (a random id kept in `meta`) and the
//! generation it was built from, and it is used only when both match the database's, its checksum holds
//! and every index in it is in range. Anything else is ignored and the topology is rebuilt. It is written
//! to a temporary file, synced, then renamed over the old one, and read back as it streams from the file
//! (a bounded buffer), so loading it holds the topology, not the file's bytes as well.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use partnergraph_schema::{EdgeType, IatiRole, PartialDate, Role};

use crate::store::codec;
use crate::store::embedded::terms::Terms;
use crate::store::embedded::topology::{Blobs, Slot, SortedStrings, Topology};

const MAGIC: &[u8; 8] = b"PGTOPO04";
/// The snapshot's file name in the data directory.
const FILE_NAME: &str = "topology.bin";

/// A fast 64-bit checksum over little-endian words (corruption detection, not security); the same
/// bytes give the same sum however they are split across `update` calls.
#[derive(Default)]
struct Checksum {
    state: u64,
    pending: [u8; 8],
    filled: usize,
}

impl Checksum {
    fn update(&mut self, mut bytes: &[u8]) {
        if self.filled > 0 {
            let take = (8 - self.filled).min(bytes.len());
            self.pending[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled < 8 {
                return;
            }
            self.mix(u64::from_le_bytes(self.pending));
            self.filled = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    fn mix(&mut self, word: u64) {
        self.state = (self.state ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }

    fn finish(mut self) -> u64 {
        let mut last = [0u8; 8];
        last[..self.filled].copy_from_slice(&self.pending[..self.filled]);
        self.mix(u64::from_le_bytes(last) ^ ((self.filled as u64) << 56));
        self.state
    }
}

/// Writes the sections and keeps the checksum of everything written.
struct Writer<W: Write> {
    out: W,
    checksum: Checksum,
}

impl<W: Write> Writer<W> {
    fn bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.checksum.update(bytes);
        self.out.write_all(bytes)
    }

    fn u64(&mut self, value: u64) -> std::io::Result<()> {
        self.bytes(&value.to_le_bytes())
    }

    fn u32s(&mut self, values: &[u32]) -> std::io::Result<()> {
        self.u64(values.len() as u64)?;
        let mut buffer = Vec::with_capacity(values.len() * 4);
        values.iter().for_each(|value| buffer.extend_from_slice(&value.to_le_bytes()));
        self.bytes(&buffer)
    }

    fn strings(&mut self, strings: &SortedStrings) -> std::io::Result<()> {
        self.u64(strings.bytes.len() as u64)?;
        self.bytes(strings.bytes.as_bytes())?;
        self.u32s(&strings.ends)
    }

    fn blobs(&mut self, blobs: &Blobs) -> std::io::Result<()> {
        self.u64(blobs.bytes.len() as u64)?;
        self.bytes(&blobs.bytes)?;
        self.u32s(&blobs.ends)
    }
}

/// A date or none: none is four zero bytes, which no date encodes to.
fn date_bytes(date: Option<PartialDate>) -> [u8; 4] {
    date.map_or([0; 4], codec::date_bytes)
}

/// A vocabulary value or none: none is 0, a value its code plus one.
fn code<T: PartialEq + Copy>(all: &[T], value: Option<T>) -> u8 {
    value.map_or(0, |value| codec::code(all, value).saturating_add(1))
}

/// Writes `topology` for the store `store_id` into `dir`, replacing any older snapshot.
pub(crate) fn save(dir: &Path, store_id: u64, topology: &Topology) -> std::io::Result<()> {
    let temporary = dir.join(format!("{FILE_NAME}.tmp"));
    let mut writer = Writer { out: BufWriter::new(File::create(&temporary)?), checksum: Checksum::default() };
    writer.bytes(MAGIC)?;
    writer.u64(store_id)?;
    writer.u64(topology.generation)?;
    writer.strings(&topology.nodes)?;
    writer.blobs(&topology.names)?;
    writer.strings(&topology.edge_ids)?;
    writer.u64(topology.slots.len() as u64)?;
    let mut buffer = Vec::with_capacity(topology.slots.len() * 19);
    for slot in &topology.slots {
        buffer.extend_from_slice(&slot.source.to_le_bytes());
        buffer.extend_from_slice(&slot.target.to_le_bytes());
        buffer.push(code(EdgeType::ALL, Some(slot.edge_type)));
        buffer.push(code(Role::ALL, slot.role));
        buffer.push(code(IatiRole::ALL, slot.iati_role));
        buffer.extend_from_slice(&date_bytes(slot.from));
        buffer.extend_from_slice(&date_bytes(slot.to));
    }
    writer.bytes(&buffer)?;
    writer.u64(topology.amounts.len() as u64)?;
    for (rank, amount) in &topology.amounts {
        writer.bytes(&rank.to_le_bytes())?;
        writer.bytes(&amount.to_le_bytes())?;
    }
    writer.u32s(&topology.offsets)?;
    writer.u32s(&topology.incident)?;
    writer.u32s(&topology.degrees)?;
    writer.strings(&topology.terms.terms)?;
    writer.u32s(&topology.terms.ends)?;
    writer.u32s(&topology.terms.postings)?;
    let checksum = writer.checksum.finish();
    writer.out.write_all(&checksum.to_le_bytes())?;
    let file = writer.out.into_inner().map_err(|err| err.into_error())?;
    file.sync_all()?;
    std::fs::rename(&temporary, path(dir))?;
    Ok(())
}

/// Reads sections back as they stream from the file, summing them into the checksum and refusing anything
/// longer than what is left, so a damaged length cannot make it allocate more than the file holds. Only
/// the decoded topology stays in memory, never the file's bytes.
struct Reader<R> {
    source: R,
    /// Bytes of the body not read yet.
    remaining: u64,
    checksum: Checksum,
    /// The first read that failed, if one did.
    error: Option<std::io::Error>,
    /// The bounded buffer fixed-size records are read into, reused from section to section so its pages
    /// are faulted in once.
    buffer: Vec<u8>,
}

/// Records of the fixed-size sections read per round (a bounded buffer).
const RECORDS_PER_READ: usize = 1 << 16;

impl<R: Read> Reader<R> {
    fn take(&mut self, len: usize) -> Option<Vec<u8>> {
        let mut bytes = vec![0; len];
        self.fill(&mut bytes)?;
        Some(bytes)
    }

    /// Reads exactly `out.len()` bytes of the body into `out`, summing them into the checksum.
    fn fill(&mut self, out: &mut [u8]) -> Option<()> {
        if u64::try_from(out.len()).ok()? > self.remaining {
            return None;
        }
        if let Err(err) = self.source.read_exact(out) {
            self.error.get_or_insert(err);
            return None;
        }
        self.remaining -= out.len() as u64;
        self.checksum.update(out);
        Some(())
    }

    /// Reads `count` records of `size` bytes, handing each to `record`, a bounded buffer at a time.
    fn records(&mut self, count: usize, size: usize, mut record: impl FnMut(&[u8]) -> Option<()>) -> Option<()> {
        if u64::try_from(count.checked_mul(size)?).ok()? > self.remaining {
            return None;
        }
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.resize(count.min(RECORDS_PER_READ) * size, 0);
        let mut left = count;
        let done = loop {
            if left == 0 {
                break Some(());
            }
            let round = left.min(RECORDS_PER_READ);
            let bytes = &mut buffer[..round * size];
            if self.fill(bytes).is_none() || bytes.chunks_exact(size).try_for_each(&mut record).is_none() {
                break None;
            }
            left -= round;
        };
        self.buffer = buffer;
        done
    }

    /// Reads the rest of the body into the checksum.
    fn drain(&mut self) {
        let mut buffer = vec![0; 1 << 20];
        while self.remaining > 0 && self.error.is_none() {
            let len = usize::try_from(self.remaining).unwrap_or(usize::MAX).min(buffer.len());
            match self.source.read_exact(&mut buffer[..len]) {
                Ok(()) => {
                    self.checksum.update(&buffer[..len]);
                    self.remaining -= len as u64;
                }
                Err(err) => {
                    self.error = Some(err);
                }
            }
        }
    }

    fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    fn u32s(&mut self) -> Option<Vec<u32>> {
        let len = self.len()?;
        let mut values = Vec::with_capacity(len.min(usize::try_from(self.remaining / 4).unwrap_or(0)));
        self.records(len, 4, |chunk| {
            values.push(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
            Some(())
        })?;
        Some(values)
    }

    fn strings(&mut self) -> Option<SortedStrings> {
        let len = self.len()?;
        let text = String::from_utf8(self.take(len)?).ok().filter(|text| text.is_ascii())?;
        let ends = self.u32s()?;
        let in_bounds = ends.windows(2).all(|pair| pair[0] <= pair[1]) && ends.last().is_none_or(|last| *last as usize == text.len());
        in_bounds.then_some(SortedStrings { bytes: text, ends })
    }

    /// [`Reader::strings`] of any UTF-8 text (search terms), each string ending on a character boundary.
    fn text(&mut self) -> Option<SortedStrings> {
        let len = self.len()?;
        let text = String::from_utf8(self.take(len)?).ok()?;
        let ends = self.u32s()?;
        let in_bounds = ends.windows(2).all(|pair| pair[0] <= pair[1])
            && ends.last().is_none_or(|last| *last as usize == text.len())
            && ends.iter().all(|end| text.is_char_boundary(*end as usize));
        in_bounds.then_some(SortedStrings { bytes: text, ends })
    }

    fn blobs(&mut self) -> Option<Blobs> {
        let len = self.len()?;
        let bytes = self.take(len)?;
        let ends = self.u32s()?;
        let in_bounds = ends.windows(2).all(|pair| pair[0] <= pair[1]) && ends.last().is_none_or(|last| *last as usize == bytes.len());
        in_bounds.then_some(Blobs { bytes, ends })
    }
}

fn decode_date(bytes: &[u8]) -> Option<Option<PartialDate>> {
    let bytes: [u8; 4] = bytes.try_into().ok()?;
    if bytes == [0; 4] { Some(None) } else { codec::date_from_bytes(bytes).map(Some) }
}

fn decode_code<T: Copy>(all: &[T], code: u8) -> Option<Option<T>> {
    if code == 0 { Some(None) } else { codec::from_code(all, code - 1).map(Some) }
}

/// Why a snapshot file was not used (the topology is then rebuilt from the tables).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Rejected {
    /// The file exists but could not be read.
    #[error("it cannot be read: {0}")]
    Unreadable(std::io::Error),
    /// The checksum does not match: the file is damaged or was cut short.
    #[error("it is damaged or cut short (its checksum does not match)")]
    Damaged,
    /// Not a snapshot of the format this build writes.
    #[error("it is not a topology snapshot of this build's format")]
    Format,
    /// Written for another store (a data directory copied or restored over another).
    #[error("it was written for another store")]
    OtherStore,
    /// Written from an older (or newer) committed state than the store's.
    #[error("it was built at generation {found} and the store is at generation {expected} (written since)")]
    Stale {
        /// The snapshot's generation.
        found: u64,
        /// The store's.
        expected: u64,
    },
    /// The checksum holds but an index is out of range (a bug, or a forged file).
    #[error("its contents are inconsistent (an index out of range)")]
    Inconsistent,
}

/// The topology in `bytes`, a whole snapshot file.
#[cfg(test)]
fn decode(bytes: &[u8], store_id: u64, generation: u64) -> Result<Topology, Rejected> {
    decode_from(bytes, bytes.len() as u64, store_id, generation)
}

/// The topology in the snapshot file `source` of `len` bytes. The checksum is checked first: a file whose
/// sum does not hold is `Damaged` whatever else is wrong with it, so the body is read to its end even when
/// its header already refuses it.
fn decode_from(mut source: impl Read, len: u64, store_id: u64, generation: u64) -> Result<Topology, Rejected> {
    let body = len.checked_sub(8).ok_or(Rejected::Damaged)?;
    let mut reader =
        Reader { source: (&mut source).take(body), remaining: body, checksum: Checksum::default(), error: None, buffer: Vec::new() };
    let decoded = decode_header(&mut reader, store_id, generation)
        .and_then(|()| decode_body(&mut reader, generation).filter(|_| reader.remaining == 0).ok_or(Rejected::Inconsistent));
    reader.drain();
    let Reader { checksum, error, .. } = reader;
    if let Some(err) = error {
        return Err(if err.kind() == std::io::ErrorKind::UnexpectedEof { Rejected::Damaged } else { Rejected::Unreadable(err) });
    }
    let mut trailer = [0; 8];
    source.read_exact(&mut trailer).map_err(|_| Rejected::Damaged)?;
    if trailer != checksum.finish().to_le_bytes() {
        return Err(Rejected::Damaged);
    }
    decoded
}

/// Checks the magic, the store and the generation.
fn decode_header<R: Read>(reader: &mut Reader<R>, store_id: u64, generation: u64) -> Result<(), Rejected> {
    if reader.take(8).as_deref() != Some(MAGIC.as_slice()) {
        return Err(Rejected::Format);
    }
    if reader.u64() != Some(store_id) {
        return Err(Rejected::OtherStore);
    }
    match reader.u64() {
        Some(found) if found == generation => Ok(()),
        Some(found) => Err(Rejected::Stale { found, expected: generation }),
        None => Err(Rejected::Format),
    }
}

/// The topology after the header, or `None` if anything is out of range.
fn decode_body<R: Read>(reader: &mut Reader<R>, generation: u64) -> Option<Topology> {
    let nodes = reader.strings()?;
    let names = reader.blobs()?;
    let edge_ids = reader.strings()?;
    let slot_count = reader.len()?;
    let node_count = nodes.ends.len();
    let mut slots = Vec::with_capacity(slot_count.min(usize::try_from(reader.remaining / 19).unwrap_or(0)));
    reader.records(slot_count, 19, |record| {
        let source = u32::from_le_bytes([record[0], record[1], record[2], record[3]]);
        let target = u32::from_le_bytes([record[4], record[5], record[6], record[7]]);
        if source as usize >= node_count || target as usize >= node_count {
            return None;
        }
        slots.push(Slot {
            source,
            target,
            edge_type: decode_code(EdgeType::ALL, record[8])??,
            role: decode_code(Role::ALL, record[9])?,
            iati_role: decode_code(IatiRole::ALL, record[10])?,
            from: decode_date(&record[11..15])?,
            to: decode_date(&record[15..19])?,
        });
        Some(())
    })?;
    let amount_count = reader.len()?;
    let mut amounts = Vec::with_capacity(amount_count.min(usize::try_from(reader.remaining / 12).unwrap_or(0)));
    reader.records(amount_count, 12, |record| {
        let rank = u32::from_le_bytes([record[0], record[1], record[2], record[3]]);
        let amount = f64::from_le_bytes(record[4..12].try_into().ok()?);
        if rank as usize >= slot_count {
            return None;
        }
        amounts.push((rank, amount));
        Some(())
    })?;
    let offsets = reader.u32s()?;
    let incident = reader.u32s()?;
    let degrees = reader.u32s()?;
    let terms = Terms { terms: reader.text()?, ends: reader.u32s()?, postings: reader.u32s()? };
    let consistent = terms.consistent(node_count)
        && edge_ids.ends.len() == slot_count
        && names.ends.len() == node_count
        && offsets.len() == node_count + 1
        && offsets.first() == Some(&0)
        && offsets.windows(2).all(|pair| pair[0] <= pair[1])
        && offsets.last().is_some_and(|last| *last as usize == incident.len())
        && incident.iter().all(|edge| (*edge as usize) < slot_count)
        && degrees.len() == node_count;
    consistent.then_some(Topology { generation, nodes, names, edge_ids, slots, amounts, offsets, incident, degrees, terms })
}

/// The snapshot in `dir` if it was written for this store at this generation and reads back intact;
/// `Ok(None)` if there is none, and why it was rejected otherwise.
pub(crate) fn load(dir: &Path, store_id: u64, generation: u64) -> Result<Option<Topology>, Rejected> {
    let file = match File::open(path(dir)) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(Rejected::Unreadable(err)),
    };
    let len = file.metadata().map_err(Rejected::Unreadable)?.len();
    decode_from(BufReader::with_capacity(1 << 20, file), len, store_id, generation).map(Some)
}

/// Where the snapshot of the store in `dir` lives.
pub(crate) fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> SortedStrings {
        let mut strings = SortedStrings::default();
        items.iter().for_each(|item| strings.push(item).expect("push"));
        strings
    }

    /// Two nodes, one dated edge with every field set, and a loop.
    fn topology() -> Topology {
        let dated = Slot {
            source: 0,
            target: 1,
            edge_type: EdgeType::ParticipatesIn,
            role: Some(Role::Pivotal),
            iati_role: Some(IatiRole::Implementing),
            from: Some("2012-02-29".parse().expect("date")),
            to: Some("2020".parse().expect("date")),
        };
        let looped = Slot { source: 1, target: 1, edge_type: EdgeType::PartOf, role: None, iati_role: None, from: None, to: None };
        Topology {
            generation: 7,
            nodes: strings(&["agency:a", "agreement:b"]),
            names: Blobs { bytes: vec![1, 2, 3, 4, 5], ends: vec![2, 5] },
            edge_ids: strings(&["e1", "e2"]),
            slots: vec![dated, looped],
            amounts: vec![(0, 1.5e6)],
            offsets: vec![0, 1, 3],
            incident: vec![0, 0, 1],
            degrees: vec![1, 3],
            terms: Terms { terms: strings(&["=b", "wb", "wé"]), ends: vec![1, 3, 4], postings: vec![1, 0, 1, 1] },
        }
    }

    fn encoded(topology: &Topology) -> Vec<u8> {
        let dir = tempfile::tempdir().expect("dir");
        save(dir.path(), 42, topology).expect("save");
        std::fs::read(path(dir.path())).expect("read")
    }

    #[test]
    fn a_snapshot_reads_back_exactly_for_its_store_and_generation_only() {
        let bytes = encoded(&topology());
        let back = decode(&bytes, 42, 7).expect("decodes");
        assert_eq!(encoded(&back), bytes);
        assert_eq!(back.slots[0].from, topology().slots[0].from);
        assert_eq!(back.slots[0].role, Some(Role::Pivotal));
        assert_eq!(back.amounts, [(0, 1.5e6)]);
        assert_eq!(back.terms.find("w", true, 10), [0, 1]);
        assert!(matches!(decode(&bytes, 42, 8), Err(Rejected::Stale { found: 7, expected: 8 })), "another generation");
        assert!(matches!(decode(&bytes, 41, 7), Err(Rejected::OtherStore)), "another store");
    }

    #[test]
    fn sections_longer_than_one_buffer_read_back_whole_and_a_short_one_is_refused() {
        let values: Vec<u32> = (0..(RECORDS_PER_READ as u32) * 2 + 3).map(|value| value.wrapping_mul(2_654_435_761)).collect();
        let mut bytes = (values.len() as u64).to_le_bytes().to_vec();
        values.iter().for_each(|value| bytes.extend_from_slice(&value.to_le_bytes()));
        let reader = |bytes: &[u8]| Reader {
            source: std::io::Cursor::new(bytes.to_vec()),
            remaining: bytes.len() as u64,
            checksum: Checksum::default(),
            error: None,
            buffer: Vec::new(),
        };
        let mut whole = reader(&bytes);
        assert_eq!(whole.u32s().as_deref(), Some(values.as_slice()));
        assert_eq!(whole.remaining, 0);
        let mut short = reader(&bytes[..bytes.len() - 1]);
        assert_eq!(short.u32s(), None, "one byte missing in the last round");
    }

    #[test]
    fn the_checksum_does_not_depend_on_how_the_bytes_are_split() {
        let bytes: Vec<u8> = (0..100u8).collect();
        let sum = |splits: &[usize]| {
            let mut checksum = Checksum::default();
            let mut at = 0;
            for split in splits.iter().copied().chain([bytes.len()]) {
                checksum.update(&bytes[at..split]);
                at = split;
            }
            checksum.finish()
        };
        assert_eq!(sum(&[]), sum(&[3, 4, 17, 64, 99]));
        assert_ne!(sum(&[]), {
            let mut checksum = Checksum::default();
            checksum.update(&bytes[..99]);
            checksum.finish()
        });
    }

    #[test]
    fn a_damaged_or_truncated_snapshot_is_ignored() {
        let bytes = encoded(&topology());
        for at in [0, 20, bytes.len() / 2, bytes.len() - 9, bytes.len() - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x40;
            assert!(matches!(decode(&damaged, 42, 7), Err(Rejected::Damaged)), "byte {at} flipped");
        }
        for len in [0, 7, 8, 30, bytes.len() - 1] {
            assert!(matches!(decode(&bytes[..len], 42, 7), Err(Rejected::Damaged)), "cut at {len}");
        }
    }

    #[test]
    fn out_of_range_indexes_are_refused_even_with_a_valid_checksum() {
        let mut bad = topology();
        bad.incident[2] = 9;
        assert!(matches!(decode(&encoded(&bad), 42, 7), Err(Rejected::Inconsistent)));
        let mut bad = topology();
        bad.slots[1].target = 2;
        assert!(matches!(decode(&encoded(&bad), 42, 7), Err(Rejected::Inconsistent)));
        let mut bad = topology();
        bad.terms.postings[3] = 2;
        assert!(matches!(decode(&encoded(&bad), 42, 7), Err(Rejected::Inconsistent)), "a term's node out of range");
        let mut bad = topology();
        bad.terms.postings[2] = 0;
        assert!(matches!(decode(&encoded(&bad), 42, 7), Err(Rejected::Inconsistent)), "a term's nodes out of order");
        let mut bad = topology();
        bad.terms.terms.ends[1] = 6;
        assert!(matches!(decode(&encoded(&bad), 42, 7), Err(Rejected::Inconsistent)), "a term ending inside a character");
    }
}
