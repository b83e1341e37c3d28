//! Data text (names, acronyms, quotes, ids, file names) isolated from the text around it: each piece is
//! wrapped in `<bdi>`, so it takes its own direction from its first strong character, and any bidi
//! override or embedding characters it carries (U+202A–U+202E, U+2066–U+2069) end with it instead of
//! reordering the interface text beside it.

use yew::prelude::*;

/// One piece of data text, isolated (`<bdi>`).
pub fn isolated(text: impl Into<AttrValue>) -> Html {
    html! { <bdi>{text.into()}</bdi> }
}

/// A quotation from a source, its quotation marks inside the isolate so they stay with the quote.
#[cfg(feature = "explorer")]
pub fn quote(text: &str) -> Html {
    isolated(format!("“{text}”"))
}
