//! One organisation, one node: resolving the organisations an IATI file names to actor nodes.
//!
//! In order: by IATI organisation identifier (the store's identifier index, then those met earlier in the
//! file), by normalised name (a node whose folded name, acronym or alias equals the folded name, if exactly
//! one agency has it), by the id the import would derive; otherwise a new agency node with that id. Nodes
//! that exist are never rewritten by an activity file: the import only links to them. Without a store
//! (`validate`) every organisation not met earlier in the file is new. Countries resolve by their id.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use partnergraph_schema::text::{EXACT, fold, identifier_term};
use partnergraph_schema::{Claim, EdgeId, EdgeLink, EdgeRecord, EdgeType, Identifier, NodeId, NodeKind, NodeRecord, Precedence, Source};

use crate::io::iati::activity::{ORG_SCHEME, OrgRef};
use crate::io::iati::text::slug;
use crate::store::{EdgeFilter, GraphStore, StoreError};

/// Candidates read per index lookup.
const CANDIDATES: usize = 16;

/// How an organisation is matched to its node. A node the file creates counts as matched by what it will
/// be found by the next time (its identifier, else its name), so importing a file again cites the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// By its IATI organisation identifier.
    Identifier,
    /// By its normalised name.
    Name,
    /// By the id derived from its identifier or name.
    Id,
}

impl Match {
    /// How it reads in a source.
    pub fn describe(self) -> &'static str {
        match self {
            Match::Identifier => "matched by IATI organisation identifier",
            Match::Name => "matched by name",
            Match::Id => "matched by id",
        }
    }
}

/// A store reached from the blocking thread that reads the file.
#[derive(Clone)]
pub struct StoreHandle {
    /// The store.
    pub store: Arc<dyn GraphStore>,
    /// The runtime its futures run on.
    pub runtime: tokio::runtime::Handle,
}

impl StoreHandle {
    fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeRecord>>, StoreError> {
        self.runtime.block_on(self.store.nodes(ids))
    }

    fn find(&self, term: &str) -> Result<Vec<NodeId>, StoreError> {
        self.runtime.block_on(self.store.find_by_term(term, false, CANDIDATES))
    }

    /// The PARTICIPATES_IN edges touching `ids`.
    pub fn participations(&self, ids: &[NodeId]) -> Result<Vec<EdgeLink>, StoreError> {
        self.runtime.block_on(self.store.expand(ids, &EdgeFilter::types(&[EdgeType::ParticipatesIn])))
    }

    /// The edges with these ids.
    pub fn edges(&self, ids: &[EdgeId]) -> Result<Vec<Option<EdgeRecord>>, StoreError> {
        self.runtime.block_on(self.store.edges(ids))
    }
}

/// The claim of a node a file creates because an element of someone else's activity names it.
fn mention(source: &Source) -> Claim {
    Claim { origin: source.document.clone(), precedence: Precedence::Mention, record: None }
}

/// The organisations and countries of one file, resolved.
#[derive(Default)]
pub struct Resolver {
    store: Option<StoreHandle>,
    by_identifier: HashMap<String, NodeId>,
    by_name: HashMap<String, NodeId>,
    /// Nodes this file creates.
    created: HashSet<NodeId>,
    /// Nodes known to exist in the store (or known not to: `false`).
    exists: HashMap<NodeId, bool>,
}

impl Resolver {
    /// A resolver against `store`, or against the file alone.
    pub fn new(store: Option<StoreHandle>) -> Resolver {
        Resolver { store, ..Resolver::default() }
    }

    /// The node of `org`, how it was matched, and its record if this file creates it (`source` then cites
    /// the element that named it first).
    pub fn organisation(&mut self, org: &OrgRef, source: &Source) -> Result<(NodeId, Match, Option<NodeRecord>), StoreError> {
        let identifier_key = org.identifier.as_deref().map(str::to_ascii_lowercase);
        let name_key = org.name.as_deref().map(fold).filter(|name| !name.is_empty());
        if let Some(key) = &identifier_key {
            if let Some(id) = self.by_identifier.get(key) {
                return Ok((id.clone(), Match::Identifier, None));
            }
            if let Some(id) = self.indexed(&identifier_term(ORG_SCHEME, key))? {
                self.by_identifier.insert(key.clone(), id.clone());
                return Ok((id, Match::Identifier, None));
            }
        }
        if let Some(key) = &name_key {
            let known = match self.by_name.get(key) {
                Some(id) => Some(id.clone()),
                None => self.indexed(&format!("{EXACT}{key}"))?,
            };
            if let Some(id) = known {
                self.remember(identifier_key, name_key, &id);
                return Ok((id, Match::Name, None));
            }
        }
        let derived = match (&org.identifier, &org.name) {
            (Some(identifier), _) => slug(identifier).map(|slug| format!("agency:iati-{slug}")),
            (None, Some(name)) => slug(&fold(name)).map(|slug| format!("agency:{slug}")),
            (None, None) => None,
        };
        let Some(id) = derived.and_then(|id| NodeId::parse(id).ok()) else {
            return Err(StoreError::Backend {
                backend: "iati",
                reason: "an organisation without identifier or name reached the resolver".to_owned(),
            });
        };
        if self.created.contains(&id) || self.exists_in_store(&id)? {
            self.remember(identifier_key, name_key, &id);
            return Ok((id, Match::Id, None));
        }
        let name = org.name.clone().or_else(|| org.identifier.clone()).unwrap_or_default();
        let mut record = NodeRecord::new(id.clone(), name, vec![source.clone()]);
        record.aliases = org.aliases.clone();
        record.agency_type = org.agency_type;
        record.identifiers = org.identifier.iter().map(|identifier| Identifier::new(ORG_SCHEME, identifier.clone())).collect();
        record.claims = vec![mention(source)];
        self.created.insert(id.clone());
        self.remember(identifier_key, name_key, &id);
        let matched = if org.identifier.is_some() { Match::Identifier } else { Match::Name };
        Ok((id, matched, Some(record)))
    }

    /// The node of the country `iso3`, and its record if this file creates it.
    pub fn country(&mut self, iso3: &str, name: &str, source: &Source) -> Result<(NodeId, Option<NodeRecord>), StoreError> {
        let id = NodeId::country(iso3).map_err(|err| StoreError::Backend { backend: "iati", reason: err.to_string() })?;
        if self.created.contains(&id) || self.exists_in_store(&id)? {
            return Ok((id, None));
        }
        let mut record = NodeRecord::new(id.clone(), name, vec![source.clone()]);
        record.iso3 = Some(iso3.to_owned());
        record.claims = vec![mention(source)];
        self.created.insert(id.clone());
        Ok((id, Some(record)))
    }

    fn remember(&mut self, identifier_key: Option<String>, name_key: Option<String>, id: &NodeId) {
        if let Some(key) = identifier_key {
            self.by_identifier.insert(key, id.clone());
        }
        if let Some(key) = name_key {
            self.by_name.entry(key).or_insert_with(|| id.clone());
        }
    }

    /// The one agency the store indexes under `term`; `None` if none or several do.
    fn indexed(&self, term: &str) -> Result<Option<NodeId>, StoreError> {
        let Some(store) = &self.store else { return Ok(None) };
        let mut agencies = store.find(term)?.into_iter().filter(|id| id.kind() == NodeKind::Agency);
        Ok(match (agencies.next(), agencies.next()) {
            (Some(id), None) => Some(id),
            _ => None,
        })
    }

    /// The store, if resolving against one.
    pub fn store(&self) -> Option<&StoreHandle> {
        self.store.as_ref()
    }

    /// The stored record of `id` (not one this file creates).
    pub fn stored(&self, id: &NodeId) -> Result<Option<NodeRecord>, StoreError> {
        match &self.store {
            Some(store) => Ok(store.nodes(std::slice::from_ref(id))?.pop().flatten()),
            None => Ok(None),
        }
    }

    fn exists_in_store(&mut self, id: &NodeId) -> Result<bool, StoreError> {
        if let Some(known) = self.exists.get(id) {
            return Ok(*known);
        }
        let found = match &self.store {
            Some(store) => store.nodes(std::slice::from_ref(id))?.first().is_some_and(Option::is_some),
            None => false,
        };
        self.exists.insert(id.clone(), found);
        Ok(found)
    }
}
