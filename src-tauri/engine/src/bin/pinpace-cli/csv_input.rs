//! PinPace's own pin CSV for `add-pins`: one pin per row, one board per row, columns named like
//! the JSON fields (any order, case-insensitive headers, UTF-8 with or without a BOM, quoted
//! newlines), read with the csv crate. The full bulk import (Pinterest's bulk-create columns, a
//! per-row report, fingerprints) is a separate feature; this is the CLI's input format.

use std::collections::HashMap;

use pinpace_engine::compose::{BoardTarget, ComposeRequest};
use pinpace_engine::AccountId;
use pinpace_engine::PinText;

const COLUMNS: &[&str] = &[
    "title",
    "description",
    "link",
    "alt_text",
    "image_path",
    "image_url",
    "account_id",
    "board_id",
    "section_id",
    "at",
    "local_time",
    "time_zone",
    "interval_secs",
    "draft",
];

pub fn parse(text: &str) -> Result<Vec<ComposeRequest>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if let Some(unknown) = headers.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        return Err(format!(
            "unknown column {unknown:?}; known: {}",
            COLUMNS.join(", ")
        ));
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2; // the header is row 1
        let record = record.map_err(|e| format!("row {row}: {e}"))?;
        let cell: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let text = |k: &str| cell.get(k).map(|v| v.to_string());
        let number = |k: &str| -> Result<Option<i64>, String> {
            cell.get(k)
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| format!("row {row}: {k} {v:?} is not a number"))
                })
                .transpose()
        };
        let at = match cell.get("at") {
            Some(v) => Some(
                v.parse()
                    .map_err(|_| format!("row {row}: at {v:?} is not an RFC 3339 time"))?,
            ),
            None => None,
        };
        out.push(ComposeRequest {
            text: PinText {
                title: text("title"),
                description: text("description"),
                link: text("link"),
                alt_text: text("alt_text"),
            },
            image_path: text("image_path").map(Into::into),
            image_url: text("image_url"),
            account_id: number("account_id")?.map(AccountId),
            boards: text("board_id")
                .map(|board_id| {
                    vec![BoardTarget {
                        board_id,
                        section_id: text("section_id"),
                    }]
                })
                .unwrap_or_default(),
            at,
            local_time: text("local_time"),
            time_zone: text("time_zone"),
            interval_secs: number("interval_secs")?.unwrap_or(0).max(0) as u64,
            draft: cell
                .get("draft")
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "1")),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_bom_quotes_and_any_case() {
        let csv = "\u{feff}Title,Board_ID,ACCOUNT_ID,image_url,description\n\"Salad, green\",123,1,https://e.com/a.jpg,\"two\nlines\"\n";
        let pins = parse(csv).unwrap();
        assert_eq!(pins.len(), 1);
        assert_eq!(pins[0].text.title.as_deref(), Some("Salad, green"));
        assert_eq!(pins[0].text.description.as_deref(), Some("two\nlines"));
        assert_eq!(pins[0].boards[0].board_id, "123");
        assert_eq!(pins[0].account_id, Some(AccountId(1)));
    }

    #[test]
    fn bad_cells_and_columns_are_named() {
        assert!(parse("title,colour\nx,red\n")
            .unwrap_err()
            .contains("colour"));
        assert!(parse("title,account_id\nx,one\n")
            .unwrap_err()
            .contains("row 2"));
        assert!(parse("title,at\nx,tomorrow\n")
            .unwrap_err()
            .contains("RFC 3339"));
    }
}
