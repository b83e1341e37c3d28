//! Content negotiation for GraphQL over HTTP: which media type to answer in, from `Accept`, and whether
//! a cached answer may go out gzipped, from `Accept-Encoding`.
//!
//! `application/graphql-response+json` when the client lists it; `application/json` when it lists that,
//! a wildcard, or sends no `Accept` at all (as the spec asks during its transition period); otherwise
//! nothing acceptable (406).

use axum::http::header::{ACCEPT, ACCEPT_ENCODING};
use axum::http::{HeaderMap, HeaderName};

/// The media types the endpoint answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: request errors answer 4xx without `data`.
    GraphqlResponseJson,
    /// `application/json`: request errors answer 200, like most legacy servers.
    Json,
}

impl MediaType {
    /// The `Content-Type` value.
    pub fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in, or `None` if the client accepts neither.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    if headers.get_all(ACCEPT).iter().filter_map(|value| value.to_str().ok()).all(|value| value.trim().is_empty()) {
        return Some(MediaType::Json);
    }
    let mut graphql_response = false;
    let mut json = false;
    for media in accepted(headers, ACCEPT) {
        match media.as_str() {
            "application/graphql-response+json" => graphql_response = true,
            "application/json" | "application/*" | "*/*" => json = true,
            _ => {}
        }
    }
    if graphql_response {
        Some(MediaType::GraphqlResponseJson)
    } else if json {
        Some(MediaType::Json)
    } else {
        None
    }
}

/// Whether `Accept-Encoding` allows gzip, by name or by `*` when gzip is not refused by name, so a cached
/// gzip answer may be sent.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let (mut named, mut wildcard) = (None, false);
    for (coding, accepted) in items(headers, ACCEPT_ENCODING) {
        match coding.as_str() {
            "gzip" => named = Some(named.unwrap_or(false) || accepted),
            "*" => wildcard |= accepted,
            _ => {}
        }
    }
    named.unwrap_or(wildcard)
}

/// The values a list header (`Accept`, `Accept-Encoding`) accepts, lower-cased, without parameters.
fn accepted(headers: &HeaderMap, name: HeaderName) -> impl Iterator<Item = String> + '_ {
    items(headers, name).filter_map(|(value, accepted)| accepted.then_some(value))
}

/// Each value a list header names, lower-cased, without parameters, and whether it is accepted (`q=0`
/// refuses it).
fn items(headers: &HeaderMap, name: HeaderName) -> impl Iterator<Item = (String, bool)> + '_ {
    headers.get_all(name).into_iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(',')).filter_map(|item| {
        let mut parts = item.split(';').map(str::trim);
        let value = parts.next().unwrap_or_default().to_ascii_lowercase();
        let refused = parts.filter_map(|param| param.strip_prefix("q=")).any(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0));
        (!value.is_empty()).then_some((value, !refused))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn check(accept: Option<&str>) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(ACCEPT, HeaderValue::from_str(accept).expect("header"));
        }
        negotiate(&headers)
    }

    #[test]
    fn negotiation_follows_the_graphql_over_http_spec() {
        assert_eq!(check(None), Some(MediaType::Json));
        assert_eq!(check(Some("application/graphql-response+json")), Some(MediaType::GraphqlResponseJson));
        assert_eq!(check(Some("application/json")), Some(MediaType::Json));
        assert_eq!(check(Some("application/graphql-response+json, application/json;q=0.9")), Some(MediaType::GraphqlResponseJson));
        assert_eq!(check(Some("*/*")), Some(MediaType::Json));
        assert_eq!(check(Some("text/html")), None);
        assert_eq!(check(Some("application/graphql-response+json;q=0, application/json")), Some(MediaType::Json));
        assert_eq!(check(Some("application/json;q=0.0")), None);
    }

    #[test]
    fn gzip_is_accepted_by_name_or_wildcard_unless_refused() {
        let gzip = |value: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).expect("header"));
            }
            accepts_gzip(&headers)
        };
        assert!(gzip(Some("gzip, deflate, br, zstd")));
        assert!(gzip(Some("br;q=1.0, GZIP;q=0.5")));
        assert!(gzip(Some("*")));
        assert!(!gzip(None));
        assert!(!gzip(Some("br")));
        assert!(!gzip(Some("gzip;q=0, br")));
        assert!(!gzip(Some("identity")));
        assert!(!gzip(Some("gzip;q=0, *")), "refused by name, whatever the wildcard says");
    }
}
