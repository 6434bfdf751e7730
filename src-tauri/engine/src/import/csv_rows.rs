//! Reading CSV (Pinterest's bulk-create columns or PinPace's own) with the csv crate, one record
//! at a time into a reused buffer, so memory holds one row whatever the file's size. Cells are
//! read as bytes and decoded per cell: a stray non-UTF-8 cell is reported on its row and column
//! instead of failing the file. Quoted newlines and commas are the csv crate's job; a BOM has
//! been skipped by the caller.

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;

use super::fields::{self, Column, ColumnNames, Field, RawRow, PINTEREST_MARKERS};
use super::report::{ImportFormat, RowErrorCode as Code, RowIssue};
use super::Parsed;
use crate::error::{EngineError, ErrorCode};

/// Picks Pinterest's or PinPace's columns from the header when the format is `Auto`.
fn resolve(requested: ImportFormat, headers: &[String]) -> ImportFormat {
    match requested {
        ImportFormat::Auto | ImportFormat::Json => {
            let pinterest = headers
                .iter()
                .any(|h| PINTEREST_MARKERS.contains(&fields::normalize_header(h).as_str()));
            if pinterest {
                ImportFormat::PinterestCsv
            } else {
                ImportFormat::PinpaceCsv
            }
        }
        other => other,
    }
}

fn csv_failure(e: csv::Error) -> Result<RowIssue, EngineError> {
    if let csv::ErrorKind::Io(io) = e.kind() {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            format!("cannot read the file: {io}"),
        ));
    }
    let row = e.position().map_or(0, |p| p.record() + 1);
    Ok(RowIssue::error(
        row,
        None,
        Code::Malformed,
        format!("the CSV cannot be read past this point: {e}"),
    ))
}

/// Reads the header, then hands each non-blank record to `sink`. Returns the format read.
pub(crate) fn read(
    input: impl Read,
    requested: ImportFormat,
    file_issues: &RefCell<Vec<RowIssue>>,
    sink: &mut dyn FnMut(Parsed) -> Result<(), EngineError>,
) -> Result<ImportFormat, EngineError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            file_issues.borrow_mut().push(RowIssue::error(
                0,
                None,
                Code::MissingColumn,
                "the file is empty: a CSV import needs a header row".into(),
            ));
            return Ok(resolve(requested, &[]));
        }
        Err(e) => {
            file_issues.borrow_mut().push(csv_failure(e)?);
            return Ok(resolve(requested, &[]));
        }
    }
    let headers: Vec<String> = record
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let format = resolve(requested, &headers);
    let mut names = ColumnNames::new(format);
    let mut map: Vec<Option<Field>> = Vec::with_capacity(headers.len());
    for header in &headers {
        let field = match fields::column(format, header) {
            Some(Column::Field(f)) => Some(f),
            Some(Column::Ignored) => None,
            None if header.is_empty() => None,
            None => {
                file_issues.borrow_mut().push(RowIssue::error(
                    1,
                    Some(header),
                    Code::UnknownColumn,
                    format!("{header:?} is not a column PinPace knows in this format"),
                ));
                None
            }
        };
        if let Some(f) = field {
            if names.has(f) {
                file_issues.borrow_mut().push(RowIssue::error(
                    1,
                    Some(header),
                    Code::DuplicateColumn,
                    format!(
                        "{header:?} means the same as the column {:?}",
                        names.name(f)
                    ),
                ));
            } else {
                names.set(f, header);
            }
        }
        map.push(field);
    }
    for &f in fields::required(format) {
        if !names.has(f) {
            let name = f.default_name(format);
            file_issues.borrow_mut().push(RowIssue::error(
                1,
                Some(name),
                Code::MissingColumn,
                format!("the header has no {name:?} column"),
            ));
        }
    }
    let names = Rc::new(names);
    let mut row = 1u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                file_issues.borrow_mut().push(csv_failure(e)?);
                break;
            }
        }
        row += 1;
        let mut raw = RawRow::new(row, names.clone());
        let mut issues = Vec::new();
        for (i, cell) in record.iter().enumerate() {
            let Some(header) = headers.get(i) else {
                if !cell.iter().all(u8::is_ascii_whitespace) {
                    issues.push(RowIssue::error(
                        row,
                        None,
                        Code::WrongCellCount,
                        format!(
                            "the row has {} cells; the header has {} columns",
                            record.len(),
                            headers.len()
                        ),
                    ));
                    break;
                }
                continue;
            };
            let Some(field) = map[i] else { continue };
            match std::str::from_utf8(cell) {
                Ok(text) => raw.set(field, crate::spreadsheet_cells::restore(text)),
                Err(_) => issues.push(RowIssue::error(
                    row,
                    Some(header),
                    Code::InvalidUtf8,
                    "the cell is not UTF-8 text; save the file as UTF-8".into(),
                )),
            }
        }
        if raw.is_blank() && issues.is_empty() {
            continue; // spreadsheets pad with empty rows
        }
        sink(Parsed { raw, issues })?;
    }
    Ok(format)
}
