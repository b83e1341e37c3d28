//! One `<iati-organisation>` of an organisation file: its identifier, name and type, the file's claim on
//! the actor node it resolves to, or a new node (`schema/data/README.md`, "IATI").

use partnergraph_schema::{Claim, Identifier, NodeRecord, Precedence, Source};

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
    /// Whether the organisation reports the file itself (its reporting organisation is itself).
    pub own: bool,
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
    let own_reporter = reporter.filter(|reporter| reporter.identifier.as_deref().is_some_and(|own| own.eq_ignore_ascii_case(&identifier)));
    let own = own_reporter.is_some();
    let agency_type = own_reporter.and_then(|reporter| reporter.agency_type);
    let (name, aliases) = names.map_or((None, Vec::new()), |names| (Some(names.main), names.others));
    let source = crate::io::iati::activity::source(file, organisation.line, &identifier, "iati-organisation");
    Some(MappedOrganisation {
        org: OrgRef { identifier: Some(identifier), name, aliases, agency_type },
        source,
        column: organisation.column,
        own,
    })
}

/// What the organisation's own file says of node `id`, as that file's claim (`schema/data/README.md`,
/// "When sources disagree"): its name (else `fallback_name`, the name the node has), its other names, its
/// identifier, its type, and the file as a source. An organisation file by the organisation itself is its
/// own record; one by another publisher counts as a mention.
pub fn claim(id: partnergraph_schema::NodeId, fallback_name: &str, organisation: &MappedOrganisation) -> NodeRecord {
    let org = &organisation.org;
    let name = org.name.clone().unwrap_or_else(|| fallback_name.to_owned());
    let mut node = NodeRecord::new(id, name, vec![organisation.source.clone()]);
    node.aliases = org.aliases.iter().filter(|alias| **alias != node.name).cloned().collect();
    node.identifiers = org.identifier.iter().map(|identifier| Identifier::new(ORG_SCHEME, identifier.clone())).collect();
    node.agency_type = org.agency_type;
    let precedence = if organisation.own { Precedence::OwnRecord } else { Precedence::Mention };
    node.claims = vec![Claim { origin: organisation.source.document.clone(), precedence, record: None }];
    node
}
