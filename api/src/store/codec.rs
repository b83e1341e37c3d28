//! The stored form of node and edge records (format 3), and the small codes (vocabulary values, dates)
//! that the topology snapshot shares.
//!
//! A record is stored under its id, so its value leaves the id out. Integers are little-endian; lengths
//! and counts are LEB128 varints; a string is its length then its UTF-8 bytes.
//! - Node: presence flags (a varint, one bit per optional field, in the order of [`NodeFlag`]), the kind's
//!   code, the name, each present field in flag order, then the sources.
//! - Edge: presence flags ([`EdgeFlag`]), the type's code, source, target, each present field in flag
//!   order, then the sources. The sources come last, so an expansion reads a link and stops there.
//! - Source: flags (bit 0 paragraph, bit 1 quote), document, paragraph (varint), quote.
//! - A vocabulary value is its position in the vocabulary's `ALL` (declaration order); a date is four
//!   bytes (year, month or 0, day or 0). A test pins every vocabulary's order, since reordering one
//!   would misread every stored record.
//!
//! Decoding checks everything it reads (bounds, UTF-8, codes, dates, ids, no trailing bytes) and reports
//! a damaged record as [`StoreError::Corrupt`]; it never panics.

use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{
    ActivityStatus, AgencyType, AgreementType, Claim, EdgeId, EdgeLink, EdgeRecord, EdgeType, EventType, GeoPoint, IatiRole, Identifier,
    NetworkType, NodeId, NodeKind, NodeRecord, PartialDate, Precedence, Role, Source, Support,
};

use crate::store::StoreError;

mod money;
mod names;
mod reader;
#[cfg(test)]
mod tests;
mod varint;

use reader::{Read, Reader};

pub(crate) use names::{name_len, name_refs, names_prefix};
pub(crate) use varint::{put_varint, read_varint};

use names::read_names;

/// The optional fields of a node, as bits of its presence flags.
#[derive(Clone, Copy)]
enum NodeFlag {
    Acronym,
    Aliases,
    Description,
    Location,
    AgencyType,
    Iso3,
    Region,
    NetworkType,
    AgreementType,
    EventType,
    Start,
    End,
    AmountUsd,
    Sdgs,
    /// Added after format 3 was released: a record without it has the bit clear, so old records read as
    /// they are.
    Identifiers,
    /// Added after format 3 was released, as `Identifiers` was: the claims of a node several origins
    /// describe (count; each claim's origin, precedence code, whether it has a record, and that record's
    /// own stored form, length-prefixed, without claims).
    Claims,
    /// Added after format 3 was released, with the NEED and OFFER kinds (as `Identifiers` was): DAC sector
    /// codes (count, then each as text).
    Sectors,
    /// Added with `Sectors`: kinds of support (count, then each one's code).
    Support,
    /// Added with `Sectors`: languages (count, then each as text).
    Languages,
    /// Added after format 3 was released (as `Sectors`): an agreement's status code.
    Status,
    /// Added with `Status`: an agreement's recipients (`codec/money.rs`).
    Recipients,
    /// Added with `Status`: an agreement's amounts of money (`codec/money.rs`).
    Amounts,
    /// Added with `Status`: names and descriptions in other languages (`codec/money.rs`).
    Translations,
}

/// The optional fields of an edge, as bits of its presence flags.
#[derive(Clone, Copy)]
enum EdgeFlag {
    Role,
    IatiRole,
    From,
    To,
    AmountUsd,
    /// Added after format 3 was released (a record without it has the bit clear, so old records read as
    /// they are): the claims of an edge several origins state, after its sources, stored as a node's are.
    Claims,
}

const SOURCE_PARAGRAPH: u8 = 1;
const SOURCE_QUOTE: u8 = 2;

/// A record the embedded store keeps.
pub(crate) trait Encode {
    /// The record's stored bytes (the same record always gives the same bytes).
    fn encode(&self) -> Vec<u8>;
}

/// What the embedded store reads back from a stored record.
pub(crate) trait Decode: Sized {
    /// Reads the value stored under `key`.
    fn decode(key: &str, bytes: &[u8]) -> Result<Self, StoreError>;
}

/// The code of `value` in `all` (its position).
pub(crate) fn code<T: PartialEq + Copy>(all: &[T], value: T) -> u8 {
    all.iter().position(|candidate| *candidate == value).map_or(u8::MAX, |at| at as u8)
}

/// The value of `code` in `all`.
pub(crate) fn from_code<T: Copy>(all: &[T], code: u8) -> Option<T> {
    all.get(usize::from(code)).copied()
}

/// A date as four bytes: year (little-endian), month or 0, day or 0.
pub(crate) fn date_bytes(date: PartialDate) -> [u8; 4] {
    let (year, month, day) = date.parts();
    let [low, high] = year.to_le_bytes();
    [low, high, month.unwrap_or(0), day.unwrap_or(0)]
}

/// The date of [`date_bytes`], if it is one.
pub(crate) fn date_from_bytes(bytes: [u8; 4]) -> Option<PartialDate> {
    let part = |byte: u8| (byte != 0).then_some(byte);
    PartialDate::from_parts(u16::from_le_bytes([bytes[0], bytes[1]]), part(bytes[2]), part(bytes[3])).ok()
}

/// Builds a record's bytes.
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn varint(&mut self, value: u64) {
        put_varint(&mut self.out, value);
    }

    /// Claims: their count, then each one's origin, precedence code, whether it has a record, and that
    /// record's stored form (`stored`, without claims of its own), length-prefixed.
    fn claims<R>(&mut self, claims: &[Claim<R>], stored: impl Fn(&R) -> Vec<u8>) {
        self.varint(claims.len() as u64);
        for claim in claims {
            self.str(&claim.origin);
            self.out.push(code(Precedence::ALL, claim.precedence));
            match claim.record.as_deref() {
                Some(record) => {
                    self.out.push(1);
                    let bytes = stored(record);
                    self.varint(bytes.len() as u64);
                    self.out.extend_from_slice(&bytes);
                }
                None => self.out.push(0),
            }
        }
    }

    fn str(&mut self, text: &str) {
        self.varint(text.len() as u64);
        self.out.extend_from_slice(text.as_bytes());
    }

    /// A list of strings: its count, then each string.
    fn strings(&mut self, items: &[String]) {
        self.varint(items.len() as u64);
        items.iter().for_each(|item| self.str(item));
    }

    fn f64(&mut self, value: f64) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    fn date(&mut self, date: PartialDate) {
        self.out.extend_from_slice(&date_bytes(date));
    }

    fn sources(&mut self, sources: &[Source]) {
        self.varint(sources.len() as u64);
        for source in sources {
            let flags =
                if source.paragraph.is_some() { SOURCE_PARAGRAPH } else { 0 } | if source.quote.is_some() { SOURCE_QUOTE } else { 0 };
            self.out.push(flags);
            self.str(&source.document);
            if let Some(paragraph) = source.paragraph {
                self.varint(u64::from(paragraph));
            }
            if let Some(quote) = &source.quote {
                self.str(quote);
            }
        }
    }
}

/// Presence flags, built field by field.
#[derive(Default)]
struct Flags(u64);

impl Flags {
    fn set(&mut self, bit: u8, present: bool) {
        if present {
            self.0 |= 1 << bit;
        }
    }

    fn has(&self, bit: u8) -> bool {
        self.0 & (1 << bit) != 0
    }
}

impl Encode for NodeRecord {
    fn encode(&self) -> Vec<u8> {
        // Every field named, so a new field does not compile until it is stored.
        let NodeRecord {
            id: _,
            kind,
            name,
            acronym,
            aliases,
            description,
            location,
            agency_type,
            iso3,
            region,
            network_type,
            agreement_type,
            event_type,
            start,
            end,
            amount_usd,
            sdgs,
            sectors,
            support,
            languages,
            translations,
            status,
            recipients,
            amounts,
            identifiers,
            sources,
            claims,
        } = self;
        let mut flags = Flags::default();
        flags.set(NodeFlag::Acronym as u8, acronym.is_some());
        flags.set(NodeFlag::Aliases as u8, !aliases.is_empty());
        flags.set(NodeFlag::Description as u8, description.is_some());
        flags.set(NodeFlag::Location as u8, location.is_some());
        flags.set(NodeFlag::AgencyType as u8, agency_type.is_some());
        flags.set(NodeFlag::Iso3 as u8, iso3.is_some());
        flags.set(NodeFlag::Region as u8, region.is_some());
        flags.set(NodeFlag::NetworkType as u8, network_type.is_some());
        flags.set(NodeFlag::AgreementType as u8, agreement_type.is_some());
        flags.set(NodeFlag::EventType as u8, event_type.is_some());
        flags.set(NodeFlag::Start as u8, start.is_some());
        flags.set(NodeFlag::End as u8, end.is_some());
        flags.set(NodeFlag::AmountUsd as u8, amount_usd.is_some());
        flags.set(NodeFlag::Sdgs as u8, !sdgs.is_empty());
        flags.set(NodeFlag::Identifiers as u8, !identifiers.is_empty());
        flags.set(NodeFlag::Claims as u8, !claims.is_empty());
        flags.set(NodeFlag::Sectors as u8, !sectors.is_empty());
        flags.set(NodeFlag::Status as u8, status.is_some());
        flags.set(NodeFlag::Recipients as u8, !recipients.is_empty());
        flags.set(NodeFlag::Amounts as u8, !amounts.is_empty());
        flags.set(NodeFlag::Translations as u8, !translations.is_empty());
        flags.set(NodeFlag::Support as u8, !support.is_empty());
        flags.set(NodeFlag::Languages as u8, !languages.is_empty());
        let mut writer = Writer { out: Vec::with_capacity(64 + name.len()) };
        writer.varint(flags.0);
        writer.out.push(code(NodeKind::ALL, *kind));
        writer.str(name);
        if let Some(acronym) = acronym {
            writer.str(acronym);
        }
        if !aliases.is_empty() {
            writer.strings(aliases);
        }
        if let Some(description) = description {
            writer.str(description);
        }
        if let Some(location) = location {
            writer.f64(location.lat);
            writer.f64(location.lon);
        }
        if let Some(value) = agency_type {
            writer.out.push(code(AgencyType::ALL, *value));
        }
        for text in [iso3, region].into_iter().flatten() {
            writer.str(text);
        }
        if let Some(value) = network_type {
            writer.out.push(code(NetworkType::ALL, *value));
        }
        if let Some(value) = agreement_type {
            writer.out.push(code(AgreementType::ALL, *value));
        }
        if let Some(value) = event_type {
            writer.out.push(code(EventType::ALL, *value));
        }
        for date in [start, end].into_iter().flatten() {
            writer.date(*date);
        }
        if let Some(amount) = amount_usd {
            writer.f64(*amount);
        }
        if !sdgs.is_empty() {
            writer.varint(sdgs.len() as u64);
            writer.out.extend_from_slice(sdgs);
        }
        if !identifiers.is_empty() {
            writer.varint(identifiers.len() as u64);
            for identifier in identifiers {
                writer.str(&identifier.scheme);
                writer.str(&identifier.value);
            }
        }
        if !claims.is_empty() {
            writer.claims(claims, |record| {
                if record.claims.is_empty() { record.encode() } else { NodeRecord { claims: Vec::new(), ..record.clone() }.encode() }
            });
        }
        if !sectors.is_empty() {
            writer.strings(sectors);
        }
        if !support.is_empty() {
            writer.varint(support.len() as u64);
            writer.out.extend(support.iter().map(|kind| code(Support::ALL, *kind)));
        }
        if !languages.is_empty() {
            writer.strings(languages);
        }
        if let Some(status) = status {
            writer.out.push(code(ActivityStatus::ALL, *status));
        }
        if !recipients.is_empty() {
            writer.recipients(recipients);
        }
        if !amounts.is_empty() {
            writer.amounts(amounts);
        }
        if !translations.is_empty() {
            writer.translations(translations);
        }
        writer.sources(sources);
        writer.out
    }
}

impl Encode for EdgeRecord {
    fn encode(&self) -> Vec<u8> {
        let EdgeRecord { id: _, edge_type, source, target, role, iati_role, from, to, amount_usd, sources, claims } = self;
        let mut flags = Flags::default();
        flags.set(EdgeFlag::Role as u8, role.is_some());
        flags.set(EdgeFlag::IatiRole as u8, iati_role.is_some());
        flags.set(EdgeFlag::From as u8, from.is_some());
        flags.set(EdgeFlag::To as u8, to.is_some());
        flags.set(EdgeFlag::AmountUsd as u8, amount_usd.is_some());
        flags.set(EdgeFlag::Claims as u8, !claims.is_empty());
        let mut writer = Writer { out: Vec::with_capacity(48 + source.as_str().len() + target.as_str().len()) };
        writer.varint(flags.0);
        writer.out.push(code(EdgeType::ALL, *edge_type));
        writer.str(source.as_str());
        writer.str(target.as_str());
        if let Some(role) = role {
            writer.out.push(code(Role::ALL, *role));
        }
        if let Some(role) = iati_role {
            writer.out.push(code(IatiRole::ALL, *role));
        }
        for date in [from, to].into_iter().flatten() {
            writer.date(*date);
        }
        if let Some(amount) = amount_usd {
            writer.f64(*amount);
        }
        writer.sources(sources);
        if !claims.is_empty() {
            writer.claims(claims, |record| {
                if record.claims.is_empty() { record.encode() } else { EdgeRecord { claims: Vec::new(), ..record.clone() }.encode() }
            });
        }
        writer.out
    }
}

fn corrupt(key: &str, reason: &str) -> StoreError {
    StoreError::Corrupt { key: key.to_owned(), reason: reason.to_owned() }
}

impl Decode for NodeRecord {
    fn decode(key: &str, bytes: &[u8]) -> Result<NodeRecord, StoreError> {
        let id = NodeId::parse(key).map_err(|_| corrupt(key, "invalid node id"))?;
        read_node(id, &mut Reader { bytes }).map_err(|reason| corrupt(key, reason))
    }
}

fn read_node(id: NodeId, reader: &mut Reader<'_>) -> Read<NodeRecord> {
    let (flags, kind, NodeNames { name, acronym, aliases }) = read_names(reader)?;
    let has = |flag: NodeFlag| flags.has(flag as u8);
    let description = if has(NodeFlag::Description) { Some(reader.string()?) } else { None };
    let location = if has(NodeFlag::Location) { Some(GeoPoint { lat: reader.f64()?, lon: reader.f64()? }) } else { None };
    let agency_type = if has(NodeFlag::AgencyType) { Some(reader.code(AgencyType::ALL)?) } else { None };
    let iso3 = if has(NodeFlag::Iso3) { Some(reader.string()?) } else { None };
    let region = if has(NodeFlag::Region) { Some(reader.string()?) } else { None };
    let network_type = if has(NodeFlag::NetworkType) { Some(reader.code(NetworkType::ALL)?) } else { None };
    let agreement_type = if has(NodeFlag::AgreementType) { Some(reader.code(AgreementType::ALL)?) } else { None };
    let event_type = if has(NodeFlag::EventType) { Some(reader.code(EventType::ALL)?) } else { None };
    let start = if has(NodeFlag::Start) { Some(reader.date()?) } else { None };
    let end = if has(NodeFlag::End) { Some(reader.date()?) } else { None };
    let amount_usd = if has(NodeFlag::AmountUsd) { Some(reader.f64()?) } else { None };
    let sdgs = if has(NodeFlag::Sdgs) {
        let len = reader.len()?;
        reader.take(len)?.to_vec()
    } else {
        Vec::new()
    };
    let mut identifiers = Vec::new();
    if has(NodeFlag::Identifiers) {
        for _ in 0..reader.len()? {
            identifiers.push(Identifier { scheme: reader.string()?, value: reader.string()? });
        }
    }
    let claims = if has(NodeFlag::Claims) {
        reader.claims(|inner| {
            let record = read_node(id.clone(), inner)?;
            if record.claims.is_empty() { Ok(record) } else { Err("a claim's record has claims") }
        })?
    } else {
        Vec::new()
    };
    let sectors = if has(NodeFlag::Sectors) { reader.strings()? } else { Vec::new() };
    let mut support = Vec::new();
    if has(NodeFlag::Support) {
        for _ in 0..reader.len()? {
            support.push(reader.code(Support::ALL)?);
        }
    }
    let languages = if has(NodeFlag::Languages) { reader.strings()? } else { Vec::new() };
    let status = if has(NodeFlag::Status) { Some(reader.code(ActivityStatus::ALL)?) } else { None };
    let recipients = if has(NodeFlag::Recipients) { reader.recipients()? } else { Vec::new() };
    let amounts = if has(NodeFlag::Amounts) { reader.amounts()? } else { Vec::new() };
    let translations = if has(NodeFlag::Translations) { reader.translations()? } else { Vec::new() };
    let sources = reader.sources()?;
    reader.end()?;
    Ok(NodeRecord {
        id,
        kind,
        name,
        acronym,
        aliases,
        description,
        location,
        agency_type,
        iso3,
        region,
        network_type,
        agreement_type,
        event_type,
        start,
        end,
        amount_usd,
        sdgs,
        sectors,
        support,
        languages,
        translations,
        status,
        recipients,
        amounts,
        identifiers,
        sources,
        claims,
    })
}

/// An edge's walkable fields, borrowed from its stored bytes (what the topology keeps).
pub(crate) struct LinkView<'a> {
    pub(crate) edge_type: EdgeType,
    pub(crate) source: &'a str,
    pub(crate) target: &'a str,
    pub(crate) role: Option<Role>,
    pub(crate) iati_role: Option<IatiRole>,
    pub(crate) from: Option<PartialDate>,
    pub(crate) to: Option<PartialDate>,
    pub(crate) amount_usd: Option<f64>,
}

impl<'a> LinkView<'a> {
    /// Reads the link of the edge stored under `key`, without its sources.
    pub(crate) fn decode(key: &str, bytes: &'a [u8]) -> Result<LinkView<'a>, StoreError> {
        read_link(&mut Reader { bytes }).map_err(|reason| corrupt(key, reason))
    }

    /// The owned link of the edge stored under `key`, its ids checked (what an expansion returns).
    pub(crate) fn to_link(&self, key: &str) -> Result<EdgeLink, StoreError> {
        owned_link(key, self).map_err(|reason| corrupt(key, reason))
    }
}

fn read_link<'a>(reader: &mut Reader<'a>) -> Read<LinkView<'a>> {
    let flags = reader.flags(EdgeFlag::Claims as u8 + 1)?;
    let has = |flag: EdgeFlag| flags.has(flag as u8);
    let edge_type = reader.code(EdgeType::ALL)?;
    let source = reader.str()?;
    let target = reader.str()?;
    let role = if has(EdgeFlag::Role) { Some(reader.code(Role::ALL)?) } else { None };
    let iati_role = if has(EdgeFlag::IatiRole) { Some(reader.code(IatiRole::ALL)?) } else { None };
    let from = if has(EdgeFlag::From) { Some(reader.date()?) } else { None };
    let to = if has(EdgeFlag::To) { Some(reader.date()?) } else { None };
    let amount_usd = if has(EdgeFlag::AmountUsd) { Some(reader.f64()?) } else { None };
    Ok(LinkView { edge_type, source, target, role, iati_role, from, to, amount_usd })
}

fn owned_link(key: &str, view: &LinkView<'_>) -> Read<EdgeLink> {
    let end = |id: &str| NodeId::parse(id).map_err(|_| "invalid node id");
    Ok(EdgeLink {
        id: EdgeId::parse(key).map_err(|_| "invalid edge id")?,
        edge_type: view.edge_type,
        source: end(view.source)?,
        target: end(view.target)?,
        role: view.role,
        iati_role: view.iati_role,
        from: view.from,
        to: view.to,
        amount_usd: view.amount_usd,
    })
}

impl Decode for EdgeLink {
    fn decode(key: &str, bytes: &[u8]) -> Result<EdgeLink, StoreError> {
        let mut reader = Reader { bytes };
        read_link(&mut reader).and_then(|view| owned_link(key, &view)).map_err(|reason| corrupt(key, reason))
    }
}

impl Decode for EdgeRecord {
    fn decode(key: &str, bytes: &[u8]) -> Result<EdgeRecord, StoreError> {
        read_edge(key, &mut Reader { bytes }).map_err(|reason| corrupt(key, reason))
    }
}

/// Reads a whole edge stored under `key` (or a claim's record of it), to its end.
fn read_edge(key: &str, reader: &mut Reader<'_>) -> Read<EdgeRecord> {
    let has_claims = Reader { bytes: reader.bytes }.flags(EdgeFlag::Claims as u8 + 1)?.has(EdgeFlag::Claims as u8);
    let link = owned_link(key, &read_link(reader)?)?;
    let sources = reader.sources()?;
    let claims = if has_claims {
        reader.claims(|inner| {
            let record = read_edge(key, inner)?;
            if record.claims.is_empty() { Ok(record) } else { Err("a claim's record has claims") }
        })?
    } else {
        Vec::new()
    };
    reader.end()?;
    let EdgeLink { id, edge_type, source, target, role, iati_role, from, to, amount_usd } = link;
    Ok(EdgeRecord { id, edge_type, source, target, role, iati_role, from, to, amount_usd, sources, claims })
}
