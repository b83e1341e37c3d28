//! A fast, non-cryptographic hasher for in-memory sets and maps of ids (the FxHash mix), used by dataset
//! validation, the embedded store's bulk write and the path search; and [`IdTable`], a compact map from
//! many string ids to small values, for checking a whole import file.
//!
//! The keys are ids written by the graph's owner (a file or batch being imported, or the stored graph a
//! query walks), so there is no untrusted peer to defend against with SipHash, and millions of lookups
//! per import, or tens of thousands per path query, make the difference measurable.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by ids.
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;
/// A set of ids.
pub type IdSet<K> = HashSet<K, BuildHasherDefault<IdHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The FxHash word mix over 8-byte words.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak, and hashbrown picks buckets with them: rotate the strong
        // high bits down (as rustc-hash 2 does).
        self.0.rotate_left(26)
    }
}

/// A map from string ids to small values, compact for millions of ids: the ids side by side in one string,
/// and a hash table of positions. Per id it costs the id's bytes and about 20 bytes, against about 50 for
/// a `HashMap<Box<str>, V>`, and it is freed as a few large blocks instead of one allocation per id. It
/// holds up to 4 GiB of id text and 2^32 − 1 ids; [`IdTable::insert_new`] says when it is full.
#[derive(Debug)]
pub struct IdTable<V> {
    text: String,
    /// Per id, in insertion order: where it ends in `text`, and its value.
    entries: Vec<(u32, V)>,
    table: hashbrown::HashTable<u32>,
}

/// The table cannot take another id (4 GiB of id text, or 2^32 − 1 ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdTableFull;

impl<V> Default for IdTable<V> {
    fn default() -> Self {
        IdTable { text: String::new(), entries: Vec::new(), table: hashbrown::HashTable::new() }
    }
}

/// The [`IdHasher`] hash of one id's bytes (for hash tables keyed by positions rather than by ids).
pub fn hash_id(id: &[u8]) -> u64 {
    let mut hasher = IdHasher::default();
    hasher.write(id);
    hasher.finish()
}

/// The id at `index` of a table's text and entries.
fn id_at<'t, V>(text: &'t str, entries: &[(u32, V)], index: u32) -> &'t str {
    let index = index as usize;
    let start = if index == 0 { 0 } else { entries[index - 1].0 as usize };
    &text[start..entries[index].0 as usize]
}

impl<V: Copy> IdTable<V> {
    /// The value of `id`, if it is in the table.
    pub fn get(&self, id: &str) -> Option<V> {
        let found = self.table.find(hash_id(id.as_bytes()), |index| id_at(&self.text, &self.entries, *index) == id);
        found.map(|index| self.entries[*index as usize].1)
    }

    /// Adds `id` with `value` if it is not in the table yet (`Ok(None)`); otherwise changes nothing and
    /// returns the value it already has.
    pub fn insert_new(&mut self, id: &str, value: V) -> Result<Option<V>, IdTableFull> {
        let hash = hash_id(id.as_bytes());
        if let Some(index) = self.table.find(hash, |index| id_at(&self.text, &self.entries, *index) == id) {
            return Ok(Some(self.entries[*index as usize].1));
        }
        let end = u32::try_from(self.text.len() + id.len()).map_err(|_| IdTableFull)?;
        let index = u32::try_from(self.entries.len()).ok().filter(|index| *index < u32::MAX).ok_or(IdTableFull)?;
        self.text.push_str(id);
        self.entries.push((end, value));
        let (text, entries) = (&self.text, &self.entries);
        self.table.insert_unique(hash, index, |index| hash_id(id_at(text, entries, *index).as_bytes()));
        Ok(None)
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_ids_hash_equal_and_neighbours_differ() {
        let hash = |text: &str| {
            let mut hasher = IdHasher::default();
            hasher.write(text.as_bytes());
            hasher.finish()
        };
        assert_eq!(hash("agency:s1"), hash("agency:s1"));
        assert_ne!(hash("agency:s1"), hash("agency:s2"));
        assert_ne!(hash("e12345678"), hash("e12345679"));
        let set: IdSet<&str> = ["a", "b", "a"].into_iter().collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn an_id_table_keeps_the_first_value_of_each_id() {
        let mut table = IdTable::default();
        assert!(table.is_empty());
        // Enough ids to make the table grow several times, and ids that are prefixes of each other.
        for n in 0..10_000u32 {
            assert_eq!(table.insert_new(&format!("agency:{n}"), n), Ok(None));
        }
        assert_eq!(table.insert_new("agency:1", 7), Ok(Some(1)));
        assert_eq!(table.insert_new("", 42), Ok(None));
        assert_eq!(table.len(), 10_001);
        assert_eq!(table.get("agency:12"), Some(12));
        assert_eq!(table.get("agency:9999"), Some(9999));
        assert_eq!(table.get(""), Some(42));
        assert_eq!(table.get("agency:10000"), None);
        assert_eq!(table.get("agency:"), None);
    }
}
