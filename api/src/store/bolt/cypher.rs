//! The Cypher the Bolt store sends. Labels and relationship types are spliced in only from the closed
//! enums of the schema crate; everything else is a parameter.

use partnergraph_schema::{EdgeType, NodeKind};

use crate::store::Direction;

/// The unique constraint that makes `MERGE` on node ids safe under concurrency and fast.
pub const NODE_ID_CONSTRAINT: &str = "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE";

/// The record of the database's layout (`layout.rs`): `(:Layout {name: 'partnergraph', version})`.
pub const LAYOUT_CONSTRAINT: &str = "CREATE CONSTRAINT layout_name IF NOT EXISTS FOR (l:Layout) REQUIRE l.name IS UNIQUE";
/// The layout's version, as `v` (no row: none recorded).
pub const LAYOUT_VERSION: &str = "MATCH (l:Layout {name: 'partnergraph'}) RETURN l.version AS v";
/// Records the layout version `$version`, dropping an upgrade's progress (`upgrade3.rs`).
pub const SET_LAYOUT_VERSION: &str = "MERGE (l:Layout {name: 'partnergraph'}) SET l.version = $version REMOVE l.upgrade, l.after";
/// Records the layout version `$version` unless one is recorded (an upgrade's progress stays).
pub const FIRST_LAYOUT_VERSION: &str = "MERGE (l:Layout {name: 'partnergraph'}) ON CREATE SET l.version = $version";
/// The id of some node, as `id` (no row: the graph is empty).
pub const ANY_NODE: &str = "MATCH (n:Node) RETURN n.id AS id LIMIT 1";
/// Layout 1 → 2: `$after`, `$limit` → `(id, json)` of nodes still holding the `terms` list of layout 1,
/// after `$after` (answered from the index on `Node.id`, in its order, so the caller's cursor moves on).
pub const LAYOUT_1_NODES: &str =
    "MATCH (n:Node) WHERE n.id > $after AND n.terms IS NOT NULL RETURN n.id AS id, n.json AS json LIMIT $limit";
/// Layout 1 → 2: `$after`, `$limit` → `(id, json)` of the relationships of one type without the typed
/// properties of layout 2 (`type` is always set), after `$after`, from the index on `r.id`.
pub fn layout_1_edges(edge_type: EdgeType) -> String {
    format!("MATCH ()-[r:{}]->() WHERE r.id > $after AND r.type IS NULL RETURN r.id AS id, r.json AS json LIMIT $limit", edge_type.as_str())
}
/// Layout 1 → 2: sets the typed properties of the relationships `$ids` of one type from `$rows`, a map
/// from id to the properties of [`create_edges`].
pub fn type_layout_1_edges(edge_type: EdgeType) -> String {
    format!(
        "MATCH ()-[r:{}]->() WHERE r.id IN $ids WITH r, $rows[r.id] AS row \
         SET r.type = row.type, r.fromDay = row.fromDay, r.toDay = row.toDay, r.role = row.role, r.iatiRole = row.iatiRole",
        edge_type.as_str()
    )
}
/// Layout 1 → 2: drops the `terms` list of the nodes `$ids` (their terms are `Term` nodes now).
pub const DROP_LAYOUT_1_TERMS: &str = "UNWIND $ids AS wanted MATCH (n:Node {id: wanted}) REMOVE n.terms";

/// The index on the ids of one relationship type.
pub fn edge_id_index(edge_type: EdgeType) -> String {
    let name = edge_type.as_str().to_lowercase();
    let label = edge_type.as_str();
    format!("CREATE INDEX edge_id_{name} IF NOT EXISTS FOR ()-[r:{label}]-() ON (r.id)")
}

/// The node label of a kind (`Agency`, …), besides the common `Node`.
pub fn kind_label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Agency => "Agency",
        NodeKind::Country => "Country",
        NodeKind::City => "City",
        NodeKind::Network => "Network",
        NodeKind::Agreement => "Agreement",
        NodeKind::Event => "Event",
        NodeKind::Need => "Need",
        NodeKind::Offer => "Offer",
    }
}

/// `$ids` → `(id, json)` of the nodes that exist.
pub const NODES_BY_ID: &str = "UNWIND $ids AS wanted MATCH (n:Node {id: wanted}) RETURN n.id AS id, n.json AS json";

/// `$ids`, `$types`, `$after`, `$asOfFirst`, `$asOfLast`, `$limit` → `(id, json)` of the edges touching
/// those nodes in `direction` (seen from them), of those types (all when empty), valid at some time between
/// the two days (`yyyymmdd` numbers; null: any time), with id > `$after`, in id order: the whole
/// `EdgeFilter` in one statement, on the typed `fromDay`/`toDay` of layout 2. ArcadeDB keeps a node's
/// relationships unordered, so the frontier's matching edges are sorted before the `LIMIT`.
pub fn expand(direction: Direction) -> String {
    let pattern = match direction {
        Direction::Both => "-[r]-",
        Direction::Out => "-[r]->",
        Direction::In => "<-[r]-",
    };
    format!(
        "UNWIND $ids AS wanted MATCH (n:Node {{id: wanted}}){pattern}() \
         WHERE (size($types) = 0 OR type(r) IN $types) AND ($after IS NULL OR r.id > $after) \
         AND ($asOfLast IS NULL OR r.fromDay IS NULL OR r.fromDay <= $asOfLast) \
         AND ($asOfFirst IS NULL OR r.toDay IS NULL OR r.toDay >= $asOfFirst) \
         WITH DISTINCT r RETURN r.id AS id, r.json AS json ORDER BY r.id LIMIT $limit"
    )
}

/// `$ids` → `(id, d)`: the number of relationships touching each node that exists.
pub const DEGREES: &str = "UNWIND $ids AS wanted MATCH (n:Node {id: wanted}) RETURN n.id AS id, COUNT { (n)--() } AS d";

/// The search index: one `(:Term {key, id, name, acronym, aliases})` per index term of a node, `key`
/// being the term, a NUL and the node's id (terms and ids hold no control characters), so key order is
/// (term, id) order; `id` finds a node's terms when it changes or goes; the names are what search ranks
/// by (layout 3), so the scan that finds the candidates also gives their names.
pub const TERM_SCHEMA: [&str; 2] =
    ["CREATE INDEX term_key IF NOT EXISTS FOR (t:Term) ON (t.key)", "CREATE INDEX term_node IF NOT EXISTS FOR (t:Term) ON (t.id)"];

/// `$prefix`, `$limit` → `(key, id, name, acronym, aliases)` of the first terms whose key starts with `$prefix`. ArcadeDB answers
/// it with a range scan of `term_key` in key order and stops at the limit (`PROFILE`: `NodeIndexRangeScan
/// … [served in physical order]`); with `ORDER BY` it sorts every match first (44,000 matches: 690 ms
/// against 28 ms), so the order is the index's, checked by the caller, which falls back to
/// [`FIND_TERMS_SORTED`] if a server answers otherwise.
pub const FIND_TERMS: &str = "MATCH (t:Term) WHERE t.key STARTS WITH $prefix RETURN t.key AS key, t.id AS id, \
     t.name AS name, t.acronym AS acronym, coalesce(t.aliases, []) AS aliases LIMIT $limit";
/// [`FIND_TERMS`] after the key `$after`.
pub const FIND_TERMS_AFTER: &str = "MATCH (t:Term) WHERE t.key STARTS WITH $prefix AND t.key > $after RETURN t.key AS key, t.id AS id, \
     t.name AS name, t.acronym AS acronym, coalesce(t.aliases, []) AS aliases LIMIT $limit";
/// [`FIND_TERMS_AFTER`] sorted by the server (`$after` may be null): the portable fallback.
pub const FIND_TERMS_SORTED: &str = "MATCH (t:Term) WHERE t.key STARTS WITH $prefix AND ($after IS NULL OR t.key > $after) \
     RETURN t.key AS key, t.id AS id, t.name AS name, t.acronym AS acronym, coalesce(t.aliases, []) AS aliases \
     ORDER BY t.key LIMIT $limit";
/// Creates `$rows` (`key`, `id`, `name`, `acronym`, `aliases`) as index terms (nulls are not stored).
pub const CREATE_TERMS: &str =
    "UNWIND $rows AS row CREATE (:Term {key: row.key, id: row.id, name: row.name, acronym: row.acronym, aliases: row.aliases})";
/// Deletes the index terms of the nodes `$ids`.
pub const DELETE_TERMS: &str = "UNWIND $ids AS wanted MATCH (t:Term {id: wanted}) DELETE t";

/// `$after`, `$limit` → `(id, json)` of nodes (of one kind) in id order.
pub fn scan_nodes(kind: Option<NodeKind>) -> String {
    let label = kind.map_or("Node", kind_label);
    format!("MATCH (n:{label}) WHERE $after IS NULL OR n.id > $after RETURN n.id AS id, n.json AS json ORDER BY n.id LIMIT $limit")
}

/// `$after`, `$limit` → `(id, json)` of the edges of one type in id order.
pub fn scan_edges(edge_type: EdgeType) -> String {
    format!(
        "MATCH ()-[r:{}]->() WHERE $after IS NULL OR r.id > $after RETURN r.id AS id, r.json AS json ORDER BY r.id LIMIT $limit",
        edge_type.as_str()
    )
}

/// Number of nodes, as `c`.
pub const COUNT_NODES: &str = "MATCH (n:Node) RETURN count(n) AS c";
/// Number of edges, as `c`.
pub const COUNT_EDGES: &str = "MATCH ()-[r]->() RETURN count(r) AS c";

/// `$ids` → `(node, id, type, json, v)` of the relationships touching those nodes (an edge once per end in
/// `$ids`).
pub const INCIDENT_EDGES: &str = "UNWIND $ids AS wanted MATCH (n:Node {id: wanted})-[r]-() \
     RETURN n.id AS node, r.id AS id, type(r) AS type, r.json AS json, coalesce(r.version, 1) AS v";
/// `$ids` → ids of the nodes that exist.
pub const EXISTING_NODE_IDS: &str = "UNWIND $ids AS wanted MATCH (n:Node {id: wanted}) RETURN n.id AS id";
/// Deletes the nodes `$ids` with their relationships.
pub const DETACH_DELETE_NODES: &str = "UNWIND $ids AS wanted MATCH (n:Node {id: wanted}) DETACH DELETE n";

/// Deletes the edges `$ids` of one type. `WHERE r.id IN $ids` is the shape ArcadeDB answers from the
/// index on `r.id`; `UNWIND $ids ... MATCH ()-[r:T {id: wanted}]->()` walks every node once per id.
pub fn delete_edges(edge_type: EdgeType) -> String {
    format!("MATCH ()-[r:{}]->() WHERE r.id IN $ids DELETE r", edge_type.as_str())
}

/// `$ids` → `(id, kind, json, v)` of the nodes that exist, with their versions (absent: 1), for the write
/// path (the index on `Node.id` is used inside `UNWIND` for a node pattern).
pub const STORED_NODES: &str =
    "UNWIND $ids AS wanted MATCH (n:Node {id: wanted}) RETURN n.id AS id, n.kind AS kind, n.json AS json, coalesce(n.version, 1) AS v";

/// `$ids` → `(type, id, json, v)` of the stored edges of `types`, with their versions (absent: 1): one
/// branch per type in a `UNION ALL`, each through the index on `r.id` of its type (see [`delete_edges`] for
/// why not `UNWIND`), so a lookup is one round trip whatever the number of types. The `IN` filter is
/// linear in `$ids`, so keep the list short.
pub fn stored_edges(types: &[EdgeType]) -> String {
    types
        .iter()
        .map(|edge_type| {
            let name = edge_type.as_str();
            format!("MATCH ()-[r:{name}]->() WHERE r.id IN $ids RETURN '{name}' AS type, r.id AS id, r.json AS json, coalesce(r.version, 1) AS v")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Number of relationships of one type, as `c` (ArcadeDB answers from its totals, without a scan).
pub fn count_edges_of(edge_type: EdgeType) -> String {
    format!("MATCH ()-[r:{}]->() RETURN count(r) AS c", edge_type.as_str())
}

/// Creates `$rows` (`id`, `kind`, `name`, `json`, `version`) as nodes of one kind, none of which
/// exists (a null `version`, meaning 1, is not stored).
/// (`MERGE (n:Node:<Kind> {id})` does not use the index on `Node.id` in ArcadeDB: 5,000 rows took 16 s.)
pub fn create_nodes(kind: NodeKind) -> String {
    format!(
        "UNWIND $rows AS row CREATE (n:Node:{} {{id: row.id, kind: row.kind, name: row.name, json: row.json, version: row.version}})",
        kind_label(kind)
    )
}

/// Replaces the properties of the existing nodes `$rows` (`id`, `kind`, `name`, `json`, `version`); the labels stay, as a node's kind follows from its id.
pub const UPDATE_NODES: &str = "UNWIND $rows AS row MATCH (n:Node {id: row.id}) \
     SET n.kind = row.kind, n.name = row.name, n.json = row.json, n.version = row.version";

/// Creates `$rows` (`id`, `source`, `target`, `json`, `version` and the typed `type`, `fromDay`, `toDay`,
/// `role`, `iatiRole`) as relationships of one type (nulls, and a `version` of 1, are not stored); returns
/// how many, as `c`.
pub fn create_edges(edge_type: EdgeType) -> String {
    format!(
        "UNWIND $rows AS row MATCH (a:Node {{id: row.source}}) MATCH (b:Node {{id: row.target}}) \
         CREATE (a)-[r:{} {{id: row.id, json: row.json, version: row.version, type: row.type, fromDay: row.fromDay, toDay: row.toDay, \
         role: row.role, iatiRole: row.iatiRole}}]->(b) RETURN count(r) AS c",
        edge_type.as_str()
    )
}

// Curation (`curation.rs`). None of these labels is `Node`, so no graph read ever meets them.

/// The constraints and index of the curation records: tombstones by key, changes by number and by
/// subject, tokens by name, counters by name.
pub const CURATION_SCHEMA: [&str; 5] = [
    "CREATE CONSTRAINT tombstone_key IF NOT EXISTS FOR (t:Tombstone) REQUIRE t.key IS UNIQUE",
    "CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE",
    "CREATE INDEX change_subject IF NOT EXISTS FOR (c:Change) ON (c.subject)",
    "CREATE CONSTRAINT token_name IF NOT EXISTS FOR (t:Token) REQUIRE t.name IS UNIQUE",
    "CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE",
];

/// Number of tombstones, as `c` (none: the lookups of [`TOMBSTONES`] are skipped, as on a first import).
pub const COUNT_TOMBSTONES: &str = "MATCH (t:Tombstone) RETURN count(t) AS c";
/// `$keys` → `(key, v)`: the versions deleted records left for their next writer.
pub const TOMBSTONES: &str = "UNWIND $keys AS wanted MATCH (t:Tombstone {key: wanted}) RETURN t.key AS key, t.version AS v";
/// Remembers `$rows` (`key`, `version`): the version each deleted record takes if written again. (`MERGE`
/// on a single label with a unique constraint is answered from the index.)
pub const BURY: &str = "UNWIND $rows AS row MERGE (t:Tombstone {key: row.key}) SET t.version = row.version";

/// Adds `$n` to the number of changes and returns the new last number, as `last`. ArcadeDB lets two
/// transactions read the same value here; the unique constraint on `Change.seq` fails the later commit.
pub const COUNT_CHANGES: &str =
    "MERGE (c:Counter {name: 'changes'}) ON CREATE SET c.value = 0 SET c.value = c.value + $n RETURN c.value AS last";
/// The number of the latest change, as `last` (no row: none yet).
pub const LAST_CHANGE: &str = "MATCH (c:Counter {name: 'changes'}) RETURN c.value AS last";
/// Stores `$rows` (`seq`, `subject`, `json`) as changes (a null `subject`, an import's, is not stored).
pub const CREATE_CHANGES: &str = "UNWIND $rows AS row CREATE (:Change {seq: row.seq, subject: row.subject, json: row.json})";
/// `$seqs` → `(seq, json)` of those changes. Numbers run without gaps, so a page is a list of numbers
/// looked up in the index (`WHERE c.seq > $after ORDER BY c.seq` sorts every later change first).
pub const CHANGES_BY_SEQ: &str = "UNWIND $seqs AS wanted MATCH (c:Change {seq: wanted}) RETURN c.seq AS seq, c.json AS json";
/// `$subject`, `$after`, `$limit` → `(seq, json)` of one record's changes numbered after `$after`, in order.
pub const HISTORY: &str =
    "MATCH (c:Change {subject: $subject}) WHERE c.seq > $after RETURN c.seq AS seq, c.json AS json ORDER BY c.seq LIMIT $limit";

/// `(name, json)` of every token.
pub const TOKENS: &str = "MATCH (t:Token) RETURN t.name AS name, t.json AS json";
/// `$name` → the token's name, if one has it.
pub const TOKEN_NAMED: &str = "MATCH (t:Token {name: $name}) RETURN t.name AS name";
/// Stores a new token `$name` with `$json`.
pub const CREATE_TOKEN: &str = "CREATE (:Token {name: $name, json: $json})";
/// Replaces the record of the token `$name` with `$json`.
pub const UPDATE_TOKEN: &str = "MATCH (t:Token {name: $name}) SET t.json = $json";
