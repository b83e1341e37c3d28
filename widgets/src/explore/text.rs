//! The explorer's words come from the language's catalogue (`i18n`); data (names, quotes) stays as the
//! API gives it, except country names, which come from the vendored `i18n-iso-countries` locale files
//! (`localize`).

use std::collections::HashMap;

use crate::i18n::Lang;
pub use crate::i18n::Text;

/// The explorer's words in `lang`.
pub fn text(lang: Lang) -> &'static Text {
    lang.text()
}

/// The name to show for node `id`: a country's name in the interface language when the locale file
/// has it (`names`: ISO alpha-3 → name), the API's name otherwise.
pub fn localize<'a>(names: &'a HashMap<String, String>, id: &str, name: &'a str) -> &'a str {
    id.strip_prefix("country:").and_then(|iso3| names.get(iso3)).map_or(name, String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_languages_and_country_names() {
        assert_eq!(text(Lang::Ar).view_path, "عبر مَن؟");
        assert_eq!(text(Lang::parse("ru")).close, "Закрыть");
        let names = HashMap::from([("IND".to_owned(), "Inde".to_owned())]);
        assert_eq!(localize(&names, "country:IND", "India"), "Inde");
        assert_eq!(localize(&names, "agency:undp", "UNDP"), "UNDP");
        assert_eq!(localize(&names, "country:BRA", "Brazil"), "Brazil");
    }
}
