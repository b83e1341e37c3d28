//! One `<iati-organisation>` of an organisation file: its identifier, name and type, which update the
//! actor node it resolves to or create one (`schema/data/README.md`, "IATI").

use partnergraph_schema::{Identifier, NodeRecord, Source};

use crate::io::iati::activity::{ORG_SCHEME, OrgRef, org_ref};
use crate::io::iati::codes;
use crate::io::iati::text::{clean, texts};
use crate::io::iati::warning::{WarningKind, Warnings};
use crate::io::iati::xml::Element;

/// An organisation as its own file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedOrganisation {
    /// Identifier, names and type.
    pub org: OrgRef,
    /// Where it is described, for the source.
    pub source: Source,
    /// The column of its element.
    pub column: u64,
}

/// Maps one organisation; `None` (with a warning) without an identifier.
pub fn map_organisation(organisation: &Element, file: &str, warnings: &mut Warnings) -> Option<MappedOrganisation> {
    let identifier = organisation.child("organisation-identifier").map(|element| clean(element, warnings)).unwrap_or_default();
    if !codes::is_org_identifier(&identifier) {
        let kind =
            if identifier.is_empty() { WarningKind::OrganisationWithoutIdentifier } else { WarningKind::NotAnOrgIdentifier(identifier) };
        warnings.push(organisation.line, organisation.column, kind);
        return None;
    }
    let lang = organisation.lang.as_deref();
    let names = organisation.child("name").and_then(|name| texts(name, lang, warnings));
    // The type is the reporting organisation's, when the organisation reports for itself.
    let reporter = organisation.child("reporting-org").and_then(|reporting| org_ref(reporting, lang, warnings));
    let agency_type =
        reporter.filter(|reporter| reporter.identifier.as_deref() == Some(identifier.as_str())).and_then(|reporter| reporter.agency_type);
    let (name, aliases) = names.map_or((None, Vec::new()), |names| (Some(names.main), names.others));
    let source = crate::io::iati::activity::source(file, organisation.line, &identifier, "iati-organisation");
    Some(MappedOrganisation {
        org: OrgRef { identifier: Some(identifier), name, aliases, agency_type },
        source,
        column: organisation.column,
    })
}

/// `existing` updated with what the organisation's own file says: its name (the one it had becomes an
/// alias), its identifier, its type if it had none, and the file as a source. Unchanged if it says nothing
/// new, so importing the file again writes the same record.
pub fn update(existing: &NodeRecord, organisation: &MappedOrganisation) -> NodeRecord {
    let mut node = existing.clone();
    let org = &organisation.org;
    if let Some(name) = &org.name
        && *name != node.name
    {
        let previous = std::mem::replace(&mut node.name, name.clone());
        node.aliases.retain(|alias| alias != name);
        if !node.aliases.contains(&previous) {
            node.aliases.push(previous);
        }
    }
    for alias in &org.aliases {
        if *alias != node.name && !node.aliases.contains(alias) {
            node.aliases.push(alias.clone());
        }
    }
    if let Some(identifier) = &org.identifier {
        let identifier = Identifier::new(ORG_SCHEME, identifier.clone());
        let known = node.identifiers.iter().any(|own| own.scheme == identifier.scheme && own.value.eq_ignore_ascii_case(&identifier.value));
        if !known {
            node.identifiers.push(identifier);
            node.identifiers.sort();
        }
    }
    if node.agency_type.is_none() {
        node.agency_type = org.agency_type;
    }
    if !node.sources.contains(&organisation.source) {
        node.sources.push(organisation.source.clone());
    }
    node
}
