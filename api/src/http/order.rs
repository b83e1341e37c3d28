//! Puts the fields of a response in the order the query asked for them.
//!
//! async-graphql 7.2 resolves the fields of the root `Query`, and of every object not marked `serial`
//! (its own `Connection`, `Edge` and `PageInfo` types among them), through a `FuturesUnordered` and
//! inserts each as it completes, so the keys of those objects come out in completion order: a field that
//! waits (the degree loader's task, a Bolt read) lands after one that does not. The root cannot be made
//! serial in 7.2 (the executor wraps it in its own type), and 8.0, which restores query order, is only a
//! release candidate. The GraphQL spec asks for the query's order; clients, caches and our cross-backend
//! comparison want the same bytes for the same answer. So this stays, for answers of the general
//! executor only (compiled plans write in query order themselves): it walks the response alongside the
//! selection sets of the operation (fragments included) and reorders an object's keys only when they are
//! out of order. `http/queries/tests.rs` shows the executor's own answer out of order and the runner's
//! in order; it fails once the executor keeps the query's order, and this can go.

use std::collections::HashMap;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Value};

/// Fragments nested deeper than this are not followed (validation already rejects cycles).
pub(super) const MAX_FRAGMENT_DEPTH: usize = 32;

/// Reorders `data` to follow the selected operation of `document`.
pub fn order_response(document: &ExecutableDocument, operation_name: Option<&str>, data: &mut Value) {
    if let Some(operation) = operation(document, operation_name) {
        order(document, data, &[&operation.node.selection_set.node]);
    }
}

/// The operation of `document` that `operation_name` selects, as execution chose it.
pub(super) fn operation<'a>(document: &'a ExecutableDocument, operation_name: Option<&str>) -> Option<&'a Positioned<OperationDefinition>> {
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.iter().find(|(op_name, _)| op_name.as_str() == name).map(|(_, op)| op)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The response keys of some selection sets, in order, with the sub-selections of each: computed once
/// per list, not once per item.
pub(super) struct Plan<'a> {
    pub(super) keys: Vec<Name>,
    pub(super) children: HashMap<Name, Vec<&'a SelectionSet>>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(document: &'a ExecutableDocument, sets: &[&'a SelectionSet]) -> Plan<'a> {
        let mut plan = Plan { keys: Vec::new(), children: HashMap::new() };
        for set in sets {
            collect(document, set, &mut plan.keys, &mut plan.children, 0);
        }
        plan
    }
}

fn order(document: &ExecutableDocument, value: &mut Value, sets: &[&SelectionSet]) {
    if matches!(value, Value::List(_) | Value::Object(_)) {
        apply(document, value, &Plan::new(document, sets));
    }
}

fn apply(document: &ExecutableDocument, value: &mut Value, plan: &Plan) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|item| apply(document, item, plan)),
        Value::Object(map) => {
            // Usually already in order (fields without I/O complete in order): then only recurse.
            let in_order = is_subsequence(map.keys(), &plan.keys);
            if !in_order {
                let mut unordered = std::mem::take(map);
                for key in &plan.keys {
                    if let Some(child) = unordered.shift_remove(key) {
                        map.insert(key.clone(), child);
                    }
                }
                map.extend(unordered);
            }
            for (key, child) in map.iter_mut() {
                if matches!(child, Value::List(_) | Value::Object(_)) {
                    order(document, child, plan.children.get(key).map_or(&[], Vec::as_slice));
                }
            }
        }
        _ => {}
    }
}

/// Whether `keys` appear in `order`, in the same order (each key at most once in both): then an object
/// with these keys is in query order. Compares names without hashing them.
fn is_subsequence<'a>(mut keys: impl Iterator<Item = &'a Name>, order: &[Name]) -> bool {
    let mut rest = order.iter();
    keys.all(|key| rest.any(|candidate| candidate == key))
}

/// The response keys a selection set produces, in order, with the sub-selections of each.
fn collect<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut Vec<Name>,
    children: &mut HashMap<Name, Vec<&'a SelectionSet>>,
    depth: usize,
) {
    if depth > MAX_FRAGMENT_DEPTH {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                if !keys.contains(&key) {
                    keys.push(key.clone());
                }
                children.entry(key).or_default().push(&field.node.selection_set.node);
            }
            Selection::InlineFragment(fragment) => collect(document, &fragment.node.selection_set.node, keys, children, depth + 1),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(document, &fragment.node.selection_set.node, keys, children, depth + 1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, data: serde_json::Value) -> String {
        let document = async_graphql::parser::parse_query(query).expect("query parses");
        let mut value = Value::from_json(data).expect("value");
        order_response(&document, None, &mut value);
        serde_json::to_string(&value).expect("json")
    }

    #[test]
    fn keys_follow_the_query_through_aliases_lists_and_fragments() {
        let query = "{ b: node { z ... on T { y ...F } x } a }  fragment F on T { w { q p } }";
        let shuffled = serde_json::json!({ "a": 1, "b": [{ "x": 1, "w": { "p": 1, "q": 2 }, "y": 2, "z": 3 }] });
        assert_eq!(check(query, shuffled), r#"{"b":[{"z":3,"y":2,"w":{"q":2,"p":1},"x":1}],"a":1}"#);
    }

    #[test]
    fn an_object_is_in_order_when_its_keys_follow_the_query_with_gaps() {
        let names = |keys: &[&str]| keys.iter().map(|key| Name::new(*key)).collect::<Vec<_>>();
        let order = names(&["a", "b", "c", "d"]);
        assert!(is_subsequence(names(&["a", "c", "d"]).iter(), &order));
        assert!(is_subsequence(names(&[]).iter(), &order));
        assert!(!is_subsequence(names(&["c", "a"]).iter(), &order), "out of order");
        assert!(!is_subsequence(names(&["a", "x"]).iter(), &order), "a key the query does not name");
        assert!(!is_subsequence(names(&["a", "a"]).iter(), &order), "a key twice");
    }

    #[test]
    fn every_item_of_a_list_is_ordered_whether_or_not_its_neighbours_were() {
        let query = "{ l { a b c } }";
        let items = serde_json::json!({ "l": [{ "a": 1, "b": 2, "c": 3 }, { "c": 3, "a": 1 }, { "b": 2, "a": 1, "c": 3 }] });
        assert_eq!(check(query, items), r#"{"l":[{"a":1,"b":2,"c":3},{"a":1,"c":3},{"a":1,"b":2,"c":3}]}"#);
    }
}
