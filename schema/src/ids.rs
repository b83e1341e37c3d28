//! Node and edge ids: checked newtypes over strings.
//!
//! A node id is `<kind>:<slug>` (`agency:unossc`, `country:THA`, `city:bangkok-tha`). The slug uses only
//! URL-unreserved characters so ids can travel in query strings unescaped; a country's slug is its
//! upper-case ISO 3166-1 alpha-3 code. An edge id is printable ASCII here; a dataset file's edge ids must
//! also follow the form `<source>><type>><target>` (`~2`, `~3`, … or `~qualifier` for a further relation), which dataset
//! validation checks. Ids are never reused.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::NodeKind;

/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The id has no `kind:` prefix.
    #[error("id `{0}` has no kind prefix (expected e.g. `agency:unossc`)")]
    MissingPrefix(String),
    /// The prefix is not a node kind.
    #[error("id `{id}` has unknown kind prefix `{prefix}` (expected agency, country, city, network, agreement or event)")]
    UnknownPrefix {
        /// The whole id.
        id: String,
        /// The rejected prefix.
        prefix: String,
    },
    /// The slug is empty, too long, or has characters outside `A-Z a-z 0-9 - . _ ~`.
    #[error("id `{0}` has an invalid slug (use 1–200 of A-Z a-z 0-9 - . _ ~)")]
    InvalidSlug(String),
    /// A country id whose slug is not three upper-case letters.
    #[error("country id `{0}` must be `country:` followed by an upper-case ISO 3166-1 alpha-3 code")]
    InvalidCountryCode(String),
    /// An edge id that is empty, too long, or not printable ASCII.
    #[error("edge id `{0}` must be 1–256 printable ASCII characters without spaces")]
    InvalidEdgeId(String),
}

/// The id of a node; its prefix names its [`NodeKind`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NodeId(String);

impl NodeId {
    /// Checks and wraps `id`.
    pub fn parse(id: impl Into<String>) -> Result<NodeId, IdError> {
        let id = id.into();
        let Some((prefix, slug)) = id.split_once(':') else {
            return Err(IdError::MissingPrefix(id));
        };
        let Some(kind) = NodeKind::from_id_prefix(prefix) else {
            let prefix = prefix.to_owned();
            return Err(IdError::UnknownPrefix { id, prefix });
        };
        let slug_ok = !slug.is_empty()
            && slug.len() <= 200
            && slug.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if !slug_ok {
            return Err(IdError::InvalidSlug(id));
        }
        if kind == NodeKind::Country && !(slug.len() == 3 && slug.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(IdError::InvalidCountryCode(id));
        }
        Ok(NodeId(id))
    }

    /// The id for a country's ISO 3166-1 alpha-3 code.
    pub fn country(iso3: &str) -> Result<NodeId, IdError> {
        NodeId::parse(format!("country:{iso3}"))
    }

    /// The node kind named by the prefix.
    pub fn kind(&self) -> NodeKind {
        // The constructor checked the prefix, so the fallback is unreachable.
        NodeKind::of_id(&self.0).unwrap_or(NodeKind::Agency)
    }

    /// The part after `kind:`.
    pub fn slug(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, slug)| slug)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id of an edge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EdgeId(String);

impl EdgeId {
    /// Checks and wraps `id`.
    pub fn parse(id: impl Into<String>) -> Result<EdgeId, IdError> {
        let id = id.into();
        let ok = !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic());
        if ok { Ok(EdgeId(id)) } else { Err(IdError::InvalidEdgeId(id)) }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype_impls {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                $name::parse(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_newtype_impls!(NodeId);
string_newtype_impls!(EdgeId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_of_the_design_note_parse_with_their_kind() {
        let cases = [
            ("agency:unossc", NodeKind::Agency),
            ("country:THA", NodeKind::Country),
            ("city:bangkok-tha", NodeKind::City),
            ("network:wacap", NodeKind::Network),
            ("agreement:china-ifad-sstc-facility", NodeKind::Agreement),
            ("event:gssd-expo-2017", NodeKind::Event),
        ];
        for (text, kind) in cases {
            let id = NodeId::parse(text).expect(text);
            assert_eq!(id.kind(), kind);
            assert_eq!(id.as_str(), text);
        }
    }

    #[test]
    fn malformed_node_ids_are_rejected_with_the_reason() {
        assert!(matches!(NodeId::parse("unossc"), Err(IdError::MissingPrefix(_))));
        assert!(matches!(NodeId::parse("org:unossc"), Err(IdError::UnknownPrefix { .. })));
        assert!(matches!(NodeId::parse("agency:"), Err(IdError::InvalidSlug(_))));
        assert!(matches!(NodeId::parse("agency:un ossc"), Err(IdError::InvalidSlug(_))));
        assert!(matches!(NodeId::parse("agency:<img>"), Err(IdError::InvalidSlug(_))));
        assert!(matches!(NodeId::parse("country:tha"), Err(IdError::InvalidCountryCode(_))));
        assert!(matches!(NodeId::parse("country:TH"), Err(IdError::InvalidCountryCode(_))));
    }

    #[test]
    fn edge_ids_reject_spaces_and_empty() {
        assert!(EdgeId::parse("network:wacap>hosted_by>agency:undp").is_ok());
        assert!(EdgeId::parse("").is_err());
        assert!(EdgeId::parse("a b").is_err());
    }

    #[test]
    fn ids_deserialize_through_the_checked_constructor() {
        let id: NodeId = serde_json::from_str("\"city:bangkok-tha\"").expect("valid");
        assert_eq!(id.kind(), NodeKind::City);
        assert!(serde_json::from_str::<NodeId>("\"bangkok\"").is_err());
    }
}
