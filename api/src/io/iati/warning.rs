//! Data problems in one element of an IATI file: reported with their line and column and summarised by
//! kind, never a reason to refuse the file.

use std::collections::BTreeMap;

/// Warnings kept in full; past this only the counts by kind grow, so a file with millions of warnings
/// costs no more memory than one with a few thousand.
const KEPT: usize = 10_000;

/// What is wrong with one element.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WarningKind {
    /// An activity without an `iati-identifier`: skipped.
    #[error("activity without an iati-identifier: skipped")]
    MissingIdentifier,
    /// An activity whose identifier came earlier in the file: skipped (the first one is kept).
    #[error("activity `{0}` appears again (first one kept): skipped")]
    DuplicateActivity(String),
    /// An activity without a title: named by its identifier.
    #[error("activity `{0}` has no title: named by its identifier")]
    MissingTitle(String),
    /// An attribute present but empty.
    #[error("empty attribute `{attribute}` on <{element}>")]
    EmptyAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: String,
    },
    /// An organisation `ref` that is not an organisation identifier (an internal code or a label): the
    /// organisation is matched by name.
    #[error("`ref` `{0}` is not an IATI organisation identifier: matched by name")]
    NotAnOrgIdentifier(String),
    /// An organisation with neither an identifier nor a name: skipped.
    #[error("organisation without identifier or name: skipped")]
    AnonymousOrganisation,
    /// A participating organisation without a role: kept without an IATI role.
    #[error("participating-org without a role: kept without an IATI role")]
    MissingRole,
    /// A participating-organisation role that is not a code 1–4 or its name: kept without an IATI role.
    #[error("unknown organisation role `{0}`: kept without an IATI role")]
    UnknownRole(String),
    /// The same organisation in the same role twice in one activity: one participation kept.
    #[error("`{0}` is listed twice in the same role: one participation kept")]
    DuplicateParticipant(String),
    /// A country code that is not ISO 3166-1 alpha-2: skipped.
    #[error("unknown country code `{0}`: skipped")]
    UnknownCountry(String),
    /// Percentages of one kind of element that do not add up to 100.
    #[error("percentages of <{element}> add up to {total}, not 100")]
    PercentagesDoNotAddUp {
        /// The element.
        element: String,
        /// Their sum.
        total: f64,
    },
    /// Text that was escaped twice (`&amp;amp;`): unescaped once more.
    #[error("text escaped twice: unescaped once more")]
    EscapedTwice,
    /// A date that is not an ISO 8601 date: left out.
    #[error("date `{0}` is not YYYY-MM-DD: left out")]
    BadDate(String),
    /// An end before the start: the end is left out.
    #[error("activity ends ({end}) before it starts ({start}): end left out")]
    DatesOutOfOrder {
        /// The start.
        start: String,
        /// The end.
        end: String,
    },
    /// A boolean attribute that is not `1`/`0`/`true`/`false`/`yes`/`no`: read as false.
    #[error("`{attribute}` = `{value}` is not a boolean: read as false")]
    BadBoolean {
        /// The attribute.
        attribute: String,
        /// Its value.
        value: String,
    },
    /// An amount that is not a number: left out of the sums.
    #[error("value `{0}` is not a number: left out")]
    BadAmount(String),
    /// A value without a currency, neither its own nor the activity's default: left out of the sums.
    #[error("value without a currency (no `currency`, no `default-currency`): left out")]
    MissingCurrency,
    /// An SDG code outside goals 1–17.
    #[error("SDG code `{0}` is not a goal 1–17 or one of its targets: left out")]
    BadSdg(String),
    /// A DAC sector code (vocabulary 1: five digits; 2: three digits) that is not one.
    #[error("DAC sector code `{0}` is not 5 digits (vocabulary 1) or 3 digits (vocabulary 2): left out")]
    BadSector(String),
    /// An `activity-status` code that is not one of 1–6.
    #[error("activity status `{0}` is not a code 1–6: left out")]
    UnknownStatus(String),
    /// A recipient's `percentage` that is not a number from 0 to 100: the recipient is kept without it.
    #[error("percentage `{0}` is not a number from 0 to 100: the recipient is kept without a share")]
    BadPercentage(String),
    /// An organisation described twice in one organisation file: the first kept.
    #[error("organisation `{0}` is described again (first one kept): skipped")]
    DuplicateOrganisation(String),
    /// An organisation file entry without an identifier: skipped.
    #[error("organisation without an organisation-identifier: skipped")]
    OrganisationWithoutIdentifier,
    /// A field over the dataset's limit (`schema/data/README.md`, "Limits"): cut to fit.
    #[error("`{field}` of `{record}` is over the dataset's limit: cut to fit")]
    Cut {
        /// The record's id.
        record: String,
        /// The field.
        field: &'static str,
    },
}

impl WarningKind {
    /// A short name of the kind, for the summary.
    pub fn name(&self) -> &'static str {
        match self {
            WarningKind::MissingIdentifier => "activity without identifier",
            WarningKind::DuplicateActivity(_) => "activity listed twice",
            WarningKind::MissingTitle(_) => "activity without title",
            WarningKind::EmptyAttribute { .. } => "empty attribute",
            WarningKind::NotAnOrgIdentifier(_) => "ref not an organisation identifier",
            WarningKind::AnonymousOrganisation => "organisation without identifier or name",
            WarningKind::MissingRole => "organisation without role",
            WarningKind::UnknownRole(_) => "unknown organisation role",
            WarningKind::DuplicateParticipant(_) => "organisation listed twice",
            WarningKind::UnknownCountry(_) => "unknown country code",
            WarningKind::PercentagesDoNotAddUp { .. } => "percentages not adding up to 100",
            WarningKind::EscapedTwice => "text escaped twice",
            WarningKind::BadDate(_) => "date not ISO 8601",
            WarningKind::DatesOutOfOrder { .. } => "end before start",
            WarningKind::BadBoolean { .. } => "boolean not readable",
            WarningKind::BadAmount(_) => "amount not a number",
            WarningKind::MissingCurrency => "amount without currency",
            WarningKind::BadSdg(_) => "SDG code out of range",
            WarningKind::BadSector(_) => "DAC sector code malformed",
            WarningKind::UnknownStatus(_) => "unknown activity status",
            WarningKind::BadPercentage(_) => "percentage not a number from 0 to 100",
            WarningKind::DuplicateOrganisation(_) => "organisation described twice",
            WarningKind::OrganisationWithoutIdentifier => "organisation without identifier",
            WarningKind::Cut { .. } => "field cut to the dataset's limit",
        }
    }
}

/// One warning, where it was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{line}:{column}: {kind}")]
pub struct Warning {
    /// 1-based line of the element.
    pub line: u64,
    /// 1-based column of the element.
    pub column: u64,
    /// What is wrong.
    pub kind: WarningKind,
}

/// The warnings of one file: the first ten thousand in full, all of them counted by kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Warnings {
    kept: Vec<Warning>,
    by_kind: BTreeMap<&'static str, u64>,
    total: u64,
}

impl Warnings {
    /// Notes a warning.
    pub fn push(&mut self, line: u64, column: u64, kind: WarningKind) {
        *self.by_kind.entry(kind.name()).or_default() += 1;
        self.total += 1;
        if self.kept.len() < KEPT {
            self.kept.push(Warning { line, column, kind });
        }
    }

    /// The warnings kept in full, in file order.
    pub fn kept(&self) -> &[Warning] {
        &self.kept
    }

    /// Every warning counted by kind, by kind name.
    pub fn by_kind(&self) -> &BTreeMap<&'static str, u64> {
        &self.by_kind
    }

    /// How many warnings there were.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether some warning is of the kind named `name`.
    pub fn has(&self, name: &str) -> bool {
        self.by_kind.contains_key(name)
    }
}
