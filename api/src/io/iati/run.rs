//! Reading one IATI file into checked, staged records, and writing them in one transaction.
//!
//! A store that writes while the file is read ([`GraphStore::begin_staged`], the embedded one) is handed
//! the staged records a block at a time (`sink.rs`), so the file is never held whole; the checks that need
//! the whole file run at its end, and a file refused then (or refused while reading) aborts the
//! transaction. Another store gets the whole file staged, once it is known to be valid.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use partnergraph_schema::dataset::Checker;
use partnergraph_schema::{Claim, EdgeId, EdgeRecord, EdgeType, NodeId, NodeRecord, Precedence, Role};

use crate::io::IoError;
use crate::io::iati::activity::{MappedActivity, map_activity, source};
use crate::io::iati::fit::{fit_edge, fit_node};
use crate::io::iati::organisation::{MappedOrganisation, claim, map_organisation};
use crate::io::iati::resolve::{Resolver, StoreHandle};
use crate::io::iati::sink::Sink;
use crate::io::iati::stale::Stale;
use crate::io::iati::warning::{WarningKind, Warnings};
use crate::io::iati::xml::{FileKind, IatiReader};
use crate::io::iati::{Refusal, Warning};
use crate::io::stage::finish_checks;
use crate::store::{Audit, GraphStore, Staged, StoreError, WriteSummary};

/// What reading (and importing) one IATI file did.
#[derive(Debug, Clone, PartialEq)]
pub struct IatiReport {
    /// Which root the file has.
    pub kind: FileKind,
    /// Records (activities or organisations) read.
    pub records: u64,
    /// Records skipped (see the warnings).
    pub skipped: u64,
    /// Nodes and edges the file maps to (existing organisations and countries are linked, not counted).
    pub nodes: usize,
    /// Edges the file maps to.
    pub edges: usize,
    /// The data problems met.
    pub warnings: Warnings,
    /// What the write changed (`None` when only checked).
    pub summary: Option<WriteSummary>,
}

/// Records staged before they are handed to a store that writes while the file is read: about 40,000
/// activities of the benchmark's shape (about 65 MB staged), written in key order per table. Each block
/// rewrites the adjacency pages of the organisations it names, so fewer, larger blocks write less
/// (BENCHMARKS.md, issue 18); three are held at most (one read, one queued, one written).
const BLOCK_RECORDS: usize = 256 * 1024;

/// Reads `reader` (an IATI file named `file`), resolves its organisations against `store`, and writes it
/// in one transaction; a refused file writes nothing.
pub async fn import(store: Arc<dyn GraphStore>, reader: impl BufRead + Send + 'static, file: &str) -> Result<IatiReport, IoError> {
    import_recorded(store, reader, file, None).await
}

/// [`import`], recorded in the audit trail as `audit` says.
pub async fn import_recorded(
    store: Arc<dyn GraphStore>,
    reader: impl BufRead + Send + 'static,
    file: &str,
    audit: Option<Audit>,
) -> Result<IatiReport, IoError> {
    import_in_blocks(store, reader, file, audit, BLOCK_RECORDS).await
}

/// [`import_recorded`], handing a store that writes while the file is read blocks of `block_records`.
pub(super) async fn import_in_blocks(
    store: Arc<dyn GraphStore>,
    reader: impl BufRead + Send + 'static,
    file: &str,
    audit: Option<Audit>,
    block_records: usize,
) -> Result<IatiReport, IoError> {
    let handle = StoreHandle { store: Arc::clone(&store), runtime: tokio::runtime::Handle::current() };
    let file = file.to_owned();
    let read = tokio::task::spawn_blocking(move || {
        let sink = match handle.store.begin_staged()? {
            Some(writer) => Some(Sink::start(writer, handle.clone())?),
            None => None,
        };
        read_file(reader, &file, Some(handle), Keep::Staged, sink.map(|sink| (sink, block_records)))
    })
    .await
    .map_err(|err| IoError::Read(std::io::Error::other(format!("the reading task failed: {err}"))))?;
    let FileRead { staged, checker, mut report, sink } = match read {
        Ok(read) => read,
        Err(ReadError::Refused(refusal)) => return Err(IoError::Refused(refusal)),
        Err(ReadError::Store(err)) => return Err(IoError::Store(err)),
    };
    let problems = finish_checks(checker, store.as_ref()).await?;
    if !problems.is_empty() {
        // Dropping the sink waits for its thread and aborts the transaction: off the async threads.
        tokio::task::spawn_blocking(move || drop(sink)).await.ok();
        return Err(IoError::Refused(Refusal::Invalid(problems)));
    }
    let summary = match sink {
        Some(sink) => tokio::task::spawn_blocking(move || sink.commit(audit))
            .await
            .map_err(|err| IoError::Store(StoreError::Backend { backend: "import", reason: format!("the commit failed: {err}") }))??,
        None => {
            let mut staged = staged;
            if let Some(audit) = audit {
                staged.set_audit(audit);
            }
            crate::io::merge::merge_existing(store.as_ref(), &mut staged).await?;
            store.apply_staged(staged).await?
        }
    };
    report.summary = Some(summary);
    Ok(report)
}

/// Reads and checks an IATI file without a store and without writing: the warnings and refusals an
/// import would give (every organisation counts as new).
pub fn check(reader: impl BufRead, file: &str) -> Result<IatiReport, Refusal> {
    // Nothing is written, so nothing is staged: only the checker's ids are held.
    let FileRead { checker, report, .. } = read_file(reader, file, None, Keep::Checked, None).map_err(|err| match err {
        ReadError::Refused(refusal) => refusal,
        ReadError::Store(err) => Refusal::Malformed { line: 0, column: 0, reason: err.to_string() },
    })?;
    let problems = checker.finish(&std::collections::HashMap::new());
    if problems.is_empty() { Ok(report) } else { Err(Refusal::Invalid(problems)) }
}

pub(super) enum ReadError {
    Refused(Refusal),
    Store(StoreError),
}

impl From<Refusal> for ReadError {
    fn from(refusal: Refusal) -> ReadError {
        ReadError::Refused(refusal)
    }
}

impl From<StoreError> for ReadError {
    fn from(err: StoreError) -> ReadError {
        ReadError::Store(err)
    }
}

/// Whether reading a file keeps its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Checked and staged, to be written.
    Staged,
    /// Checked only (`validate`): a file of any size is read in the checker's memory.
    Checked,
}

/// What reading a file gave: its staged records (those not yet handed to the sink), its checker (to be
/// finished against the store), its report, and the sink that wrote the rest (if one did).
pub(super) struct FileRead {
    pub(super) staged: Staged,
    pub(super) checker: Checker,
    pub(super) report: IatiReport,
    pub(super) sink: Option<Sink>,
}

/// The records of one file being staged: each checked, then kept in stored form.
struct Output {
    keep: Keep,
    staged: Staged,
    checker: Checker,
    nodes: usize,
    edges: usize,
    /// Records cut to fit the dataset's limits (`fit.rs`): their line and warning.
    cut: Vec<(u64, WarningKind)>,
    /// Where staged blocks of at least this many records go while the file is read.
    sink: Option<(Sink, usize)>,
}

impl Output {
    fn node(&mut self, line: u64, mut node: NodeRecord) {
        for field in fit_node(&mut node) {
            self.cut.push((line, WarningKind::Cut { record: node.id.to_string(), field }));
        }
        self.checker.node(usize::try_from(line).unwrap_or(usize::MAX), &node);
        if self.keep == Keep::Staged {
            self.staged.push_node(&node);
        }
        self.nodes += 1;
    }

    fn edge(&mut self, line: u64, mut edge: EdgeRecord) {
        for field in fit_edge(&mut edge) {
            self.cut.push((line, WarningKind::Cut { record: edge.id.to_string(), field }));
        }
        // Unique by construction: its id names the activity's agreement, which the file has once.
        self.checker.derived_edge(usize::try_from(line).unwrap_or(usize::MAX), &edge);
        if self.keep == Keep::Staged {
            self.staged.push_edge(&edge);
        }
        self.edges += 1;
    }

    /// Hands the staged records to the sink if they make a block (or `always`, at the end of the file),
    /// with the deletions `stale` has found for their activities. Once the file has a problem it will not
    /// be written: nothing more is staged or handed over.
    fn hand_over(&mut self, stale: &mut Stale, store: Option<&StoreHandle>, always: bool) -> Result<(), StoreError> {
        let Some((sink, block_records)) = &mut self.sink else { return Ok(()) };
        if self.checker.problem_count() > 0 {
            self.keep = Keep::Checked;
            self.staged = Staged::default();
            return Ok(());
        }
        let records = self.staged.node_count() + self.staged.edge_count();
        if !always && records < *block_records {
            return Ok(());
        }
        stale.flush(store, &mut self.staged)?;
        if records == 0 && self.staged.deleted_edges().is_empty() {
            return Ok(());
        }
        sink.send(std::mem::take(&mut self.staged))
    }
}

pub(super) fn read_file(
    reader: impl BufRead,
    file: &str,
    store: Option<StoreHandle>,
    keep: Keep,
    sink: Option<(Sink, usize)>,
) -> Result<FileRead, ReadError> {
    let mut xml = IatiReader::open(reader)?;
    let kind = xml.kind();
    let mut report = IatiReport { kind, records: 0, skipped: 0, nodes: 0, edges: 0, warnings: Warnings::default(), summary: None };
    let mut out = Output { keep, staged: Staged::default(), checker: Checker::default(), nodes: 0, edges: 0, cut: Vec::new(), sink };
    let mut resolver = Resolver::new(store);
    let mut stale = Stale::new(file);
    // Organisations met (an activity's agreement is known to the checker once written).
    let mut seen: HashSet<NodeId> = HashSet::new();
    while let Some(record) = xml.next_record()? {
        report.records += 1;
        let written = match kind {
            FileKind::Activities => match map_activity(&record, file, &mut report.warnings) {
                Some(activity) if out.checker.knows(activity.agreement.id.as_str()) => {
                    let duplicate = WarningKind::DuplicateActivity(activity.identifier);
                    report.warnings.push(record.line, record.column, duplicate);
                    false
                }
                Some(activity) => {
                    let agreement = activity.agreement.id.clone();
                    let identifier = activity.identifier.clone();
                    let edges = write_activity(activity, file, &mut resolver, &mut out, &mut report.warnings)?;
                    stale.written(agreement, &identifier, edges, resolver.store(), &mut out.staged)?;
                    true
                }
                None => false,
            },
            FileKind::Organisations => match map_organisation(&record, file, &mut report.warnings) {
                Some(organisation) => write_organisation(&organisation, &mut resolver, &mut out, &mut seen, &mut report.warnings)?,
                None => false,
            },
        };
        if !written {
            report.skipped += 1;
        }
        out.hand_over(&mut stale, resolver.store(), false)?;
    }
    stale.flush(resolver.store(), &mut out.staged)?;
    out.hand_over(&mut stale, resolver.store(), true)?;
    for (line, cut) in out.cut.drain(..) {
        report.warnings.push(line, 0, cut);
    }
    report.nodes = out.nodes;
    report.edges = out.edges;
    Ok(FileRead { staged: out.staged, checker: out.checker, report, sink: out.sink.map(|(sink, _)| sink) })
}

/// Stages the update of the organisation's node, or the node it creates; `false` (with a warning) if the
/// file described it already.
fn write_organisation(
    organisation: &MappedOrganisation,
    resolver: &mut Resolver,
    out: &mut Output,
    seen: &mut HashSet<NodeId>,
    warnings: &mut Warnings,
) -> Result<bool, StoreError> {
    let line = u64::from(organisation.source.paragraph.unwrap_or(0));
    let (id, _, created) = resolver.organisation(&organisation.org, &organisation.source)?;
    if !seen.insert(id.clone()) {
        let identifier = organisation.org.identifier.clone().unwrap_or_default();
        warnings.push(line, organisation.column, WarningKind::DuplicateOrganisation(identifier));
        return Ok(false);
    }
    // The file's claim on the node; the import merges it with what the store holds (`io/merge.rs`).
    let node = match created {
        Some(created) => claim(created.id, &created.name, organisation),
        None => match resolver.stored(&id)? {
            Some(existing) => claim(id, &existing.name, organisation),
            None => return Ok(false),
        },
    };
    out.node(line, node);
    Ok(true)
}

/// Stages an activity's agreement, the organisations and countries it creates, and its participations;
/// returns the ids of the participations.
fn write_activity(
    activity: MappedActivity,
    file: &str,
    resolver: &mut Resolver,
    out: &mut Output,
    warnings: &mut Warnings,
) -> Result<HashSet<EdgeId>, StoreError> {
    let MappedActivity { mut agreement, identifier, participants, beneficiaries } = activity;
    let agreement_line = u64::from(agreement.sources.first().and_then(|source| source.paragraph).unwrap_or(0));
    // The activity is its agreement's own record.
    agreement.claims = vec![Claim { origin: file.to_owned(), precedence: Precedence::OwnRecord, record: None }];
    let agreement_id = agreement.id.clone();
    out.node(agreement_line, agreement);
    let mut edges: BTreeMap<EdgeId, (u64, EdgeRecord)> = BTreeMap::new();
    let mut participating: BTreeSet<NodeId> = BTreeSet::new();
    let mut reporting: Option<(u64, EdgeRecord)> = None;
    for participant in &participants {
        let cited = source(file, participant.line, &identifier, &participant.element);
        let (actor, matched, created) = resolver.organisation(&participant.org, &cited)?;
        match created {
            Some(created) => out.node(participant.line, created),
            None => out.checker.existing(&actor, actor.kind()),
        }
        let mut edge_source = cited;
        edge_source.quote = edge_source.quote.map(|quote| format!("{quote} ({})", matched.describe()));
        let edge = participation(&actor, &agreement_id, &participant.suffix, participant.role, participant.iati_role, edge_source)?;
        if participant.suffix == "reporting" {
            reporting = Some((participant.line, edge));
            continue;
        }
        participating.insert(actor.clone());
        if edges.contains_key(&edge.id) {
            warnings.push(participant.line, participant.column, WarningKind::DuplicateParticipant(actor.to_string()));
            continue;
        }
        edges.insert(edge.id.clone(), (participant.line, edge));
    }
    // The reporting organisation is linked only when it does not take part in a role of its own.
    if let Some((line, edge)) = reporting
        && !participating.contains(&edge.source)
    {
        edges.insert(edge.id.clone(), (line, edge));
    }
    for beneficiary in &beneficiaries {
        let cited = source(file, beneficiary.line, &identifier, &beneficiary.element);
        let (country, created) = resolver.country(beneficiary.iso3, beneficiary.name, &cited)?;
        match created {
            Some(created) => out.node(beneficiary.line, created),
            None => out.checker.existing(&country, country.kind()),
        }
        let edge = participation(&country, &agreement_id, "recipient", Role::Beneficiary, None, cited)?;
        edges.insert(edge.id.clone(), (beneficiary.line, edge));
    }
    let ids = edges.keys().cloned().collect();
    for (line, edge) in edges.into_values() {
        out.edge(line, edge);
    }
    Ok(ids)
}

fn participation(
    actor: &NodeId,
    agreement: &NodeId,
    suffix: &str,
    role: Role,
    iati_role: Option<partnergraph_schema::IatiRole>,
    source: partnergraph_schema::Source,
) -> Result<EdgeRecord, StoreError> {
    let id = EdgeId::parse(format!("{actor}>participates_in>{agreement}~{suffix}"))
        .map_err(|err| StoreError::Backend { backend: "iati", reason: err.to_string() })?;
    Ok(EdgeRecord {
        id,
        edge_type: EdgeType::ParticipatesIn,
        source: actor.clone(),
        target: agreement.clone(),
        role: Some(role),
        iati_role,
        from: None,
        to: None,
        amount_usd: None,
        sources: vec![source],
        claims: Vec::new(),
    })
}

impl std::fmt::Display for IatiReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            FileKind::Activities => "activities",
            FileKind::Organisations => "organisations",
        };
        write!(
            f,
            "{} {what} read ({} skipped), {} nodes and {} edges mapped, {} warning(s)",
            self.records,
            self.skipped,
            self.nodes,
            self.edges,
            self.warnings.total()
        )
    }
}

/// The warnings of a report, one per line, then their counts by kind.
pub fn warning_lines(file: &str, warnings: &Warnings) -> Vec<String> {
    let mut lines: Vec<String> =
        warnings.kept().iter().map(|Warning { line, column, kind }| format!("{file}:{line}:{column}: warning: {kind}")).collect();
    if (warnings.kept().len() as u64) < warnings.total() {
        lines.push(format!("{file}: … {} more warning(s) not shown", warnings.total() - warnings.kept().len() as u64));
    }
    for (kind, count) in warnings.by_kind() {
        lines.push(format!("{file}: {count} × {kind}"));
    }
    lines
}
