//! The parser under arbitrary input: any bytes, and valid files with random damage, must give a
//! report (never a panic), whose counts add up and whose every invalid row says why.

use proptest::prelude::*;

use super::*;

const VALID: &str = "\u{feff}Title,Media URL,Pinterest board,Description,Link,Publish date,Keywords\n\
\"Soup, hot\",https://example.com/a.jpg,Recipes,\"two\nlines\",https://example.com/soup,2027-01-01T09:00:00,x\n\
Salad,https://example.com/b.jpg,recipes,,,2027-01-02 10:30,\n";

fn store() -> (Store, AccountId) {
    let now = "2026-11-23T12:00:00Z".parse().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let a = store
        .insert_account("A", &crate::pinterest::Environment::Sandbox, now)
        .unwrap();
    let board = crate::pinterest::types::Board {
        id: "111".into(),
        name: "Recipes".into(),
        description: None,
        privacy: None,
    };
    store.replace_boards(a, &[(board, vec![])], now).unwrap();
    (store, a)
}

fn check(bytes: Vec<u8>, format: ImportFormat) {
    let (mut store, a) = store();
    let options = ImportOptions {
        default_account_id: Some(a),
        default_time_zone: None,
        ..Default::default()
    };
    let now = "2026-11-23T12:00:00Z".parse().unwrap();
    let report = preview(
        &mut store,
        &ImportSource::bytes(bytes, format),
        &options,
        now,
        &mut |_| {},
    )
    .expect("bytes in memory always give a report");
    let c = &report.counts;
    assert_eq!(c.rows, c.valid + c.invalid + c.already_imported);
    for row in &report.rows {
        match row.status {
            RowStatus::Invalid => assert!(row.issues.iter().any(RowIssue::is_error), "{row:?}"),
            _ => assert!(!row.issues.iter().any(RowIssue::is_error), "{row:?}"),
        }
    }
    assert_ne!(report.format, ImportFormat::Auto);
}

#[test]
fn the_valid_sample_is_valid() {
    let (mut store, a) = store();
    let options = ImportOptions {
        default_account_id: Some(a),
        default_time_zone: None,
        ..Default::default()
    };
    let now = "2026-11-23T12:00:00Z".parse().unwrap();
    let report = preview(
        &mut store,
        &ImportSource::bytes(VALID, ImportFormat::Auto),
        &options,
        now,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.counts.valid, 2, "{report:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_give_a_report(bytes in proptest::collection::vec(any::<u8>(), 0..400),
                               format in prop_oneof![Just(ImportFormat::Auto), Just(ImportFormat::PinterestCsv),
                                                     Just(ImportFormat::PinpaceCsv), Just(ImportFormat::Json)]) {
        check(bytes, format);
    }

    #[test]
    fn damaged_valid_files_give_a_report(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..8)
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, kind, byte) in edits {
            let i = at.index(bytes.len().max(1));
            match kind {
                0 if !bytes.is_empty() => { bytes.remove(i.min(bytes.len() - 1)); }
                1 => bytes.insert(i.min(bytes.len()), byte),
                _ if !bytes.is_empty() => { let n = bytes.len(); bytes[i.min(n - 1)] = byte; }
                _ => {}
            }
        }
        check(bytes, ImportFormat::Auto);
    }

    #[test]
    fn json_shaped_input_gives_a_report(text in r#"\[(\{("title"|"board"|"media"|"x"): ?("[a-z:/.]{0,12}"|[0-9]{1,3}|null|\[\]|\{\}),? ?\}?,?){0,4}\]?"#) {
        check(text.into_bytes(), ImportFormat::Auto);
    }
}
