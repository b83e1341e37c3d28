//! The map's query: its text, its persisted-query hash, and the GET URL that asks it (shared by the
//! widget's fetches and checked by native tests).

use partnergraph_schema::text::percent_encode;

/// The neighbourhood query: every field the map, its card and its table show.
pub const MAP_QUERY: &str = "query PartnergraphMap($id: ID!, $depth: Int!, $asOf: Date, $limit: Int!) {
  neighborhood(id: $id, depth: $depth, asOf: $asOf, limit: $limit) {
    truncated
    nodes { id kind name acronym description degree location { lat lon } sources { document paragraph }
      ... on Agreement { start end } ... on Event { start end } ... on Country { identifiers { scheme value } } }
    edges { id type source target role iatiRole from to sources { document paragraph } }
  }
}";

/// The SHA-256 of [`MAP_QUERY`], in hex: its persisted-query hash (a test checks it against the text).
pub const MAP_QUERY_HASH: &str = "e05b400d06d831ec8c5ccd66dd493cd88390a93b9b7b5a6c42723c09b1c7fc9f";

/// The GET URL of the map query with these variables: by its hash alone, or with its text too.
pub fn map_url(api: &str, variables: &serde_json::Value, with_text: bool) -> String {
    let extensions = serde_json::json!({ "persistedQuery": { "version": 1, "sha256Hash": MAP_QUERY_HASH } });
    let mut url = format!(
        "{api}/graphql?operationName=PartnergraphMap&variables={}&extensions={}",
        percent_encode(&variables.to_string()),
        percent_encode(&extensions.to_string())
    );
    if with_text {
        url.push_str("&query=");
        url.push_str(&percent_encode(MAP_QUERY));
    }
    url
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn the_map_query_hash_is_the_sha256_of_its_text() {
        let digest = Sha256::digest(MAP_QUERY.as_bytes());
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hex, MAP_QUERY_HASH, "update MAP_QUERY_HASH after changing MAP_QUERY");
    }

    #[test]
    fn the_map_url_carries_the_hash_and_the_text_only_when_asked() {
        let variables = serde_json::json!({ "id": "agency:undp", "depth": 1, "asOf": null, "limit": 500 });
        let short = map_url("https://pg.example.org", &variables, false);
        assert!(short.starts_with("https://pg.example.org/graphql?operationName=PartnergraphMap&variables=%7B%22"), "{short}");
        assert!(short.contains(MAP_QUERY_HASH) && !short.contains("&query="), "{short}");
        let long = map_url("https://pg.example.org", &variables, true);
        assert!(long.starts_with(&short) && long.contains("&query=query%20PartnergraphMap"), "{long}");
        assert!(!long.contains(' ') && !long.contains('{'), "encoded: {long}");
    }
}
