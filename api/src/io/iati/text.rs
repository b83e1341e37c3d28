//! Text of IATI elements: narratives in the default language first, text escaped twice, and the slugs of
//! the ids derived from IATI identifiers and names.

use crate::io::iati::Warnings;
use crate::io::iati::warning::WarningKind;
use crate::io::iati::xml::Element;

/// Longest slug kept whole; longer ones are cut and end with a hash of the whole, so they stay unique.
const MAX_SLUG: usize = 80;
/// Escapes that should not survive one round of unescaping.
const ESCAPES: [&str; 6] = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"];

/// The texts of an element: the one to show, and the others (other languages), without repeats.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    /// In the default language if given in it, else in English, else the first.
    pub main: String,
    /// The others, in file order.
    pub others: Vec<String>,
    /// The others that name their language (another than the main text's), as (ISO 639-1 code, text),
    /// the first of each language, in file order.
    pub translated: Vec<(String, String)>,
}

/// The ISO 639-1 code of an `xml:lang` value (`fr`, `FR`, `fr-CA` are `fr`), if it has one.
fn language_code(lang: &str) -> Option<String> {
    let primary = lang.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    partnergraph_schema::dataset::is_language_code(&primary).then_some(primary)
}

/// The texts of `element`: its `narrative` children (2.0x), or its own text (1.0x); `None` if all are
/// empty. `default_lang` is the activity's or file's `xml:lang`.
pub fn texts(element: &Element, default_lang: Option<&str>, warnings: &mut Warnings) -> Option<Texts> {
    let mut found: Vec<(Option<&str>, String)> = element
        .children_named("narrative")
        .map(|narrative| (narrative.lang.as_deref(), clean(narrative, warnings)))
        .filter(|(_, text)| !text.is_empty())
        .collect();
    if found.is_empty() {
        let own = clean(element, warnings);
        if !own.is_empty() {
            found.push((element.lang.as_deref(), own));
        }
    }
    let preferred = found
        .iter()
        .position(|(lang, _)| *lang == default_lang)
        .or_else(|| found.iter().position(|(lang, _)| lang.is_none_or(|lang| lang == "en")))
        .unwrap_or(0);
    if found.is_empty() {
        return None;
    }
    let (main_lang, main) = found.remove(preferred);
    let main_lang = main_lang.or(default_lang).and_then(language_code);
    let mut others: Vec<String> = Vec::new();
    let mut translated: Vec<(String, String)> = Vec::new();
    for (lang, text) in found {
        if let Some(language) = lang.and_then(language_code)
            && Some(&language) != main_lang.as_ref()
            && !translated.iter().any(|(known, _)| *known == language)
        {
            translated.push((language, text.clone()));
        }
        if text != main && !others.contains(&text) {
            others.push(text);
        }
    }
    Some(Texts { main, others, translated })
}

/// The trimmed text of `element`, with runs of white space made one space, unescaped once more if it was
/// escaped twice.
pub fn clean(element: &Element, warnings: &mut Warnings) -> String {
    let text = element.text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !ESCAPES.iter().any(|escape| text.contains(escape)) {
        return text;
    }
    match quick_xml::escape::unescape(&text) {
        Ok(unescaped) if unescaped != text => {
            warnings.push(element.line, element.column, WarningKind::EscapedTwice);
            unescaped.into_owned()
        }
        _ => text,
    }
}

/// A slug for an id: lower-case letters, digits, `-`, `.`, `_` and `~`, other characters as `-`, at most
/// [`MAX_SLUG`] bytes (a longer one is cut and ends with a hash of the whole); `None` if nothing is left.
pub fn slug(text: &str) -> Option<String> {
    let mut slug = String::with_capacity(text.len());
    for ch in text.chars() {
        let ch = ch.to_ascii_lowercase();
        if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '~') {
            slug.push(ch);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches(|ch| matches!(ch, '-' | '.')).to_owned();
    if slug.is_empty() {
        return None;
    }
    if slug.len() <= MAX_SLUG {
        return Some(slug);
    }
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    Some(format!("{}-{hash:016x}", &slug[..MAX_SLUG - 17]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn narrative(lang: Option<&str>, text: &str) -> Element {
        Element { name: "narrative".into(), text: text.into(), lang: lang.map(str::to_owned), line: 3, column: 5, ..Element::default() }
    }

    #[test]
    fn the_default_language_comes_first_and_the_others_follow() {
        let title = Element {
            name: "title".into(),
            children: vec![narrative(Some("fr"), "Titre"), narrative(Some("es"), "Título"), narrative(Some("fr"), "Titre")],
            ..Element::default()
        };
        let mut warnings = Warnings::default();
        let texts = texts(&title, Some("es"), &mut warnings).expect("texts");
        assert_eq!(texts, Texts { main: "Título".into(), others: vec!["Titre".into()], translated: vec![("fr".into(), "Titre".into())] });
        let texts = super::texts(&title, Some("de"), &mut warnings).expect("texts");
        assert_eq!(texts.main, "Titre");
    }

    #[test]
    fn text_escaped_twice_is_unescaped_with_a_warning() {
        let mut warnings = Warnings::default();
        assert_eq!(
            clean(&narrative(None, "  Water &amp; sanitation\n  in &lt;Kabul&gt; "), &mut warnings),
            "Water & sanitation in <Kabul>"
        );
        assert_eq!(warnings.total(), 1);
        assert_eq!(clean(&narrative(None, "Q&A and 5 < 6"), &mut warnings), "Q&A and 5 < 6");
        assert_eq!(warnings.total(), 1);
    }

    #[test]
    fn slugs_are_url_safe_and_bounded() {
        assert_eq!(slug("AA-AAA-123456789-ABC123").as_deref(), Some("aa-aaa-123456789-abc123"));
        assert_eq!(slug("GB-1/2 (x)").as_deref(), Some("gb-1-2-x"));
        assert_eq!(slug(" -- "), None);
        let long = "X".repeat(300);
        let cut = slug(&long).expect("slug");
        assert_eq!(cut.len(), MAX_SLUG);
        assert_ne!(slug(&format!("{long}y")), Some(cut));
    }
}
