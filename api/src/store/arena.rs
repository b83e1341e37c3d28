//! Byte strings side by side in chunks of a few MiB ([`Arena`]): millions of small ids, records or search
//! terms held as a handful of large allocations, each string addressed by an 8-byte [`Span`]; and
//! [`Blocks`], a list that grows the same way. Growing never copies what is stored (a doubling vector
//! briefly holds its old and new buffer at once), and dropping frees a few blocks instead of millions.

use super::codec::{put_varint, read_varint};

/// Bytes per chunk; a larger string gets a chunk of its own.
pub(crate) const CHUNK_BYTES: usize = 4 << 20;

/// Byte strings in fixed-size chunks, each string stored as its length (LEB128) then its bytes.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    chunks: Vec<Vec<u8>>,
}

/// Where a string is in an [`Arena`]: its chunk and the offset of its length.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    chunk: u32,
    start: u32,
}

impl Arena {
    /// Stores `bytes` and returns where.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Span {
        let needed = bytes.len() + 10;
        let fits = self.chunks.last().is_some_and(|chunk| chunk.capacity() - chunk.len() >= needed);
        if !fits {
            self.chunks.push(Vec::with_capacity(needed.max(CHUNK_BYTES)));
        }
        let chunk_index = self.chunks.len() - 1;
        let chunk = &mut self.chunks[chunk_index];
        let start = chunk.len();
        put_varint(chunk, bytes.len() as u64);
        chunk.extend_from_slice(bytes);
        // A chunk is at most CHUNK_BYTES, or one string's own size, so offsets fit in u32 for any string
        // under 4 GiB; there are fewer than 2^32 chunks.
        Span { chunk: chunk_index as u32, start: start as u32 }
    }

    /// The string at `span`; empty if the arena was released.
    pub(crate) fn get(&self, span: Span) -> &[u8] {
        let Some(rest) = self.chunks.get(span.chunk as usize).and_then(|chunk| chunk.get(span.start as usize..)) else { return &[] };
        let Ok((length, used)) = read_varint(rest) else { return &[] };
        usize::try_from(length).ok().and_then(|length| rest.get(used..used.checked_add(length)?)).unwrap_or_default()
    }

    /// Bytes held on the heap, spare capacity included.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::capacity).sum()
    }

    /// Moves `other`'s chunks after these; returns the chunk offset its spans must be shifted by.
    pub(crate) fn append(&mut self, mut other: Arena) -> u32 {
        if let Some(last) = other.chunks.last_mut()
            && last.capacity() - last.len() > last.len() / 4
        {
            last.shrink_to_fit();
        }
        let offset = self.chunks.len() as u32;
        self.chunks.append(&mut other.chunks);
        offset
    }

    /// Number of chunks.
    #[cfg(test)]
    pub(crate) fn chunk_count(&self) -> usize {
        self.chunks.len()
    }
}

impl Span {
    /// This span in an arena appended after `offset` chunks.
    pub(crate) fn shifted(self, offset: u32) -> Span {
        Span { chunk: self.chunk + offset, ..self }
    }
}

/// Items per block of a [`Blocks`].
const BLOCK_ITEMS: usize = 1 << 16;

/// A list of small items in fixed-size blocks.
#[derive(Debug)]
pub(crate) struct Blocks<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks { blocks: Vec::new(), len: 0 }
    }
}

impl<T: Copy> Blocks<T> {
    pub(crate) fn push(&mut self, item: T) {
        if self.len.is_multiple_of(BLOCK_ITEMS) {
            self.blocks.push(Vec::with_capacity(BLOCK_ITEMS));
        }
        if let Some(block) = self.blocks.last_mut() {
            block.push(item);
            self.len += 1;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The item at `index` (which must be below [`Blocks::len`]).
    pub(crate) fn get(&self, index: usize) -> T {
        self.blocks[index / BLOCK_ITEMS][index % BLOCK_ITEMS]
    }

    /// Replaces the item at `index` (which must be below [`Blocks::len`]).
    pub(crate) fn set(&mut self, index: usize, item: T) {
        self.blocks[index / BLOCK_ITEMS][index % BLOCK_ITEMS] = item;
    }

    /// Bytes held on the heap, spare capacity included.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.blocks.len() * BLOCK_ITEMS * std::mem::size_of::<T>()
    }

    /// Every item, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.blocks.iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_items_read_back_across_chunks_and_blocks() {
        let mut arena = Arena::default();
        let mut spans = Blocks::default();
        let long = "y".repeat(CHUNK_BYTES + 1);
        for n in 0..200_000usize {
            let text = if n == 7 { long.clone() } else { format!("id-{n}") };
            spans.push(arena.push(text.as_bytes()));
        }
        assert_eq!(spans.len(), 200_000);
        assert!(arena.chunk_count() >= 3, "the long string has a chunk of its own");
        assert_eq!(arena.get(spans.get(7)), long.as_bytes());
        assert_eq!(arena.get(spans.get(199_999)), b"id-199999");
        assert_eq!(arena.get(spans.get(65_536)), b"id-65536");
        spans.set(3, spans.get(4));
        assert_eq!(arena.get(spans.get(3)), b"id-4");
        assert_eq!(spans.iter().count(), 200_000);
        assert_eq!(Arena::default().get(spans.get(0)), b"", "a span into an empty arena reads as empty");
    }
}
