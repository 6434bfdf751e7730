//! Unit tests of the parts: header names, dates, the bounded report. The whole pipeline is
//! tested through the public API in tests/engine/import.rs.

use super::fields::{column, normalize_header, Column, Field};
use super::report::{ImportFormat, ImportReport, RowReport, RowStatus, MAX_LISTED_ROWS};
use super::*;

#[test]
fn headers_match_whatever_their_case_spacing_or_bom() {
    assert_eq!(
        normalize_header("\u{feff} Pinterest  Board "),
        "pinterest board"
    );
    assert_eq!(normalize_header("ALT_TEXT"), "alt text");
    assert_eq!(
        column(ImportFormat::PinterestCsv, "MEDIA URL"),
        Some(Column::Field(Field::Media))
    );
    assert_eq!(
        column(ImportFormat::PinpaceCsv, "Interval-Secs"),
        Some(Column::Field(Field::IntervalSecs))
    );
    assert_eq!(
        column(ImportFormat::PinpaceCsv, "job_id"),
        Some(Column::Ignored)
    );
    assert_eq!(column(ImportFormat::PinterestCsv, "account"), None);
}

#[test]
fn the_report_lists_a_bounded_number_of_rows_and_counts_all() {
    let mut report = ImportReport::new(ImportFormat::Json);
    let (mut ok, mut other) = (0, 0);
    for row in 0..5000 {
        let status = if row % 2 == 0 {
            RowStatus::Ok
        } else {
            RowStatus::Invalid
        };
        report.push(
            RowReport {
                row,
                status,
                pin: None,
                issues: vec![],
            },
            &mut ok,
            &mut other,
        );
    }
    assert_eq!(report.counts.rows, 5000);
    assert_eq!(report.counts.valid, 2500);
    assert_eq!(report.rows.len(), report::PREVIEW_ROWS + MAX_LISTED_ROWS);
    assert_eq!(report.rows_not_listed, 5000 - report.rows.len() as u64);
}

#[test]
fn a_bytes_source_is_read_as_json_when_it_starts_like_json() {
    let mut store = crate::Store::open_in_memory().unwrap();
    let now = chrono::Utc::now();
    let report = preview(
        &mut store,
        &ImportSource::bytes("\u{feff}  [ ]", ImportFormat::Auto),
        &ImportOptions::default(),
        now,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.format, ImportFormat::Json);
    assert_eq!(report.counts.rows, 0);
    assert!(!report.has_errors());
    let report = preview(
        &mut store,
        &ImportSource::bytes("{\"title\": 1}", ImportFormat::Auto),
        &ImportOptions::default(),
        now,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.file_issues[0].code, RowErrorCode::Malformed);
}
