//! Strategies shared by the property tests of outside input (issue 16 item 10): arbitrary JSON
//! values, and random damage to a valid document (bytes removed, inserted, overwritten), so that
//! each parser is tried on input far from and close to what it expects. Test-only.

use proptest::prelude::*;
use serde_json::Value;

/// Up to eight edits: (where, what kind, which byte).
pub fn edits() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
    proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..8)
}

/// `valid` with `edits` applied: 0 removes a byte, 1 inserts one, 2 overwrites one.
pub fn damage(valid: &[u8], edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
    let mut bytes = valid.to_vec();
    for (at, kind, byte) in edits {
        let i = at.index(bytes.len().max(1));
        match kind {
            0 if !bytes.is_empty() => {
                bytes.remove(i.min(bytes.len() - 1));
            }
            1 => bytes.insert(i.min(bytes.len()), *byte),
            _ if !bytes.is_empty() => {
                let n = bytes.len();
                bytes[i.min(n - 1)] = *byte;
            }
            _ => {}
        }
    }
    bytes
}

/// Any JSON value, a few levels deep, with the numbers that break arithmetic (extremes,
/// negatives, fractions) more likely than chance would make them.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(i64::MAX),
            Just(i64::MIN),
            Just(0i64),
            Just(-1i64),
            any::<i64>()
        ]
        .prop_map(Value::from),
        prop_oneof![Just(u64::MAX), any::<u64>()].prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z0-9_:/.-]{0,12}".prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{0,12}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// `valid` (an object) with some of its fields replaced by arbitrary values or removed, and
/// some arbitrary fields added: input that is almost what the parser wants.
pub fn near(valid: Value) -> impl Strategy<Value = Value> {
    let keys: Vec<String> = valid
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let n = keys.len().max(1);
    (
        proptest::collection::vec((0..n, proptest::option::of(json_value())), 0..4),
        proptest::collection::btree_map("[a-z_]{1,12}", json_value(), 0..2),
    )
        .prop_map(move |(changes, extra)| {
            let mut v = valid.clone();
            if let Some(map) = v.as_object_mut() {
                for (i, new) in changes {
                    let Some(key) = keys.get(i) else { continue };
                    match new {
                        Some(value) => map.insert(key.clone(), value),
                        None => map.remove(key),
                    };
                }
                for (k, value) in extra {
                    map.insert(k, value);
                }
            }
            v
        })
}
