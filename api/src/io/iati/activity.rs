//! One `<iati-activity>` mapped to an agreement and references to its organisations and recipient
//! countries, with a warning for each element that cannot be read (`schema/data/README.md`, "IATI").
//! Pure: organisations are resolved to nodes afterwards (`resolve.rs`).

use std::collections::BTreeMap;

use partnergraph_schema::crosswalk::imported_role;
use partnergraph_schema::text::fold;
use partnergraph_schema::{AgencyType, AgreementType, IatiRole, Identifier, NodeId, NodeRecord, PartialDate, Role, Source, Translation};

use crate::countries;
use crate::io::iati::codes::{self, DateType};
use crate::io::iati::money;
use crate::io::iati::text::{Texts, clean, slug, texts};
use crate::io::iati::warning::{WarningKind, Warnings};
use crate::io::iati::xml::Element;

/// The identifier scheme of IATI activities.
pub const ACTIVITY_SCHEME: &str = "iati-activity";
/// The identifier scheme of IATI organisations.
pub const ORG_SCHEME: &str = "iati-org";
/// Percentages that add up to within this of 100 add up.
const PERCENT_TOLERANCE: f64 = 0.01;

/// An organisation as one element names it, before it is resolved to a node.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRef {
    /// Its IATI organisation identifier, if the element gives one that has the shape of one.
    pub identifier: Option<String>,
    /// Its name in the default language, if given.
    pub name: Option<String>,
    /// Its names in other languages.
    pub aliases: Vec<String>,
    /// Its IATI organisation type.
    pub agency_type: Option<AgencyType>,
}

/// An organisation's part in an activity.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// Who.
    pub org: OrgRef,
    /// The IATI role, if the element gives a readable one (none for the reporting organisation).
    pub iati_role: Option<IatiRole>,
    /// The OECD role from the crosswalk.
    pub role: Role,
    /// What ends the edge id: the IATI role in lower case, `reporting`, or `participant`.
    pub suffix: String,
    /// The element it comes from, for the source.
    pub element: String,
    /// Where.
    pub line: u64,
    /// Where.
    pub column: u64,
}

/// A recipient country: the beneficiary corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Beneficiary {
    /// ISO 3166-1 alpha-3.
    pub iso3: &'static str,
    /// Its English name (for a country node the store does not have yet).
    pub name: &'static str,
    /// The element it comes from, for the source.
    pub element: String,
    /// Where.
    pub line: u64,
}

/// An activity as the graph holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedActivity {
    /// The IATI identifier.
    pub identifier: String,
    /// The agreement node.
    pub agreement: NodeRecord,
    /// The organisations, in file order (the reporting organisation first).
    pub participants: Vec<Participant>,
    /// The recipient countries, each once.
    pub beneficiaries: Vec<Beneficiary>,
}

/// A source in `file` citing `element` of activity `identifier`, at `line`.
pub fn source(file: &str, line: u64, identifier: &str, element: &str) -> Source {
    Source { document: file.to_owned(), paragraph: u32::try_from(line).ok(), quote: Some(format!("{identifier} / {element}")) }
}

/// Maps one activity; `None` (with a warning) if it has no identifier.
pub fn map_activity(activity: &Element, file: &str, warnings: &mut Warnings) -> Option<MappedActivity> {
    let identifier = activity.child("iati-identifier").map(|element| clean(element, warnings)).unwrap_or_default();
    let Some(id) = slug(&identifier).and_then(|slug| NodeId::parse(format!("agreement:iati-{slug}")).ok()) else {
        warnings.push(activity.line, activity.column, WarningKind::MissingIdentifier);
        return None;
    };
    note_empty_attributes(activity, warnings);
    let lang = activity.lang.as_deref();
    let title = activity.child("title").and_then(|title| texts(title, lang, warnings));
    let Texts { main: name, others: aliases, translated: titles } = title.unwrap_or_else(|| {
        warnings.push(activity.line, activity.column, WarningKind::MissingTitle(identifier.clone()));
        Texts { main: identifier.clone(), others: Vec::new(), translated: Vec::new() }
    });
    let triangular = activity.children_named("collaboration-type").any(|element| element.attr("code") == Some("8"));
    let mut agreement = NodeRecord::new(id, name, vec![source(file, activity.line, &identifier, "iati-activity")]);
    agreement.aliases = aliases;
    agreement.agreement_type = Some(AgreementType::Project);
    let description = description(activity, lang, warnings);
    agreement.translations = translations(titles, description.as_ref().map_or(&[][..], |texts| &texts.translated));
    agreement.description = description.map(|texts| texts.main);
    (agreement.start, agreement.end) = dates(activity, warnings);
    agreement.sdgs = sdgs(activity, warnings);
    agreement.sectors = dac_sectors(activity, warnings);
    let money::Money { amount_usd, amounts } = money::money(activity, warnings);
    (agreement.amount_usd, agreement.amounts) = (amount_usd, amounts);
    agreement.status = money::status(activity, warnings);
    agreement.recipients = money::recipients(activity, warnings);
    agreement.identifiers = vec![Identifier::new(ACTIVITY_SCHEME, identifier.clone())];
    let mut participants = Vec::new();
    if let Some(reporting) = activity.child("reporting-org") {
        let secondary =
            reporting.attr("secondary-reporter").is_some_and(|value| read_boolean(reporting, "secondary-reporter", value, warnings));
        if !secondary && let Some(org) = org_ref(reporting, lang, warnings) {
            participants.push(Participant {
                org,
                iati_role: None,
                role: Role::Partner,
                suffix: "reporting".to_owned(),
                element: "reporting-org".to_owned(),
                line: reporting.line,
                column: reporting.column,
            });
        }
    }
    for (index, element) in activity.children_named("participating-org").enumerate() {
        let Some(org) = org_ref(element, lang, warnings) else { continue };
        let iati_role = match element.attr("role") {
            Some(value) => codes::iati_role(value).or_else(|| {
                warnings.push(element.line, element.column, WarningKind::UnknownRole(value.to_owned()));
                None
            }),
            None => {
                warnings.push(element.line, element.column, WarningKind::MissingRole);
                None
            }
        };
        participants.push(Participant {
            org,
            iati_role,
            role: iati_role.map_or(Role::Partner, |iati_role| imported_role(iati_role, triangular)),
            suffix: iati_role.map_or_else(|| "participant".to_owned(), |role| role.as_str().to_ascii_lowercase()),
            element: format!("participating-org[{}]", index + 1),
            line: element.line,
            column: element.column,
        });
    }
    let beneficiaries = beneficiaries(activity, warnings);
    Some(MappedActivity { identifier, agreement, participants, beneficiaries })
}

/// An organisation named by `element` (its `ref` or `organisation-identifier`, its narratives, its
/// `type`); `None` with a warning if it has neither identifier nor name.
pub fn org_ref(element: &Element, lang: Option<&str>, warnings: &mut Warnings) -> Option<OrgRef> {
    let reference = element.attr("ref").map(str::to_owned);
    let identifier = match reference {
        Some(reference) if codes::is_org_identifier(&reference) => Some(reference),
        Some(reference) => {
            warnings.push(element.line, element.column, WarningKind::NotAnOrgIdentifier(reference));
            None
        }
        None => None,
    };
    // A name of punctuation alone names nothing.
    let names = texts(element, lang, warnings).filter(|names| slug(&fold(&names.main)).is_some());
    if identifier.is_none() && names.is_none() {
        warnings.push(element.line, element.column, WarningKind::AnonymousOrganisation);
        return None;
    }
    let (name, aliases) = names.map_or((None, Vec::new()), |names| (Some(names.main), names.others));
    let agency_type = element.attr("type").and_then(codes::agency_type);
    Some(OrgRef { identifier, name, aliases, agency_type })
}

/// Warns of every empty attribute on the elements the mapping reads.
fn note_empty_attributes(activity: &Element, warnings: &mut Warnings) {
    let mut visit = vec![activity];
    while let Some(element) = visit.pop() {
        for (key, value) in &element.attrs {
            if value.trim().is_empty() {
                warnings.push(
                    element.line,
                    element.column,
                    WarningKind::EmptyAttribute { element: element.name.clone(), attribute: key.clone() },
                );
            }
        }
        visit.extend(element.children.iter().rev());
    }
}

fn read_boolean(element: &Element, attribute: &str, value: &str, warnings: &mut Warnings) -> bool {
    codes::boolean(value).unwrap_or_else(|| {
        warnings.push(element.line, element.column, WarningKind::BadBoolean { attribute: attribute.to_owned(), value: value.to_owned() });
        false
    })
}

/// The general description (type 1, or untyped), else the first one.
fn description(activity: &Element, lang: Option<&str>, warnings: &mut Warnings) -> Option<Texts> {
    let general = activity.children_named("description").find(|element| matches!(element.attr("type"), None | Some("1")));
    let chosen = general.or_else(|| activity.child("description"))?;
    texts(chosen, lang, warnings)
}

/// The title and description in each other language either is given in, titles' languages first.
fn translations(titles: Vec<(String, String)>, descriptions: &[(String, String)]) -> Vec<Translation> {
    let mut translations: Vec<Translation> =
        titles.into_iter().map(|(language, name)| Translation { language, name: Some(name), description: None }).collect();
    for (language, text) in descriptions {
        match translations.iter_mut().find(|translation| translation.language == *language) {
            Some(translation) => translation.description = Some(text.clone()),
            None => translations.push(Translation { language: language.clone(), name: None, description: Some(text.clone()) }),
        }
    }
    translations
}

/// Start and end: actual dates over planned ones; an end before the start is left out with a warning.
fn dates(activity: &Element, warnings: &mut Warnings) -> (Option<PartialDate>, Option<PartialDate>) {
    let mut found: BTreeMap<u8, PartialDate> = BTreeMap::new();
    for element in activity.children_named("activity-date") {
        let Some(date_type) = element.attr("type").and_then(codes::date_type) else { continue };
        // 1.0x files may give the date as text instead of `iso-date`.
        let written = element.attr("iso-date").map(str::to_owned).unwrap_or_else(|| element.trimmed_text().to_owned());
        if written.is_empty() {
            continue;
        }
        let Some(date) = codes::date(&written) else {
            warnings.push(element.line, element.column, WarningKind::BadDate(written));
            continue;
        };
        let rank = match date_type {
            DateType::ActualStart => 0,
            DateType::PlannedStart => 1,
            DateType::ActualEnd => 2,
            DateType::PlannedEnd => 3,
        };
        found.entry(rank).or_insert(date);
    }
    let start = found.get(&0).or(found.get(&1)).copied();
    let mut end = found.get(&2).or(found.get(&3)).copied();
    if let (Some(start_date), Some(end_date)) = (start, end)
        && end_date.last_day() < start_date.first_day()
    {
        warnings.push(
            activity.line,
            activity.column,
            WarningKind::DatesOutOfOrder { start: start_date.to_string(), end: end_date.to_string() },
        );
        end = None;
    }
    (start, end)
}

/// SDG goals from tags (vocabularies 2 goals, 3 targets) and sectors (7 goals, 8 targets, 9 indicators);
/// the sectors are the activity's, or if it names none, its transactions'.
fn sdgs(activity: &Element, warnings: &mut Warnings) -> Vec<u8> {
    let tags = activity.children_named("tag").filter(|element| matches!(element.attr("vocabulary"), Some("2" | "3")));
    let sectors =
        own_or_transactions(activity, "sector").0.into_iter().filter(|element| matches!(element.attr("vocabulary"), Some("7" | "8" | "9")));
    let mut goals = Vec::new();
    for element in tags.chain(sectors) {
        let Some(code) = element.attr("code") else { continue };
        match codes::sdg(code) {
            Some(goal) => goals.push(goal),
            None => warnings.push(element.line, element.column, WarningKind::BadSdg(code.to_owned())),
        }
    }
    goals.sort_unstable();
    goals.dedup();
    goals
}

/// The activity's `name` elements, or if it names none, its transactions' (sectors, recipient countries
/// and regions may be given either way); whether they came from the transactions.
pub(super) fn own_or_transactions<'a>(activity: &'a Element, name: &'static str) -> (Vec<&'a Element>, bool) {
    let own: Vec<&Element> = activity.children_named(name).collect();
    if !own.is_empty() {
        return (own, false);
    }
    (activity.children_named("transaction").flat_map(|transaction| transaction.children_named(name)).collect(), true)
}

/// OECD DAC sectors: purpose codes (vocabulary 1, the default: five digits) and categories (vocabulary 2:
/// three digits), sorted, once each; the activity's, or if it names none, its transactions'.
fn dac_sectors(activity: &Element, warnings: &mut Warnings) -> Vec<String> {
    let mut sectors = Vec::new();
    for element in own_or_transactions(activity, "sector").0 {
        let digits = match element.attr("vocabulary").unwrap_or("1") {
            "1" => 5,
            "2" => 3,
            _ => continue,
        };
        let Some(code) = element.attr("code").map(str::trim) else { continue };
        if code.len() == digits && code.bytes().all(|byte| byte.is_ascii_digit()) {
            sectors.push(code.to_owned());
        } else {
            warnings.push(element.line, element.column, WarningKind::BadSector(code.to_owned()));
        }
    }
    sectors.sort_unstable();
    sectors.dedup();
    sectors
}

/// The recipient countries, each once: from the activity, or if it names none, from its transactions.
fn beneficiaries(activity: &Element, warnings: &mut Warnings) -> Vec<Beneficiary> {
    check_percentages(activity, warnings);
    let (found, from_transactions) = own_or_transactions(activity, "recipient-country");
    let path = if from_transactions { "transaction/recipient-country" } else { "recipient-country" };
    let mut beneficiaries: Vec<Beneficiary> = Vec::new();
    for element in found {
        let Some(code) = element.attr("code") else { continue };
        let Some(iso3) = countries::alpha3(code) else {
            warnings.push(element.line, element.column, WarningKind::UnknownCountry(code.to_owned()));
            continue;
        };
        if beneficiaries.iter().any(|known| known.iso3 == iso3) {
            continue;
        }
        let name = countries::of_alpha3(iso3).map_or(iso3, |(_, name)| name);
        beneficiaries.push(Beneficiary { iso3, name, element: format!("{path}[@code={code}]"), line: element.line });
    }
    beneficiaries
}

/// Warns when the recipient countries' and regions' percentages together, or the sectors' of one
/// vocabulary, do not add up to 100 (when percentages are given at all).
fn check_percentages(activity: &Element, warnings: &mut Warnings) {
    let percent = |element: &Element| element.attr("percentage").and_then(|value| value.parse::<f64>().ok());
    let recipients: Vec<&Element> =
        activity.children.iter().filter(|element| matches!(element.name.as_str(), "recipient-country" | "recipient-region")).collect();
    let mut groups: Vec<(String, Vec<&Element>)> = vec![("recipient-country/recipient-region".to_owned(), recipients)];
    let mut sectors: BTreeMap<&str, Vec<&Element>> = BTreeMap::new();
    for sector in activity.children_named("sector") {
        sectors.entry(sector.attr("vocabulary").unwrap_or("1")).or_default().push(sector);
    }
    groups.extend(sectors.into_iter().map(|(vocabulary, elements)| (format!("sector vocabulary {vocabulary}"), elements)));
    for (element, members) in groups {
        let given: Vec<f64> = members.iter().filter_map(|member| percent(member)).collect();
        if given.is_empty() {
            continue;
        }
        let total: f64 = given.iter().sum();
        if (total - 100.0).abs() > PERCENT_TOLERANCE || given.len() < members.len() {
            let first = members[0];
            warnings.push(first.line, first.column, WarningKind::PercentagesDoNotAddUp { element, total });
        }
    }
}
