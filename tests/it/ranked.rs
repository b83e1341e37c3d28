//! Ranked reads: the embedded store's in-memory topology, addressed by rank, agrees with its reads by id;
//! stores without one offer none; and the path search answers the same whichever way it reads.

use std::collections::BTreeSet;
use std::sync::Arc;

use partnergraph::graph::search::best_ranks;
use partnergraph::graph::{Graph, PathQuery};
use partnergraph::store::{Batch, EdgeFilter, GraphStore, RankedTopology};
use partnergraph_schema::text::{EXACT, Ranker, WORD};
use partnergraph_schema::{EdgeId, EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate, Source};

/// A pseudo-random source of small numbers (xorshift), so every run builds the same graph.
struct Numbers(u64);

impl Numbers {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

const NODES: u64 = 240;

fn node_id(n: u64) -> NodeId {
    // Ids whose text order is not their number order (`agency:n10` < `agency:n9`), across kinds.
    let kind = ["agency", "agreement", "city"][(n % 3) as usize];
    NodeId::parse(format!("{kind}:n{n}")).expect("node id")
}

/// A graph of `NODES` nodes and about four times as many edges, with hubs, parallel edges of different
/// types, loops and validity periods.
fn random_graph() -> Batch {
    let mut numbers = Numbers(0x2545_f491_4f6c_dd1d);
    let sources = vec![Source { document: "ranked".into(), paragraph: Some(1), quote: None }];
    let nodes = (0..NODES).map(|n| NodeRecord::new(node_id(n), format!("Node {n}"), sources.clone())).collect();
    let types = [EdgeType::ParticipatesIn, EdgeType::PartOf, EdgeType::Funds, EdgeType::HostedBy];
    let mut ids = BTreeSet::new();
    let mut edges = Vec::new();
    for _ in 0..NODES * 4 {
        // A third of the edges touch one of five hubs.
        let source = if numbers.below(3) == 0 { numbers.below(5) } else { numbers.below(NODES) };
        let target = numbers.below(NODES);
        let edge_type = types[numbers.below(types.len() as u64) as usize];
        let (source, target) = (node_id(source), node_id(target));
        let id = EdgeId::parse(format!("{source}>{}>{target}", edge_type.as_str().to_lowercase())).expect("edge id");
        if !ids.insert(id.clone()) {
            continue;
        }
        let year = |offset: u64| -> PartialDate { (2000 + offset).to_string().parse().expect("year") };
        let from = (numbers.below(2) == 0).then(|| year(numbers.below(20)));
        let to = (numbers.below(3) == 0).then(|| year(10 + numbers.below(16)));
        edges.push(EdgeRecord {
            id,
            edge_type,
            source,
            target,
            role: None,
            iati_role: None,
            from,
            to: to.filter(|to| from.is_none_or(|from| from <= *to)),
            amount_usd: None,
            sources: sources.clone(),
            claims: Vec::new(),
        });
    }
    Batch { nodes, edges, ..Batch::default() }
}

async fn loaded(store: &Arc<dyn GraphStore>) {
    store.apply(random_graph()).await.expect("load the random graph");
}

#[tokio::test]
async fn ranked_reads_agree_with_reads_by_id() {
    let (_dir, store) = partnergraph_tests::empty_store();
    loaded(&store).await;
    let ranked = store.ranked().await.expect("ranked").expect("an embedded store with its topology offers ranks");

    let ids: Vec<NodeId> = (0..NODES).map(node_id).collect::<BTreeSet<_>>().into_iter().collect();
    for (position, id) in ids.iter().enumerate() {
        assert_eq!(ranked.node_rank(id), Some(position as u32), "ranks follow id order");
        assert_eq!(&ranked.node_id(position as u32).expect("id of a rank"), id);
    }
    assert_eq!(ranked.node_rank(&NodeId::parse("agency:nowhere").expect("id")), None);
    assert!(ranked.node_id(NODES as u32).is_err(), "a rank past the last node is an error, not a panic");
    assert!(ranked.link(u32::MAX).is_err());

    let filters = [
        EdgeFilter::default(),
        EdgeFilter::types(&[EdgeType::Funds, EdgeType::PartOf]),
        EdgeFilter { as_of: Some("2012".parse().expect("date")), ..EdgeFilter::default() },
    ];
    let mut numbers = Numbers(0x9e37_79b9_7f4a_7c15);
    let mut compared = 0;
    for round in 0..60 {
        let frontier: Vec<NodeId> = (0..1 + numbers.below(6)).map(|_| node_id(numbers.below(NODES))).collect();
        let filter = &filters[round % filters.len()];
        let limit = [0, 1, 7, usize::MAX][round % 4];
        let by_id = store.expand_page(&frontier, filter, None, limit).await.expect("expand by id");
        let ranks: Vec<u32> = frontier.iter().map(|id| ranked.node_rank(id).expect("rank")).collect();
        let by_rank = ranked.expand_ranks(&ranks, filter, None, limit);
        assert_eq!(by_rank.len(), by_id.len(), "{frontier:?} {filter:?} limit {limit}");
        for (edge, link) in by_rank.iter().zip(&by_id) {
            assert_eq!(&ranked.link(edge.edge).expect("link"), link);
            assert_eq!((Some(edge.source), Some(edge.target)), (ranked.node_rank(&link.source), ranked.node_rank(&link.target)));
        }
        assert!(by_rank.windows(2).all(|pair| pair[0].edge < pair[1].edge), "in rank order, each edge once");
        compared += by_id.len();
    }
    assert!(compared > 200, "the frontiers met edges ({compared})");
}

/// The in-memory topology pages expansions exactly as the tables do, on frontiers of hubs (dozens of
/// edges of several types) and of ordinary nodes, with and without type filters and cursors.
#[tokio::test]
async fn the_topology_expands_as_the_tables_do() {
    let (_dir, topology) = partnergraph_tests::empty_store();
    let (_tables_dir, tables) = partnergraph_tests::empty_store_without_index();
    loaded(&topology).await;
    loaded(&tables).await;
    let hub_degree = topology.degrees(&[node_id(0)]).await.expect("degrees")[0];
    assert!(hub_degree > 40, "node 0 is a hub ({hub_degree} edges)");
    let filters = [
        EdgeFilter::default(),
        EdgeFilter::types(&[EdgeType::HostedBy, EdgeType::ParticipatesIn]),
        EdgeFilter { as_of: Some("2015".parse().expect("date")), ..EdgeFilter::default() },
    ];
    let mut numbers = Numbers(0x3c6e_f372_fe94_f82b);
    for round in 0..90 {
        let frontier: Vec<NodeId> =
            (0..1 + numbers.below(4)).map(|_| node_id(numbers.below(if round % 2 == 0 { 5 } else { NODES }))).collect();
        let filter = &filters[round % filters.len()];
        let limit = [3, 25, usize::MAX][round % 3];
        let expected = tables.expand_page(&frontier, filter, None, limit).await.expect("tables");
        assert_eq!(topology.expand_page(&frontier, filter, None, limit).await.expect("topology"), expected, "{frontier:?} {filter:?}");
        if let Some(middle) = expected.get(expected.len() / 2) {
            let after = Some(&middle.id);
            let expected = tables.expand_page(&frontier, filter, after, limit).await.expect("tables, after");
            assert_eq!(topology.expand_page(&frontier, filter, after, limit).await.expect("topology, after"), expected);
        }
    }
}

#[tokio::test]
async fn a_ranked_state_stays_as_it_was_read() {
    let (_dir, store) = partnergraph_tests::empty_store();
    loaded(&store).await;
    let before = store.ranked().await.expect("ranked").expect("ranks");
    let gone = node_id(7);
    store.apply(Batch { delete_nodes: vec![gone.clone()], ..Batch::default() }).await.expect("delete");
    assert!(before.node_rank(&gone).is_some(), "the state held still has the node");
    let after = store.ranked().await.expect("ranked").expect("ranks of the new state");
    assert_eq!(after.node_rank(&gone), None);
}

#[tokio::test]
async fn stores_without_a_topology_in_memory_offer_no_ranks() {
    let (_dir, tables) = partnergraph_tests::empty_store_without_index();
    loaded(&tables).await;
    assert!(tables.ranked().await.expect("ranked").is_none());
    let (_db, bolt) = partnergraph_tests::bolt_store().await;
    assert!(bolt.ranked().await.expect("ranked").is_none());
}

/// `batch` in a store with its topology in memory (read by rank) and in a store without (read by id).
async fn read_both_ways(batch: Batch) -> ([tempfile::TempDir; 2], Graph, Graph) {
    let (ranked_dir, with_ranks) = partnergraph_tests::empty_store();
    let (tables_dir, by_id) = partnergraph_tests::empty_store_without_index();
    with_ranks.apply(batch.clone()).await.expect("load the store with its topology");
    by_id.apply(batch).await.expect("load the store without");
    assert!(with_ranks.ranked().await.expect("ranked").is_some());
    assert!(by_id.ranked().await.expect("ranked").is_none());
    ([ranked_dir, tables_dir], Graph::new(with_ranks), Graph::new(by_id))
}

/// The path search over a store with its topology (read by rank) and over the same graph in a store
/// without (read by id through `expand_page`): the same paths, nodes and edges, in the same order.
#[tokio::test]
async fn paths_are_the_same_read_by_rank_or_by_id() {
    let (_dirs, with_ranks, by_id) = read_both_ways(random_graph()).await;
    let mut numbers = Numbers(0x6a09_e667_f3bc_c909);
    let mut found = 0;
    for round in 0..80 {
        let (from, to) = (node_id(numbers.below(NODES)), node_id(numbers.below(NODES)));
        let query = PathQuery {
            max_hops: 1 + (round % 6) as i64,
            first: [1, 3, 20][round % 3],
            as_of: (round % 4 == 0).then(|| "2010".parse().expect("date")),
        };
        let expected = by_id.paths(&from, &to, &query).await.expect("paths by id");
        let actual = with_ranks.paths(&from, &to, &query).await.expect("paths by rank");
        assert_eq!(actual, expected, "{from} → {to} {query:?}");
        found += expected.len();
    }
    assert!(found > 100, "the pairs were joined by paths ({found})");
}

/// A graph whose names share words and prefixes (with accents, acronyms and aliases), across kinds.
fn named_graph() -> Batch {
    let mut numbers = Numbers(0x3c6e_f372_fe94_f82b);
    let words = ["Bank", "of", "Ministry", "Fund", "Local", "Agency", "Kasai", "Institute", "Côte", "Société", "Banque", "Min"];
    let sources = vec![Source { document: "named".into(), paragraph: None, quote: None }];
    let nodes = (0..NODES)
        .map(|n| {
            let mut name: Vec<&str> = (0..1 + numbers.below(3)).map(|_| words[numbers.below(words.len() as u64) as usize]).collect();
            if n % 17 == 0 {
                name.truncate(1);
            }
            let mut node = NodeRecord::new(node_id(n), name.join(" "), sources.clone());
            if numbers.below(4) == 0 {
                node.acronym = Some(name.iter().map(|word| &word[..1]).collect::<String>().to_uppercase());
            }
            if numbers.below(5) == 0 {
                node.aliases = vec![format!("{} {}", words[numbers.below(words.len() as u64) as usize], n % 7)];
            }
            node
        })
        .collect();
    Batch { nodes, ..Batch::default() }
}

/// The term index held in memory finds, by rank, the nodes the store's `terms` table finds by id, in the
/// same order and up to the same limit, for whole terms and prefixes.
#[tokio::test]
async fn terms_by_rank_are_the_terms_by_id() {
    let (_dir, store) = partnergraph_tests::empty_store();
    store.apply(named_graph()).await.expect("load the named graph");
    let ranked = store.ranked().await.expect("ranked").expect("ranks");
    let mut compared = 0;
    for term in ["=bank", "=bank of", "wba", "wb", "wmin", "wministry", "wcote", "wsociete", "=", "w", "#", "wzzz", "=bm"] {
        for (prefix, limit) in [(true, 1), (true, 7), (true, 2000), (false, 2000), (false, 3)] {
            let by_id = store.find_by_term(term, prefix, limit).await.expect("terms by id");
            let by_rank: Vec<NodeId> = ranked
                .find_ranks_by_term(term, prefix, limit)
                .into_iter()
                .map(|rank| ranked.node_id(rank).expect("id of a rank"))
                .collect();
            assert_eq!(by_rank, by_id, "{term:?} prefix {prefix} limit {limit}");
            compared += by_id.len();
        }
    }
    assert!(compared > 500, "the terms matched nodes ({compared})");
}

/// Search over a store with its topology (terms and names by rank) and over the same graph without
/// (by id through `find_by_term` and `node_names`): the same records in the same order.
#[tokio::test]
async fn search_is_the_same_by_rank_or_by_id() {
    let (_dirs, with_ranks, by_id) = read_both_ways(named_graph()).await;
    let mut found = 0;
    for text in ["bank of", "Ministry", "fund lo", "agency ka", "ba", "Côte", "societe banque", "b", "BM", "min 3", "of", "x"] {
        for (kinds, first) in [(vec![], 10), (vec![NodeKind::Agency], 3), (vec![NodeKind::Agreement, NodeKind::City], 100), (vec![], 1)] {
            let expected = by_id.search(text, &kinds, first).await.expect("search by id");
            let actual = with_ranks.search(text, &kinds, first).await.expect("search by rank");
            assert_eq!(actual, expected, "{text:?} {kinds:?} first {first}");
            found += expected.len();
        }
    }
    assert!(found > 200, "the searches found nodes ({found})");
}

/// Every candidate of the two term lookups ranked by folding its names and sorted: what search by rank
/// answered before it skipped the folding its lookups prove unneeded.
fn every_candidate_ranked(ranked: &dyn RankedTopology, query: &str, kinds: &[NodeKind], first: usize, limit: usize) -> Vec<u32> {
    let most_selective = query.split(' ').max_by_key(|word| word.len()).unwrap_or(query);
    let mut candidates = ranked.find_ranks_by_term(&format!("{EXACT}{query}"), true, limit);
    candidates.extend(ranked.find_ranks_by_term(&format!("{WORD}{most_selective}"), true, limit));
    candidates.retain(|rank| kinds.is_empty() || kinds.contains(&ranked.node_id(*rank).expect("id").kind()));
    candidates.sort_unstable();
    candidates.dedup();
    let mut ranker = Ranker::new(query);
    let mut keys: Vec<(u8, usize, u32)> = candidates
        .into_iter()
        .filter_map(|rank| {
            let names = ranked.name_refs(rank).expect("names");
            Some((ranker.rank(names.name, names.acronym, names.aliases.iter().copied())?, names.name.len(), rank))
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter().take(first).map(|(_, _, rank)| rank).collect()
}

/// Search by rank folds only the names whose score its lookups do not prove, and keeps the best in a
/// bounded heap, yet answers what ranking every candidate answers: whatever limit cuts the lookups (inside
/// the query's own exact term, among longer names starting with it, or not at all), for any kinds and
/// `first`.
#[tokio::test]
async fn search_by_rank_skips_folding_without_changing_the_answer() {
    let (_dir, store) = partnergraph_tests::empty_store();
    store.apply(named_graph()).await.expect("load the named graph");
    let ranked = store.ranked().await.expect("ranked").expect("ranks");
    let (mut found, mut cut_in_exact, mut cut_after_exact) = (0, 0, 0);
    for text in ["bank of", "ministry", "fund lo", "agency ka", "ba", "cote", "societe banque", "b", "bm", "min 3", "of", "bank", "kasai 2"]
    {
        let having_query = ranked.term_count(&format!("{EXACT}{text}"));
        for limit in [1, 2, 3, 5, 8, 13, 21, 40, 100, 2000] {
            let prefixed = ranked.find_ranks_by_term(&format!("{EXACT}{text}"), true, limit).len();
            cut_in_exact += usize::from(having_query > limit);
            cut_after_exact += usize::from(having_query > 0 && having_query < limit && prefixed == limit);
            for (kinds, first) in
                [(vec![], 10), (vec![], 1), (vec![], 3), (vec![NodeKind::Agency], 3), (vec![NodeKind::Agreement, NodeKind::City], 100)]
            {
                let expected = every_candidate_ranked(ranked.as_ref(), text, &kinds, first, limit);
                let actual = best_ranks(ranked.as_ref(), text, &kinds, first, limit).expect("best ranks");
                assert_eq!(actual, expected, "{text:?} limit {limit} {kinds:?} first {first}");
                found += expected.len();
            }
        }
    }
    assert!(found > 1000, "the searches found nodes ({found})");
    assert!(cut_in_exact > 0 && cut_after_exact > 0, "limits cut inside ({cut_in_exact}) and after ({cut_after_exact}) the exact term");
}
