//! Search-text folding and ranking: case- and accent-insensitive matching over names, acronyms and aliases.
//!
//! [`fold`] turns text into lower-case, accent-free words separated by single spaces (`Côte d’Ivoire` →
//! `cote d ivoire`). [`index_terms`] lists what a store indexes for a node: each word, prefixed with
//! [`WORD`], each whole folded name, acronym and alias, prefixed with [`EXACT`], and each external identifier
//! ([`identifier_term`], prefixed with [`IDENTIFIER`]: search never asks for those, `lookup` does). [`rank`] scores a
//! node's [`NodeNames`] against a query; both stores index the same terms and the ranking lives only here.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::NodeRecord;

/// Prefix of an index term that is one word of a name, acronym or alias.
pub const WORD: char = 'w';
/// Prefix of an index term that is a whole folded name, acronym or alias.
pub const EXACT: char = '=';

/// Prefix of an index term that is an external identifier (`#iati-org:xm-dac-41114`).
pub const IDENTIFIER: char = '#';

/// The index term of an identifier: its scheme and its value, ASCII lower-cased, so a lookup does not
/// depend on how a publisher cased it.
pub fn identifier_term(scheme: &str, value: &str) -> String {
    format!("{IDENTIFIER}{}:{}", scheme.to_ascii_lowercase(), value.trim().to_ascii_lowercase())
}

/// Lower-cases, strips accents and punctuation, and joins the words with single spaces.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_into(text, &mut folded);
    folded
}

/// [`fold`] into `folded` (cleared first), reusing its buffer.
fn fold_into(text: &str, folded: &mut String) {
    folded.clear();
    if text.is_ascii() {
        fold_chars(text.chars(), folded);
    } else {
        fold_chars(text.nfkd().filter(|ch| !is_combining_mark(*ch)), folded);
    }
}

/// [`fold`] through Unicode decomposition (NFKD, combining marks dropped).
#[cfg(test)]
fn fold_unicode(text: &str) -> String {
    let mut folded = String::new();
    fold_chars(text.nfkd().filter(|ch| !is_combining_mark(*ch)), &mut folded);
    folded
}

/// [`fold`] for ASCII text, which decomposition leaves as it is: the same answer without the Unicode
/// tables (search folds every candidate's names, and most names are ASCII).
#[cfg(test)]
fn fold_ascii(text: &str) -> String {
    let mut folded = String::new();
    fold_chars(text.chars(), &mut folded);
    folded
}

/// Appends the alphanumeric characters of `chars`, lower-cased, with one space for each run of others
/// between two words, to the empty `folded`.
fn fold_chars(chars: impl Iterator<Item = char>, folded: &mut String) {
    let mut pending_space = false;
    for ch in chars {
        if ch.is_alphanumeric() {
            if pending_space && !folded.is_empty() {
                folded.push(' ');
            }
            pending_space = false;
            // An ASCII character lower-cases to one character: skip the general iterator.
            if ch.is_ascii() {
                folded.push(ch.to_ascii_lowercase());
            } else {
                folded.extend(ch.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
}

/// The folded words of `text`.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(' ').filter(|word| !word.is_empty()).map(str::to_owned).collect()
}

/// What search matches and ranks of a node: its name, acronym and aliases, and nothing else (a store can
/// read these without decoding the whole record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeNames {
    /// The node's name.
    pub name: String,
    /// Its acronym, if any.
    pub acronym: Option<String>,
    /// Its other names.
    pub aliases: Vec<String>,
}

/// A node's names borrowed from where they are kept (a store's in-memory form): what [`Ranker`] ranks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameRefs<'a> {
    /// The node's name.
    pub name: &'a str,
    /// Its acronym, if any.
    pub acronym: Option<&'a str>,
    /// Its other names.
    pub aliases: Vec<&'a str>,
}

impl NameRefs<'_> {
    /// The names, owned.
    pub fn to_owned(&self) -> NodeNames {
        NodeNames {
            name: self.name.to_owned(),
            acronym: self.acronym.map(str::to_owned),
            aliases: self.aliases.iter().map(|alias| (*alias).to_owned()).collect(),
        }
    }
}

impl From<NodeRecord> for NodeNames {
    fn from(node: NodeRecord) -> NodeNames {
        NodeNames { name: node.name, acronym: node.acronym, aliases: node.aliases }
    }
}

fn names<'a>(name: &'a str, acronym: Option<&'a str>, aliases: &'a [String]) -> impl Iterator<Item = &'a str> {
    std::iter::once(name).chain(acronym).chain(aliases.iter().map(String::as_str))
}

/// The terms a store indexes for `node`, sorted and without duplicates.
pub fn index_terms(node: &NodeRecord) -> Vec<String> {
    let mut terms = Vec::new();
    for name in names(&node.name, node.acronym.as_deref(), &node.aliases) {
        let folded = fold(name);
        if folded.is_empty() {
            continue;
        }
        for word in folded.split(' ') {
            terms.push(format!("{WORD}{word}"));
        }
        terms.push(format!("{EXACT}{folded}"));
    }
    terms.extend(node.identifiers.iter().map(|identifier| identifier_term(&identifier.scheme, &identifier.value)));
    terms.sort();
    terms.dedup();
    terms
}

/// Percent-encodes a URL query value: unreserved characters and `:` (common in ids) stay, every other
/// byte becomes `%XX`. Shared by the server's embed snippets and the widgets' deep links.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Escapes text for an HTML or XML attribute value or text node: markup characters as entities, tabs
/// and line ends as character references, and what XML 1.0 cannot carry (other control characters,
/// U+FFFE, U+FFFF, lone surrogates cannot occur in a `str`) as U+FFFD. Shared by the server's embed
/// snippets and oEmbed answer and the widgets' snippets and SVG download.
pub fn markup_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            _ => out.push(ch),
        }
    }
    out
}

/// How well a node's names match the folded query `query` (lower is better), or `None` if they do not.
///
/// 0: the acronym equals the query; 1: the name equals it; 2: an alias equals it; 3: a name, acronym or
/// alias starts with it; 4: every query word is a whole word of one of them; 5: every query word starts a
/// word of one of them.
pub fn rank(node: &NodeNames, query: &str) -> Option<u8> {
    Ranker::new(query).rank(&node.name, node.acronym.as_deref(), node.aliases.iter().map(String::as_str))
}

/// [`rank`] for many nodes against one query, folding each node's names into buffers it keeps, so ranking
/// a candidate allocates nothing.
#[derive(Debug)]
pub struct Ranker<'q> {
    query: &'q str,
    query_words: Vec<&'q str>,
    /// The folded names of the node being ranked: the name, then the acronym if any, then the aliases.
    folded: Vec<String>,
}

impl<'q> Ranker<'q> {
    /// A ranker for the folded query `query`.
    pub fn new(query: &'q str) -> Ranker<'q> {
        Ranker { query, query_words: query.split(' ').filter(|word| !word.is_empty()).collect(), folded: Vec::new() }
    }

    /// The score of [`rank`] for the node named `name`, with `acronym` and `aliases`.
    pub fn rank<'n>(&mut self, name: &'n str, acronym: Option<&'n str>, aliases: impl Iterator<Item = &'n str>) -> Option<u8> {
        if self.query_words.is_empty() {
            return None;
        }
        let query = self.query;
        // Each name folded once: the name, then the acronym if any, then the aliases (as `names` lists them).
        let mut count = 0;
        for text in std::iter::once(name).chain(acronym).chain(aliases) {
            if count == self.folded.len() {
                self.folded.push(String::new());
            }
            fold_into(text, &mut self.folded[count]);
            count += 1;
        }
        let folded = &self.folded[..count];
        let aliases_from = if acronym.is_some() { 2 } else { 1 };
        if acronym.is_some() && folded[1] == query {
            return Some(0);
        }
        if folded[0] == query {
            return Some(1);
        }
        if folded[aliases_from..].iter().any(|name| name == query) {
            return Some(2);
        }
        if folded.iter().any(|name| name.starts_with(query)) {
            return Some(3);
        }
        let node_words = || folded.iter().flat_map(|name| name.split(' '));
        if self.query_words.iter().all(|word| node_words().any(|node_word| node_word == *word)) {
            return Some(4);
        }
        if self.query_words.iter().all(|word| node_words().any(|node_word| node_word.starts_with(word))) {
            return Some(5);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NodeId, Source};

    #[test]
    fn markup_is_escaped_and_what_xml_cannot_carry_is_replaced() {
        assert_eq!(markup_escape(r#"<img src=x onerror="a('b')"> & co"#), "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt; &amp; co");
        assert_eq!(markup_escape("a\tb\nc\u{7}d\u{FFFF}"), "a&#9;b&#10;c\u{FFFD}d\u{FFFD}");
        assert_eq!(markup_escape("منظمة \u{202E}x"), "منظمة \u{202E}x");
    }

    fn node(id: &str, name: &str, acronym: Option<&str>, aliases: &[&str]) -> NodeRecord {
        let mut node =
            NodeRecord::new(NodeId::parse(id).expect(id), name, vec![Source { document: "t".into(), paragraph: None, quote: None }]);
        node.acronym = acronym.map(str::to_owned);
        node.aliases = aliases.iter().map(|alias| (*alias).to_owned()).collect();
        node
    }

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("Côte d’Ivoire"), "cote d ivoire");
        assert_eq!(fold("  São   Tomé-and-Príncipe "), "sao tome and principe");
        assert_eq!(fold("ＵＮＤＰ"), "undp");
        assert_eq!(fold("...!"), "");
    }

    #[test]
    fn ascii_folding_equals_unicode_folding() {
        let every_byte: String = (0u8..128).map(char::from).collect();
        assert_eq!(fold_ascii(&every_byte), fold_unicode(&every_byte));
        let mut seed: u32 = 0x9e37_79b9;
        for _ in 0..2000 {
            let text: String = (0..(seed % 24))
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    char::from((seed % 128) as u8)
                })
                .collect();
            assert_eq!(fold_ascii(&text), fold_unicode(&text), "{text:?}");
        }
    }

    #[test]
    fn percent_encoding_keeps_ids_readable() {
        assert_eq!(percent_encode("network:wacap"), "network:wacap");
        assert_eq!(percent_encode("a b<é>&"), "a%20b%3C%C3%A9%3E%26");
    }

    #[test]
    fn index_terms_cover_words_and_whole_names() {
        let unossc = node(
            "agency:unossc",
            "United Nations Office for South-South Cooperation",
            Some("UNOSSC"),
            &["UN Office for South-South Cooperation"],
        );
        let terms = index_terms(&unossc);
        assert!(terms.contains(&"=unossc".to_owned()));
        assert!(terms.contains(&"=united nations office for south south cooperation".to_owned()));
        assert!(terms.contains(&"wsouth".to_owned()));
        assert!(terms.contains(&"wun".to_owned()));
        let mut sorted = terms.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(terms, sorted);
    }

    #[test]
    fn ranking_puts_exact_acronyms_before_names_before_prefixes() {
        let wacap = NodeNames::from(node("network:wacap", "World Alliance of Cities Against Poverty", Some("WACAP"), &[]));
        let brazil = NodeNames::from(node("country:BRA", "Brazil", None, &["Federative Republic of Brazil"]));
        assert_eq!(rank(&wacap, "wacap"), Some(0));
        assert_eq!(rank(&brazil, "brazil"), Some(1));
        assert_eq!(rank(&brazil, "federative republic of brazil"), Some(2));
        assert_eq!(rank(&wacap, "world alliance"), Some(3));
        assert_eq!(rank(&wacap, "cities poverty"), Some(4));
        assert_eq!(rank(&wacap, "citi pov"), Some(5));
        assert_eq!(rank(&wacap, "brazil"), None);
        assert_eq!(rank(&wacap, ""), None);
        // With an acronym and aliases: an alias equal to the query ranks 2, the acronym 0, whatever the
        // acronym's place among the names.
        let unossc =
            NodeNames::from(node("agency:unossc", "UN Office for South-South Cooperation", Some("UNOSSC"), &["SU/SSC", "Special Unit"]));
        assert_eq!(rank(&unossc, "special unit"), Some(2));
        assert_eq!(rank(&unossc, "su ssc"), Some(2));
        assert_eq!(rank(&unossc, "unossc"), Some(0));
        assert_eq!(rank(&unossc, "un office for south south cooperation"), Some(1));
        assert_eq!(rank(&unossc, "special"), Some(3));
    }

    /// One ranker over many nodes, its buffers reused from node to node (more names, then fewer), scores
    /// each as ranking it alone does.
    #[test]
    fn a_ranker_reused_across_nodes_scores_as_ranking_each_alone() {
        let nodes = [
            node("agency:a", "UN Office for South-South Cooperation", Some("UNOSSC"), &["SU/SSC", "Special Unit", "Unité spéciale"]),
            node("agency:b", "Special", None, &[]),
            node("agency:c", "Unit", Some("SPECIAL UNIT"), &[]),
            node("agency:d", "Société Générale", None, &["special unit x"]),
            node("agency:e", "...", None, &[]),
        ];
        for query in ["special unit", "special", "unit", "su ssc", "unossc", "societe", "spec un", "x", "special unit x"] {
            let mut ranker = Ranker::new(query);
            for record in nodes.iter().chain(nodes.iter().rev()) {
                let names = NodeNames::from(record.clone());
                let refs = NameRefs {
                    name: &names.name,
                    acronym: names.acronym.as_deref(),
                    aliases: names.aliases.iter().map(String::as_str).collect(),
                };
                assert_eq!(refs.to_owned(), names);
                let reused = ranker.rank(refs.name, refs.acronym, refs.aliases.iter().copied());
                assert_eq!(reused, rank(&names, query), "{query:?} against {:?}", record.id);
            }
        }
        assert_eq!(Ranker::new("special").rank("Special", None, std::iter::empty()), Some(1));
    }
}
