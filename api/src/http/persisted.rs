//! Persisted queries and HTTP caching of GraphQL answers over GET.
//!
//! Persisted queries follow the `extensions.persistedQuery` convention (version 1, a SHA-256 hash of the
//! query text, hex): a request with the hash and the text registers the text (once the hash is checked);
//! a request with the hash alone runs the registered text, or answers `PERSISTED_QUERY_NOT_FOUND` so the
//! client sends the text once more. A map embedded on a busy page then asks with a short GET that a CDN or
//! the browser can keep. Registered texts are bounded in bytes and evicted as the cache evicts.
//!
//! GET answers without errors carry a weak `ETag` made of the store's data version and a hash of the
//! request (text, operation, variables), and `Cache-Control: public, max-age=60,
//! stale-while-revalidate=600`; a request whose `If-None-Match` names the current tag gets `304` without
//! executing anything. Only stores that can tell their data version (the embedded store) give tags.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Bytes of query text kept for persisted queries.
const PERSISTED_BYTES: u64 = 8 << 20;
/// How long a shared cache or a browser may keep a GET answer, and serve it stale while revalidating.
pub(crate) const GET_CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=600";

/// Why a persisted query could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersistedError {
    /// The hash is not registered: send the query text with it.
    #[error("PersistedQueryNotFound")]
    NotFound,
    /// The text does not hash to the hash given.
    #[error("the query text does not match `persistedQuery.sha256Hash`")]
    HashMismatch,
    /// Not version 1, or no 64-digit hex hash.
    #[error("`extensions.persistedQuery` needs `version: 1` and a 64-digit hex `sha256Hash`")]
    Malformed,
}

impl PersistedError {
    /// The `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            PersistedError::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            PersistedError::HashMismatch | PersistedError::Malformed => "BAD_USER_INPUT",
        }
    }
}

/// The registered query texts, by hash.
#[derive(Clone)]
pub struct PersistedQueries {
    texts: Arc<Cache<[u8; 32], Arc<str>, TextBytes>>,
}

impl std::fmt::Debug for PersistedQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersistedQueries").field("len", &self.texts.len()).finish()
    }
}

#[derive(Clone)]
struct TextBytes;

impl Weighter<[u8; 32], Arc<str>> for TextBytes {
    fn weight(&self, _: &[u8; 32], text: &Arc<str>) -> u64 {
        text.len() as u64 + 64
    }
}

impl Default for PersistedQueries {
    fn default() -> PersistedQueries {
        let texts = Cache::with_weighter(4096, PERSISTED_BYTES, TextBytes);
        PersistedQueries { texts: Arc::new(texts) }
    }
}

impl PersistedQueries {
    /// The query text of a request: `query` itself, registered under its hash when `extensions` names
    /// one, or the text registered under the hash when `query` is absent. `Ok(None)`: neither.
    pub fn resolve(&self, query: Option<String>, extensions: Option<&Map<String, Value>>) -> Result<Option<String>, PersistedError> {
        let Some(persisted) = extensions.and_then(|extensions| extensions.get("persistedQuery")) else {
            return Ok(query);
        };
        let hash = parse_hash(persisted).ok_or(PersistedError::Malformed)?;
        match query {
            Some(text) => {
                if Sha256::digest(text.as_bytes()).as_slice() != hash {
                    return Err(PersistedError::HashMismatch);
                }
                self.texts.insert(hash, Arc::from(text.as_str()));
                Ok(Some(text))
            }
            None => self.texts.get(&hash).map(|text| Some(text.to_string())).ok_or(PersistedError::NotFound),
        }
    }
}

/// The hash of a `persistedQuery` object of version 1.
fn parse_hash(persisted: &Value) -> Option<[u8; 32]> {
    if persisted.get("version").and_then(Value::as_u64) != Some(1) {
        return None;
    }
    let hex = persisted.get("sha256Hash")?.as_str()?;
    if hex.len() != 64 {
        return None;
    }
    let mut hash = [0u8; 32];
    for (byte, pair) in hash.iter_mut().zip(hex.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(hash)
}

/// The weak entity tag of a request's answer at data version `version`.
pub(crate) fn entity_tag(version: u64, query: &str, operation_name: Option<&str>, variables: Option<&Map<String, Value>>) -> HeaderValue {
    let mut hasher = Sha256::new();
    hasher.update(query.as_bytes());
    hasher.update([0]);
    hasher.update(operation_name.unwrap_or_default().as_bytes());
    hasher.update([0]);
    if let Some(variables) = variables {
        // serde_json's maps are ordered by key: equal variables give equal text.
        hasher.update(Value::Object(variables.clone()).to_string().as_bytes());
    }
    let digest = hasher.finalize();
    let short: String = digest.iter().take(12).map(|byte| format!("{byte:02x}")).collect();
    HeaderValue::from_str(&format!("W/\"{version:x}-{short}\"")).unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""))
}

/// Whether `headers`' `If-None-Match` names `tag` (or `*`).
pub(crate) fn matches(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    let Ok(tag) = tag.to_str() else {
        return false;
    };
    let weak = |value: &str| value.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| candidate.trim() == "*" || weak(candidate) == weak(tag))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn hash_of(text: &str) -> String {
        Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
    }

    fn extensions(hash: &str) -> Map<String, Value> {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).as_object().cloned().expect("object")
    }

    #[test]
    fn a_hash_registers_with_its_text_and_then_stands_for_it() {
        let queries = PersistedQueries::default();
        let text = "{ stats { nodes } }";
        let hash = hash_of(text);
        assert_eq!(queries.resolve(None, Some(&extensions(&hash))), Err(PersistedError::NotFound));
        assert_eq!(queries.resolve(Some(text.into()), Some(&extensions(&hash))), Ok(Some(text.to_owned())));
        assert_eq!(queries.resolve(None, Some(&extensions(&hash))), Ok(Some(text.to_owned())));
        assert_eq!(queries.resolve(Some("{ other }".into()), Some(&extensions(&hash))), Err(PersistedError::HashMismatch));
        assert_eq!(queries.resolve(None, Some(&extensions("abc"))), Err(PersistedError::Malformed));
        assert_eq!(queries.resolve(Some("q".into()), None), Ok(Some("q".to_owned())));
    }

    #[test]
    fn tags_follow_the_version_and_the_request_and_match_weakly() {
        let variables = json!({ "b": 1, "a": 2 }).as_object().cloned();
        let tag = entity_tag(7, "{ x }", None, variables.as_ref());
        assert_eq!(tag, entity_tag(7, "{ x }", None, json!({ "a": 2, "b": 1 }).as_object()));
        assert_ne!(tag, entity_tag(8, "{ x }", None, variables.as_ref()));
        assert_ne!(tag, entity_tag(7, "{ y }", None, variables.as_ref()));
        let mut headers = HeaderMap::new();
        let strong = tag.to_str().expect("ascii").trim_start_matches("W/").to_owned();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"other\", {strong}")).expect("header"));
        assert!(matches(&headers, &tag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!matches(&headers, &tag));
    }
}
