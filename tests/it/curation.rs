//! Curation in the store (issue 20), a part of the store conformance suite: record versions, the
//! conditions a batch may state (the versions it read, a node without edges), the audit trail, and API
//! tokens. Every backend gives exactly these answers.

use std::sync::Arc;

use partnergraph::store::audit::{ChangeAction, SubjectKind};
use partnergraph::store::{Audit, Batch, Condition, GraphStore, Scope, Staged, StoreError, Subject, TokenRecord};
use partnergraph_schema::wire::Record;
use partnergraph_schema::{EdgeId, EdgeType, NodeId, Source};

use crate::conformance::{edge, fixture, id, loaded, node};

/// What the tests compare of a change: its number, action, kind, id and version.
type Seen<'c> = (u64, ChangeAction, Option<SubjectKind>, Option<&'c str>, Option<u64>);

fn node_subject(text: &str) -> Subject {
    Subject::Node(id(text))
}

fn edge_subject(text: &str) -> Subject {
    Subject::Edge(EdgeId::parse(text).expect(text))
}

const PART_OF: &str = "agency:unossc>part_of>agency:undp";

fn renamed(id_text: &str, name: &str) -> Batch {
    Batch { nodes: vec![node(id_text, name)], ..Batch::default() }
}

fn curated(actor: &str) -> Option<Audit> {
    Some(Audit::Records { actor: actor.to_owned(), sources: Vec::new() })
}

pub async fn versions_count_changes_and_survive_deletes(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let subjects = [node_subject("agency:undp"), edge_subject(PART_OF), node_subject("agency:never")];
    assert_eq!(store.versions(&subjects).await.expect("versions"), [1, 1, 0]);

    store.apply(renamed("agency:undp", "UNDP")).await.expect("rename");
    assert_eq!(store.versions(&subjects[..1]).await.expect("versions"), [2]);
    // The same content again is no change.
    store.apply(renamed("agency:undp", "UNDP")).await.expect("same again");
    assert_eq!(store.versions(&subjects[..1]).await.expect("versions"), [2]);

    store.apply(Batch { delete_edges: vec![EdgeId::parse(PART_OF).expect("id")], ..Batch::default() }).await.expect("delete edge");
    assert_eq!(store.versions(&subjects[1..2]).await.expect("versions"), [0]);
    store.apply(Batch { edges: vec![edge("agency:unossc", EdgeType::PartOf, "agency:undp")], ..Batch::default() }).await.expect("again");
    assert_eq!(store.versions(&subjects[1..2]).await.expect("versions"), [2], "a record written again goes on counting");

    // Deleting a node deletes its edges: both remember their next version.
    store.apply(Batch { delete_nodes: vec![id("agency:undp")], ..Batch::default() }).await.expect("delete node");
    assert_eq!(store.versions(&subjects[..2]).await.expect("versions"), [0, 0]);
    store.apply(renamed("agency:undp", "UNDP")).await.expect("recreate");
    assert_eq!(store.versions(&subjects[..1]).await.expect("versions"), [3]);
    // An edge that changes counts too (on Bolt a changed edge is replaced; its version still counts on).
    let mut moved = edge("agency:unossc", EdgeType::PartOf, "agency:undp");
    moved.from = Some("2012".parse().expect("date"));
    store.apply(Batch { edges: vec![moved.clone()], ..Batch::default() }).await.expect("edge again");
    assert_eq!(store.versions(&subjects[1..2]).await.expect("versions"), [3]);
    moved.to = Some("2020".parse().expect("date"));
    store.apply(Batch { edges: vec![moved], ..Batch::default() }).await.expect("edge changed");
    assert_eq!(store.versions(&subjects[1..2]).await.expect("versions"), [4]);
}

pub async fn a_stale_version_fails_the_whole_batch(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    store.apply(renamed("agency:undp", "UNDP")).await.expect("rename");
    let mut stale = renamed("agency:undp", "Stale");
    stale.nodes.push(node("agency:new", "A new agency"));
    stale.conditions = vec![Condition::Version { subject: node_subject("agency:undp"), version: 1 }];
    match store.apply(stale).await {
        Err(StoreError::Conflict { id, expected, current }) => assert_eq!((id.as_str(), expected, current), ("agency:undp", 1, 2)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let read = store.nodes(&[id("agency:undp"), id("agency:new")]).await.expect("read");
    assert_eq!(read[0].as_ref().map(|node| node.name.as_str()), Some("UNDP"));
    assert!(read[1].is_none(), "nothing of a refused batch is written");

    // Version 0: the record must not exist.
    let mut create_only = renamed("agency:undp", "Twice");
    create_only.conditions = vec![Condition::Version { subject: node_subject("agency:undp"), version: 0 }];
    assert!(matches!(store.apply(create_only).await, Err(StoreError::Conflict { current: 2, .. })));
    let mut fresh = renamed("agency:new", "A new agency");
    fresh.conditions = vec![Condition::Version { subject: node_subject("agency:new"), version: 0 }];
    store.apply(fresh).await.expect("a new record with version 0");
    let mut current = renamed("agency:undp", "UNDP, current");
    current.conditions = vec![Condition::Version { subject: node_subject("agency:undp"), version: 2 }];
    store.apply(current).await.expect("the current version");
    assert_eq!(store.versions(&[node_subject("agency:undp"), node_subject("agency:new")]).await.expect("versions"), [3, 1]);
}

pub async fn deleting_a_linked_node_can_be_refused(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let refused =
        Batch { delete_nodes: vec![id("agency:undp")], conditions: vec![Condition::Unlinked(id("agency:undp"))], ..Batch::default() };
    match store.apply(refused).await {
        Err(StoreError::Linked { id, edges }) => assert_eq!((id.as_str(), edges), ("agency:undp", 2)),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(store.nodes(&[id("agency:undp")]).await.expect("read")[0].is_some());
    // Its edges deleted in the same batch first: allowed.
    let edges = ["network:wacap>hosted_by>agency:undp", PART_OF].map(|text| EdgeId::parse(text).expect(text)).to_vec();
    let allowed = Batch {
        delete_edges: edges,
        delete_nodes: vec![id("agency:undp")],
        conditions: vec![Condition::Unlinked(id("agency:undp"))],
        ..Batch::default()
    };
    let summary = store.apply(allowed).await.expect("delete");
    assert_eq!((summary.nodes_deleted, summary.edges_deleted), (1, 2));
}

pub async fn curation_batches_are_audited_record_by_record(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    assert_eq!(store.last_change().await.expect("last"), 0, "the fixture is not audited");
    let mut batch = renamed("agency:undp", "UNDP");
    batch.edges.push(edge("country:CIV", EdgeType::PartOf, "agency:undp"));
    batch.delete_edges.push(EdgeId::parse(PART_OF).expect("id"));
    batch.audit = curated("alice");
    store.apply(batch).await.expect("curate");

    let changes = store.changes(0, 100).await.expect("changes");
    let seen: Vec<Seen<'_>> =
        changes.iter().map(|change| (change.seq, change.action, change.kind, change.id.as_deref(), change.version)).collect();
    assert_eq!(
        seen,
        [
            (1, ChangeAction::Delete, Some(SubjectKind::Edge), Some(PART_OF), Some(2)),
            (2, ChangeAction::Update, Some(SubjectKind::Node), Some("agency:undp"), Some(2)),
            (3, ChangeAction::Create, Some(SubjectKind::Edge), Some("country:CIV>part_of>agency:undp"), Some(1)),
        ]
    );
    assert!(changes.iter().all(|change| change.actor == "alice" && change.at.ends_with('Z') && change.at.len() == 24));
    let Some(Record::Node(before)) = &changes[1].before else { panic!("the node before: {:?}", changes[1].before) };
    let Some(Record::Node(after)) = &changes[1].after else { panic!("the node after: {:?}", changes[1].after) };
    assert_eq!((before.name.as_str(), after.name.as_str()), ("United Nations Development Programme", "UNDP"));
    assert!(changes[0].after.is_none() && changes[2].before.is_none());
    assert_eq!(changes[1].sources, after.sources, "a write's sources are its record's");
    assert_eq!(store.last_change().await.expect("last"), 3);
    assert_eq!(store.changes(1, 1).await.expect("page").iter().map(|change| change.seq).collect::<Vec<_>>(), [2]);

    // A delete records the sources given with it; an unchanged write records nothing.
    let given = vec![Source { document: "minutes.pdf".into(), paragraph: Some(4), quote: Some("closed".into()) }];
    let delete = Batch {
        delete_nodes: vec![id("country:CIV")],
        audit: Some(Audit::Records { actor: "bob".into(), sources: given.clone() }),
        ..Batch::default()
    };
    store.apply(delete).await.expect("delete");
    let mut same = renamed("agency:undp", "UNDP");
    same.audit = curated("alice");
    store.apply(same).await.expect("unchanged");
    let changes = store.changes(3, 100).await.expect("changes");
    let seen: Vec<(&str, ChangeAction, Option<&str>)> =
        changes.iter().map(|change| (change.actor.as_str(), change.action, change.id.as_deref())).collect();
    assert_eq!(
        seen,
        [
            ("bob", ChangeAction::Delete, Some("country:CIV>participates_in>agreement:fund")),
            ("bob", ChangeAction::Delete, Some("country:CIV>part_of>agency:undp")),
            ("bob", ChangeAction::Delete, Some("country:CIV")),
        ]
    );
    assert!(changes.iter().all(|change| change.sources == given));

    let history = store.history(&node_subject("agency:undp"), 0, 10).await.expect("history");
    assert_eq!(history.iter().map(|change| change.seq).collect::<Vec<_>>(), [2]);
    let history = store.history(&edge_subject("country:CIV>part_of>agency:undp"), 0, 10).await.expect("history");
    assert_eq!(
        history.iter().map(|change| (change.seq, change.action)).collect::<Vec<_>>(),
        [(3, ChangeAction::Create), (5, ChangeAction::Delete)]
    );
    assert!(
        store.history(&edge_subject("country:CIV>part_of>agency:undp"), 3, 10).await.expect("after").iter().all(|change| change.seq == 5)
    );
}

pub async fn imports_are_audited_as_one_entry(store: Arc<dyn GraphStore>) {
    let mut staged = Staged::of(&fixture());
    staged.set_audit(Audit::Import { actor: "cli".into(), file: "fixture.jsonl".into() });
    let summary = store.apply_staged(staged).await.expect("import");
    let changes = store.changes(0, 10).await.expect("changes");
    assert_eq!(changes.len(), 1);
    assert_eq!((changes[0].seq, changes[0].action, changes[0].actor.as_str()), (1, ChangeAction::Import, "cli"));
    assert_eq!(changes[0].file.as_deref(), Some("fixture.jsonl"));
    assert_eq!(changes[0].counts, Some(summary));
    assert_eq!(summary.nodes_created, 7);
    assert!(changes[0].id.is_none() && changes[0].before.is_none());
}

pub async fn tokens_are_stored_by_name_and_unique(store: Arc<dyn GraphStore>) {
    let token = |name: &str, scope| TokenRecord {
        name: name.to_owned(),
        scope,
        hash: format!("{:064x}", name.len()),
        created: "2026-12-07T12:00:00.000Z".to_owned(),
        revoked: None,
    };
    store.save_token(token("secretariat", Scope::Write), true).await.expect("create");
    store.save_token(token("admin", Scope::Admin), true).await.expect("create");
    assert!(matches!(store.save_token(token("admin", Scope::Write), true).await, Err(StoreError::TokenExists { .. })));
    assert!(matches!(store.save_token(token("nobody", Scope::Write), false).await, Err(StoreError::NoSuchToken { .. })));
    let mut revoked = token("secretariat", Scope::Write);
    revoked.revoked = Some("2026-12-07T13:00:00.000Z".to_owned());
    store.save_token(revoked.clone(), false).await.expect("revoke");
    assert_eq!(store.tokens().await.expect("tokens"), [token("admin", Scope::Admin), revoked]);
    // Tokens are not graph data.
    assert_eq!(store.stats().await.expect("stats").nodes, 0);
    let _: NodeId = id("agency:unused");
}

pub async fn concurrent_writers_all_commit_and_number_changes_without_gaps(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    // Writers side by side, as requests are: each one's batches, and each one creating the same token.
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..4 {
        let store = store.clone();
        writers.spawn(async move {
            for round in 0..3 {
                let mut batch = renamed(&format!("agency:writer{writer}"), &format!("Round {round}"));
                batch.audit = curated(&format!("writer{writer}"));
                store.apply(batch).await.expect("every audited batch commits");
            }
            let token = TokenRecord {
                name: "shared".to_owned(),
                scope: Scope::Write,
                hash: format!("{writer:064x}"),
                created: "2026-12-07T12:00:00.000Z".to_owned(),
                revoked: None,
            };
            store.save_token(token, true).await
        });
    }
    let mut created = 0;
    while let Some(joined) = writers.join_next().await {
        match joined.expect("writer") {
            Ok(()) => created += 1,
            Err(StoreError::TokenExists { name }) => assert_eq!(name, "shared"),
            Err(other) => panic!("a token of a taken name: {other:?}"),
        }
    }
    assert_eq!(created, 1, "one writer creates the token, the others find it taken");
    assert_eq!(store.tokens().await.expect("tokens").len(), 1);
    let changes = store.changes(0, 100).await.expect("changes");
    assert_eq!(changes.iter().map(|change| change.seq).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
    assert_eq!(store.last_change().await.expect("last"), 12);
    let versions = store.versions(&(0..4).map(|writer| node_subject(&format!("agency:writer{writer}"))).collect::<Vec<_>>()).await;
    assert_eq!(versions.expect("versions"), [3, 3, 3, 3]);
}
