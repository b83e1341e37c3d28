//! API tokens: made at random, shown once, stored only as their SHA-256 (`store::TokenRecord`), and
//! checked by hashing what a request presents. `partnergraph token …` and the `revokeToken` mutation
//! use the same functions.

use sha2::{Digest, Sha256};

use crate::store::audit::now;
use crate::store::{GraphStore, Scope, StoreError, TokenRecord};

/// What every token starts with, so a leaked one is recognisable (secret scanners, logs).
pub const PREFIX: &str = "pgt_";
/// Longest token name.
pub const MAX_NAME: usize = 64;

/// Why a token operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The name is empty, too long, or has characters other than letters, digits, `.`, `_` and `-`.
    #[error("a token name is 1 to {MAX_NAME} letters, digits, `.`, `_` or `-` (got `{0}`)")]
    BadName(String),
    /// The system's random source failed.
    #[error("no random bytes for a token: {0}")]
    Random(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a presented token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A live token: its name and scope.
    Valid {
        /// Its name.
        name: String,
        /// Its scope.
        scope: Scope,
    },
    /// A token that was revoked.
    Revoked {
        /// Its name.
        name: String,
    },
    /// Not a token of this store.
    Unknown,
}

/// The stored form of `token`: its SHA-256 in lower-case hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn check_name(name: &str) -> Result<(), TokenError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'));
    if ok { Ok(()) } else { Err(TokenError::BadName(name.to_owned())) }
}

/// Makes a token called `name` with `scope`, stores its hash, and returns the token (the only time it
/// is seen).
pub async fn create(store: &dyn GraphStore, name: &str, scope: Scope) -> Result<String, TokenError> {
    check_name(name)?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|err| TokenError::Random(err.to_string()))?;
    let token: String = std::iter::once(PREFIX.to_owned()).chain(secret.iter().map(|byte| format!("{byte:02x}"))).collect();
    let record = TokenRecord { name: name.to_owned(), scope, hash: hash(&token), created: now(), revoked: None };
    store.save_token(record, true).await?;
    Ok(token)
}

/// Revokes the token called `name` (revoking it again changes nothing).
pub async fn revoke(store: &dyn GraphStore, name: &str) -> Result<(), TokenError> {
    let tokens = store.tokens().await?;
    let Some(mut token) = tokens.into_iter().find(|token| token.name == name) else {
        return Err(StoreError::NoSuchToken { name: name.to_owned() }.into());
    };
    if token.revoked.is_none() {
        token.revoked = Some(now());
        store.save_token(token, false).await?;
    }
    Ok(())
}

/// What `presented` is, among `tokens`.
pub fn verify(tokens: &[TokenRecord], presented: &str) -> Verdict {
    let wanted = hash(presented);
    match tokens.iter().find(|token| token.hash == wanted) {
        Some(token) if token.revoked.is_some() => Verdict::Revoked { name: token.name.clone() },
        Some(token) => Verdict::Valid { name: token.name.clone(), scope: token.scope },
        None => Verdict::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("secretariat-2026_v1.0").is_ok());
        for bad in ["", "with space", "é", &"x".repeat(MAX_NAME + 1)] {
            assert!(matches!(check_name(bad), Err(TokenError::BadName(_))), "{bad}");
        }
    }

    #[test]
    fn verdicts_tell_valid_revoked_and_unknown_apart() {
        let record = |name: &str, token: &str, revoked: Option<&str>| TokenRecord {
            name: name.to_owned(),
            scope: Scope::Write,
            hash: hash(token),
            created: now(),
            revoked: revoked.map(str::to_owned),
        };
        let tokens = [record("a", "pgt_1", None), record("b", "pgt_2", Some("2026-12-07T00:00:00.000Z"))];
        assert_eq!(verify(&tokens, "pgt_1"), Verdict::Valid { name: "a".into(), scope: Scope::Write });
        assert_eq!(verify(&tokens, "pgt_2"), Verdict::Revoked { name: "b".into() });
        assert_eq!(verify(&tokens, "pgt_3"), Verdict::Unknown);
    }
}
