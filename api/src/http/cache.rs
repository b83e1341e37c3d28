//! The response cache: complete answers of GraphQL requests, kept by the exact request and the store's
//! data version.
//!
//! A map embedded on many pages sends the same request for every visitor; with the cache each distinct
//! request is executed once per change of the data, and every repeat is a lookup. What it may keep:
//! - only complete answers (HTTP 200, no `errors`): a timeout or a store that went away is never reused;
//! - only from a store that can tell its data version ([`crate::graph::Graph::data_version`]); the Bolt store cannot
//!   (other clients write to its database), so its answers are never cached;
//! - an answer is keyed by the data version of the snapshot it was read from (one per request), so an
//!   entry never holds data of another version than its key says.
//!
//! Entries of an older version are never read again; they leave as the cache evicts (quick_cache's
//! S3-FIFO, weighed in bytes held), so the cache never holds more than its capacity.
//!
//! Browsers ask for compressed answers, and gzipping a map's 90 KB answer costs more than finding it, so
//! an answer of [`GZIP_MIN`] bytes or more also keeps its gzip form once a client has asked for it.
//! Smaller answers go out as they are and the compression layer handles them.

use std::io::Write;

use axum::body::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde_json::{Map, Value};

/// Smallest answer kept gzipped as well.
pub(crate) const GZIP_MIN: usize = 1024;
/// What one entry costs beyond its text: the key's and the entry's own fields, roughly.
const ENTRY_OVERHEAD: usize = 128;
/// Expected size of an answer, for sizing the cache's tables.
const TYPICAL_ENTRY: u64 = 8 * 1024;

/// A request as the cache tells requests apart: the same text, operation and variables against the same
/// data give the same answer (no field depends on the clock or on who asks).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    version: u64,
    query: String,
    operation_name: Option<String>,
    /// The variables as JSON text; serde_json's maps are ordered by key, so equal variables give equal
    /// text whatever order the client sent them in.
    variables: String,
}

impl CacheKey {
    /// The key of a request against data version `version` (`None` if the variables cannot be written
    /// as JSON, which a map parsed from JSON always can).
    pub(crate) fn new(version: u64, query: &str, operation_name: Option<&str>, variables: Option<&Map<String, Value>>) -> Option<CacheKey> {
        let variables = match variables {
            Some(variables) => serde_json::to_string(variables).ok()?,
            None => String::new(),
        };
        Some(CacheKey { version, query: query.to_owned(), operation_name: operation_name.map(str::to_owned), variables })
    }

    fn bytes(&self) -> usize {
        self.query.len() + self.operation_name.as_ref().map_or(0, String::len) + self.variables.len()
    }
}

/// A complete answer: its JSON text, and its gzip form once asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) json: Bytes,
    pub(crate) gzip: Option<Bytes>,
}

impl Answer {
    /// `json`, with its gzip form if `gzip` and the answer is large enough to be worth it.
    pub(crate) fn new(json: Bytes, gzip: bool) -> Answer {
        let answer = Answer { json, gzip: None };
        if gzip { answer.with_gzip() } else { answer }
    }

    /// Whether a gzip form is worth making and not made yet.
    fn lacks_gzip(&self) -> bool {
        self.gzip.is_none() && self.json.len() >= GZIP_MIN
    }

    /// The answer with its gzip form, if it is large enough to be worth it.
    pub(crate) fn with_gzip(self) -> Answer {
        if !self.lacks_gzip() {
            return self;
        }
        let mut encoder = GzEncoder::new(Vec::with_capacity(self.json.len() / 4), Compression::default());
        // Writing into a Vec cannot fail; should it, the answer simply goes out uncompressed.
        let gzip = encoder.write_all(&self.json).and_then(|()| encoder.finish()).ok().map(Bytes::from);
        Answer { gzip, ..self }
    }
}

/// Weighs an entry by the bytes it holds.
#[derive(Debug, Clone, Copy)]
struct ByBytes;

impl Weighter<CacheKey, Answer> for ByBytes {
    fn weight(&self, key: &CacheKey, answer: &Answer) -> u64 {
        let held = key.bytes() + answer.json.len() + answer.gzip.as_ref().map_or(0, Bytes::len) + ENTRY_OVERHEAD;
        u64::try_from(held).unwrap_or(u64::MAX)
    }
}

/// Answers by request, bounded in bytes.
pub struct ResponseCache {
    entries: Cache<CacheKey, Answer, ByBytes>,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache").field("bytes", &self.entries.weight()).field("capacity", &self.entries.capacity()).finish()
    }
}

impl ResponseCache {
    /// A cache holding at most `capacity` bytes; `None` when `capacity` is 0 (no cache).
    pub fn new(capacity: u64) -> Option<ResponseCache> {
        let items = usize::try_from((capacity / TYPICAL_ENTRY).max(16)).unwrap_or(usize::MAX);
        (capacity > 0).then(|| ResponseCache { entries: Cache::with_weighter(items, capacity, ByBytes) })
    }

    /// The answer kept for `key`, with its gzip form if `gzip` asks for it (made and kept now if it was
    /// not yet).
    pub(crate) fn get(&self, key: &CacheKey, gzip: bool) -> Option<Answer> {
        let answer = self.entries.get(key)?;
        if !gzip || !answer.lacks_gzip() {
            return Some(answer);
        }
        let answer = answer.with_gzip();
        self.entries.insert(key.clone(), answer.clone());
        Some(answer)
    }

    /// Keeps `answer` for `key` (whose version is that of the snapshot the answer was read from).
    pub(crate) fn insert(&self, key: CacheKey, answer: Answer) {
        self.entries.insert(key, answer);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key(version: u64, query: &str, operation_name: Option<&str>, variables: Option<&Map<String, Value>>) -> CacheKey {
        CacheKey::new(version, query, operation_name, variables).expect("variables as JSON")
    }

    fn variables(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn keys_tell_apart_version_text_operation_and_variables_but_not_variable_order() {
        let a = variables(json!({ "id": "agency:unossc", "depth": 1 }));
        let reordered: Map<String, Value> =
            [("depth".to_owned(), json!(1)), ("id".to_owned(), json!("agency:unossc"))].into_iter().collect();
        let base = key(1, "query Q($id: ID!) { node(id: $id) { id } }", Some("Q"), Some(&a));
        assert_eq!(base, key(1, "query Q($id: ID!) { node(id: $id) { id } }", Some("Q"), Some(&reordered)));
        assert_ne!(base, key(2, "query Q($id: ID!) { node(id: $id) { id } }", Some("Q"), Some(&a)));
        assert_ne!(base, key(1, "query Q($id: ID!) { node(id: $id) { id name } }", Some("Q"), Some(&a)));
        assert_ne!(base, key(1, "query Q($id: ID!) { node(id: $id) { id } }", None, Some(&a)));
        let other = variables(json!({ "id": "agency:undp", "depth": 1 }));
        assert_ne!(base, key(1, "query Q($id: ID!) { node(id: $id) { id } }", Some("Q"), Some(&other)));
    }

    #[test]
    fn a_cache_of_zero_bytes_is_none() {
        assert!(ResponseCache::new(0).is_none());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let capacity = 256 * 1024;
        let cache = ResponseCache::new(capacity).expect("a cache");
        let body = Answer::new(Bytes::from(vec![b'x'; 10_000]), false);
        for i in 0..200 {
            cache.entries.insert(key(1, &format!("{{ node(id: \"agency:s{i}\") {{ id }} }}"), None, None), body.clone());
            assert!(cache.entries.weight() <= capacity, "{} bytes held after {i} inserts", cache.entries.weight());
        }
        assert!(cache.entries.weight() > capacity / 2, "the cache keeps what fits: {} bytes", cache.entries.weight());
        let last = key(1, "{ node(id: \"agency:s199\") { id } }", None, None);
        assert_eq!(cache.get(&last, false), Some(body), "the newest entry is kept");
    }

    #[test]
    fn a_gzip_form_is_made_once_asked_for_and_decompresses_to_the_answer() {
        use std::io::Read;

        let cache = ResponseCache::new(1024 * 1024).expect("a cache");
        let json = Bytes::from(format!("{{\"data\":{{\"nodes\":[{}]}}}}", vec!["{\"id\":\"agency:s1\"}"; 200].join(",")));
        let nodes = key(1, "{ nodes { id } }", None, None);
        cache.entries.insert(nodes.clone(), Answer::new(json.clone(), false));
        assert_eq!(cache.get(&nodes, false).and_then(|answer| answer.gzip), None, "not made until asked for");
        let gzip = cache.get(&nodes, true).and_then(|answer| answer.gzip).expect("made when asked for");
        assert!(gzip.len() < json.len() / 4, "{} of {} bytes", gzip.len(), json.len());
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&gzip[..]).read_to_end(&mut text).expect("valid gzip");
        assert_eq!(text, json);
        assert_eq!(cache.entries.get(&nodes).and_then(|answer| answer.gzip), Some(gzip), "and kept");
        let small = Answer::new(Bytes::from_static(b"{\"data\":{}}"), true);
        assert_eq!(small.gzip, None, "a small answer is left to the compression layer");
    }
}
