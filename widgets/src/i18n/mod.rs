//! Interface strings in the six UN languages: Arabic, Chinese, English, French, Russian and Spanish
//! (`lang=ar|zh|en|fr|ru|es`; Arabic is right to left), one catalogue per language (`ar.rs` … `zh.rs`)
//! holding the map's words, the explorer's words and the names of node kinds and edge types. Data
//! (names, quotes) stays as the API gives it; only the widgets' own words are translated.

mod ar;
mod en;
mod es;
mod fr;
mod ru;
mod zh;

use partnergraph_schema::{EdgeType, IatiRole, NodeKind, Role};

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (the default).
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Arabic (right to left).
    Ar,
    /// Chinese (simplified).
    Zh,
    /// Russian.
    Ru,
}

/// One language's catalogue.
#[derive(Debug)]
pub struct Catalogue {
    /// The map's words.
    pub map: Strings,
    /// The explorer's words.
    pub explore: Text,
    /// Node kinds, in `NodeKind::ALL` order.
    pub kinds: [&'static str; 8],
    /// Edge types read from source to target ("hosted by"), in `EdgeType::ALL` order.
    pub edges: [&'static str; 8],
    /// OECD roles (beneficiary, pivotal, facilitating, partner), in `Role::ALL` order.
    pub roles: [&'static str; 4],
    /// IATI organisation roles 1–4 (funding, accountable, extending, implementing), in `IatiRole::ALL`
    /// order, shown after "IATI".
    pub iati_roles: [&'static str; 4],
    /// The dashboard's words.
    pub board: Board,
}

/// The words of the explorer's "Find a partner" view (matching) in one language.
#[derive(Debug)]
pub struct Matching {
    /// The view's tab and heading.
    pub title: &'static str,
    /// Label of the need picker.
    pub need: &'static str,
    /// Before a need is picked.
    pub pick: &'static str,
    /// When no offer fits.
    pub none: &'static str,
    /// A match's score.
    pub score: &'static str,
    /// Before an offer's providers.
    pub offered_by: &'static str,
    /// Before an introduction path.
    pub introduced: &'static str,
    /// When no introduction path was found.
    pub no_introduction: &'static str,
    /// The reasons of a score (SDG, sector, support, language, place, region, track record, path).
    pub reasons: [&'static str; 8],
    /// Kinds of support, in `Support::ALL` order.
    pub support: [&'static str; 6],
}

/// The dashboard's words in one language.
#[derive(Debug)]
pub struct Board {
    /// The dashboard's heading.
    pub title: &'static str,
    /// Chart: agreements per year by OECD role.
    pub per_year: &'static str,
    /// Chart: the agencies with the most agreements.
    pub top_partners: &'static str,
    /// Chart: the SDGs the agreements name.
    pub sdgs: &'static str,
    /// Chart: partner countries on a map.
    pub countries: &'static str,
    /// Column: agreements.
    pub agreements: &'static str,
    /// Column: partners.
    pub partners: &'static str,
    /// Column: year.
    pub year: &'static str,
    /// Column: role.
    pub role: &'static str,
    /// Column: SDG.
    pub sdg: &'static str,
    /// Column: country.
    pub country: &'static str,
    /// Column: agency.
    pub agency: &'static str,
    /// Summary of a chart's table.
    pub table: &'static str,
    /// The CSV download of a chart.
    pub download_csv: &'static str,
    /// After a count: agreements no bar shows.
    pub undated: &'static str,
    /// When nothing is counted.
    pub none: &'static str,
    /// Known amounts in US dollars.
    pub amount: &'static str,
    /// The subject when the dashboard is about every actor.
    pub everyone: &'static str,
    /// A role the sources do not state.
    pub unknown: &'static str,
}

/// The widget's own words in one language.
#[derive(Debug)]
pub struct Strings {
    /// BCP 47 tag for the `lang` attribute.
    pub tag: &'static str,
    /// Accessible name of the map region.
    pub map_label: &'static str,
    /// Layout switch label and its two options.
    pub layout: &'static str,
    /// Force-directed layout.
    pub force: &'static str,
    /// Geographic layout.
    pub geo: &'static str,
    /// Depth selector label.
    pub depth: &'static str,
    /// Time slider label.
    pub year: &'static str,
    /// Time slider value when unset.
    pub all_years: &'static str,
    /// Replay button.
    pub replay: &'static str,
    /// Stop replay button.
    pub stop: &'static str,
    /// Show the table.
    pub show_table: &'static str,
    /// Hide the table.
    pub hide_table: &'static str,
    /// Table caption prefix.
    pub table_caption: &'static str,
    /// Column headers.
    pub name: &'static str,
    /// Kind column.
    pub kind: &'static str,
    /// Relation column.
    pub relation: &'static str,
    /// Roles column.
    pub roles: &'static str,
    /// Dates column.
    pub dates: &'static str,
    /// Sources heading.
    pub sources: &'static str,
    /// Nodes heading.
    pub nodes: &'static str,
    /// Relations heading.
    pub relations: &'static str,
    /// Button that re-focuses the map on a node.
    pub focus_on: &'static str,
    /// Loading message.
    pub loading: &'static str,
    /// Failure message prefix.
    pub failed: &'static str,
    /// Truncation notice.
    pub truncated: &'static str,
    /// Side rail heading (geographic layout).
    pub no_location: &'static str,
    /// Geographic layout with no located node.
    pub none_located: &'static str,
    /// Keyboard help.
    pub keys: &'static str,
    /// Reset view button.
    pub reset_view: &'static str,
    /// Paragraph abbreviation.
    pub paragraph: &'static str,
    /// Shown instead of a map when the embed's `focus` cannot be a node id.
    pub bad_focus: &'static str,
    /// Shown instead of a map when no node has the focus id.
    pub unknown_focus: &'static str,
    /// The Download menu's button.
    pub download: &'static str,
    /// The menu's group of the neighbourhood's data files.
    pub download_data: &'static str,
    /// The menu's group of images of the view.
    pub download_view: &'static str,
    /// The CSV sheet of elements (nodes).
    pub csv_elements: &'static str,
    /// The CSV sheet of connections (edges).
    pub csv_connections: &'static str,
    /// A PNG image of the view.
    pub png: &'static str,
    /// An SVG image of the view.
    pub svg: &'static str,
}

/// The explorer's words in one language.
#[derive(Debug)]
pub struct Text {
    /// Page title.
    pub title: &'static str,
    /// Search box label.
    pub search: &'static str,
    /// No suggestion.
    pub no_match: &'static str,
    /// Map tab.
    pub view_map: &'static str,
    /// Triangles tab.
    pub view_triangles: &'static str,
    /// Path tab.
    pub view_path: &'static str,
    /// Details heading.
    pub details: &'static str,
    /// Sources heading.
    pub sources: &'static str,
    /// Paragraph abbreviation.
    pub paragraph: &'static str,
    /// Partners heading.
    pub partners: &'static str,
    /// No partners.
    pub no_partners: &'static str,
    /// Shared agreements label.
    pub shared: &'static str,
    /// Path start.
    pub from: &'static str,
    /// Path end.
    pub to: &'static str,
    /// Find paths button.
    pub find: &'static str,
    /// No path message.
    pub no_path: &'static str,
    /// Path label.
    pub path: &'static str,
    /// Hops label.
    pub hops: &'static str,
    /// Prompt.
    pub pick_two: &'static str,
    /// Corner.
    pub beneficiary: &'static str,
    /// Corner.
    pub pivotal: &'static str,
    /// Corner.
    pub facilitating: &'static str,
    /// Empty corner.
    pub not_stated: &'static str,
    /// Partial badge.
    pub partial: &'static str,
    /// Checkbox.
    pub show_partial: &'static str,
    /// Filter.
    pub role: &'static str,
    /// Filter.
    pub agency_type: &'static str,
    /// Filter.
    pub region: &'static str,
    /// Filter.
    pub sdg: &'static str,
    /// Filter.
    pub years: &'static str,
    /// Any option.
    pub any: &'static str,
    /// Triangles of.
    pub of_actor: &'static str,
    /// All actors.
    pub everyone: &'static str,
    /// Role changed prefix.
    pub was: &'static str,
    /// Open map on actor.
    pub open_map: &'static str,
    /// Arrangements counter.
    pub count: &'static str,
    /// Embed button.
    pub embed: &'static str,
    /// Snippet label.
    pub embed_script: &'static str,
    /// Snippet label.
    pub embed_iframe: &'static str,
    /// Snippet label.
    pub embed_oembed: &'static str,
    /// Close.
    pub close: &'static str,
    /// Language menu.
    pub language: &'static str,
    /// Year filter.
    pub as_of: &'static str,
    /// All years.
    pub all_years: &'static str,
    /// Loading.
    pub loading: &'static str,
    /// Failure.
    pub failed: &'static str,
    /// Credit.
    pub countries_credit: &'static str,
}

impl Lang {
    /// All six, in the order the language menu lists them.
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::Zh, Lang::En, Lang::Fr, Lang::Ru, Lang::Es];

    /// Whether the script runs right to left.
    pub fn rtl(self) -> bool {
        self == Lang::Ar
    }

    /// The language's own name, for the language menu.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Ar => "العربية",
            Lang::Zh => "中文",
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Ru => "Русский",
            Lang::Es => "Español",
        }
    }

    /// Reads a language tag (`fr`, `fr-CH`, `es-419`, `ar`, `zh-Hans`, `ru`); anything else is English.
    pub fn parse(tag: &str) -> Lang {
        match tag.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => Lang::Fr,
            Some("es") => Lang::Es,
            Some("ar") => Lang::Ar,
            Some("zh") => Lang::Zh,
            Some("ru") => Lang::Ru,
            _ => Lang::En,
        }
    }

    /// Everything the widgets say in this language.
    pub fn catalogue(self) -> &'static Catalogue {
        match self {
            Lang::En => &en::CATALOGUE,
            Lang::Fr => &fr::CATALOGUE,
            Lang::Es => &es::CATALOGUE,
            Lang::Ar => &ar::CATALOGUE,
            Lang::Zh => &zh::CATALOGUE,
            Lang::Ru => &ru::CATALOGUE,
        }
    }

    /// The map's words.
    pub fn strings(self) -> &'static Strings {
        &self.catalogue().map
    }

    /// The dashboard's words.
    pub fn board(self) -> &'static Board {
        &self.catalogue().board
    }

    /// The "Find a partner" view's words (a constant of their own per language, outside the catalogue, so
    /// that the map and dashboard builds, which never ask for them, do not carry them).
    pub fn matching(self) -> &'static Matching {
        match self {
            Lang::En => &en::MATCHING,
            Lang::Fr => &fr::MATCHING,
            Lang::Es => &es::MATCHING,
            Lang::Ar => &ar::MATCHING,
            Lang::Zh => &zh::MATCHING,
            Lang::Ru => &ru::MATCHING,
        }
    }

    /// The explorer's words.
    pub fn text(self) -> &'static Text {
        &self.catalogue().explore
    }

    /// A node kind's name.
    pub fn kind(self, kind: NodeKind) -> &'static str {
        let names = &self.catalogue().kinds;
        let idx = NodeKind::ALL.iter().position(|each| *each == kind).unwrap_or(0);
        names[idx]
    }

    /// An OECD role's name.
    pub fn role(self, role: Role) -> &'static str {
        let idx = Role::ALL.iter().position(|each| *each == role).unwrap_or(0);
        self.catalogue().roles[idx]
    }

    /// An IATI organisation role's name.
    pub fn iati_role(self, role: IatiRole) -> &'static str {
        let idx = IatiRole::ALL.iter().position(|each| *each == role).unwrap_or(0);
        self.catalogue().iati_roles[idx]
    }

    /// An edge type's name, read from source to target ("hosted by").
    pub fn edge(self, ty: EdgeType) -> &'static str {
        let names = &self.catalogue().edges;
        let idx = EdgeType::ALL.iter().position(|each| *each == ty).unwrap_or(0);
        names[idx]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_and_names_everything() {
        assert_eq!(Lang::parse("fr-CH"), Lang::Fr);
        assert_eq!(Lang::parse("es"), Lang::Es);
        assert_eq!(Lang::parse("x"), Lang::En);
        assert_eq!(Lang::Fr.kind(NodeKind::Event), "Événement");
        assert_eq!(Lang::En.edge(EdgeType::HostedBy), "hosted by");
        assert_eq!(Lang::Es.strings().tag, "es");
        assert_eq!(Lang::parse("ar-EG").strings().tag, "ar");
        assert_eq!(Lang::parse("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::Ru.kind(NodeKind::Country), "Страна");
    }
}
