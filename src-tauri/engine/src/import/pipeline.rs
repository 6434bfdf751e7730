//! One pass over the file for both preview and commit: read a row, check it, look up its
//! fingerprint, write it (commit only), report it, forget it. Everything happens inside one SQLite
//! savepoint: a commit releases it at the end (one transaction, one disk flush), a preview or a
//! refused all-or-nothing import rolls it back, so no row is ever half-imported and a preview can
//! use the same fingerprint table to find duplicates within the file without keeping them in
//! memory. Statements are prepared once and cached. Progress is reported every 1,000 rows.
//!
//! An image file copied into the media directory by a row that is then rolled back stays there,
//! unreferenced (files are named by their hash, so it is reused if imported again): the same as
//! compose does when its transaction fails.

use std::cell::{Cell, RefCell};
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::lookup::Lookup;
use super::report::{
    ImportFormat, ImportProgress, ImportReport, RowErrorCode as Code, RowIssue, RowReport,
    RowStatus,
};
use super::validate::{self, Context};
use super::{csv_rows, json_rows, ImportInput, ImportMode, ImportOptions, ImportSource, Parsed};
use crate::compose;
use crate::error::{EngineError, ErrorCode};
use crate::store::Store;

const PROGRESS_EVERY: u64 = 1000;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Preview,
    Commit(ImportMode),
}

/// Counts the bytes read, for progress.
struct Counting<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

fn unreadable(what: &str, e: std::io::Error) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, format!("cannot read {what}: {e}"))
}

/// The savepoint an import's writes land in, released by a commit and rolled back otherwise.
const SAVEPOINT: &str = "import";

pub(crate) fn run(
    store: &mut Store,
    source: &ImportSource,
    options: &ImportOptions,
    action: Action,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let (raw_input, total, base_dir, json_ext): (Box<dyn Read + '_>, _, _, _) = match &source.input
    {
        ImportInput::Path(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| unreadable(&path.display().to_string(), e))?;
            let size = file.metadata().ok().map(|m| m.len());
            let json = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            (
                Box::new(file),
                size,
                path.parent().map(|p| p.to_path_buf()),
                json,
            )
        }
        ImportInput::Bytes(bytes) => (Box::new(&bytes[..]), Some(bytes.len() as u64), None, false),
    };
    let bytes_read = Rc::new(Cell::new(0u64));
    let mut input = BufReader::with_capacity(
        64 * 1024,
        Counting {
            inner: raw_input,
            read: bytes_read.clone(),
        },
    );
    let head = input.fill_buf().map_err(|e| unreadable("the file", e))?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    let head = input.fill_buf().map_err(|e| unreadable("the file", e))?;
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let json = match source.format {
        ImportFormat::Json => true,
        ImportFormat::Auto => json_ext || matches!(first, Some(b'[') | Some(b'{')),
        _ => false,
    };

    let mut ctx = Context {
        now,
        options,
        base_dir: source.base_dir.clone().or(base_dir),
        lookup: Lookup::new(store)?,
    };
    let batch = format!("{:016x}", rand::random::<u64>());
    let mut report = ImportReport::new(if json {
        ImportFormat::Json
    } else {
        source.format
    });
    let file_issues = RefCell::new(Vec::new());
    let (mut listed_ok, mut listed_other) = (0usize, 0usize);
    let mut writing = matches!(action, Action::Commit(_));
    let all_or_nothing = action == Action::Commit(ImportMode::AllOrNothing);
    let snapshot = |report: &ImportReport, done: bool| ImportProgress {
        rows_read: report.counts.rows,
        valid: report.counts.valid,
        invalid: report.counts.invalid,
        already_imported: report.counts.already_imported,
        bytes_read: bytes_read.get(),
        total_bytes: total,
        done,
    };

    store.savepoint(SAVEPOINT)?;
    let mut sink = |parsed: Parsed| -> Result<(), EngineError> {
        let row = parsed.raw.row;
        let (candidate, mut issues) = validate::check(store, &mut ctx, parsed)?;
        let mut status = RowStatus::Invalid;
        let mut pin = None;
        if let Some(c) = candidate {
            match store.import_fingerprint_seen(&c.fingerprint)? {
                Some((b, first)) if b == batch => issues.push(RowIssue::error(
                    row,
                    None,
                    Code::DuplicateInFile,
                    format!("the same pin as row {first}"),
                )),
                Some(_) => {
                    status = RowStatus::AlreadyImported;
                    pin = Some(c.preview);
                }
                None => {
                    if writing && file_issues.borrow().iter().any(RowIssue::is_error) {
                        // The whole import will be refused: stop writing.
                        writing = false;
                    }
                    let pin_id = if writing {
                        let (pin_id, jobs) = compose::write_validated(store, &c.request, now)?;
                        report.counts.pins_created += 1;
                        report.counts.jobs_created += jobs.len() as u64;
                        Some(pin_id)
                    } else {
                        None
                    };
                    store.record_import_fingerprint(&c.fingerprint, &batch, row, pin_id, now)?;
                    status = RowStatus::Ok;
                    pin = Some(c.preview);
                }
            }
        }
        if status == RowStatus::Invalid && all_or_nothing {
            writing = false; // it will all be rolled back: stop copying images
        }
        report.push(
            RowReport {
                row,
                status,
                pin,
                issues,
            },
            &mut listed_ok,
            &mut listed_other,
        );
        if report.counts.rows.is_multiple_of(PROGRESS_EVERY) {
            progress(snapshot(&report, false));
        }
        Ok(())
    };
    let read = if json {
        json_rows::read(&mut input, &file_issues, &mut sink).map(|()| None)
    } else {
        csv_rows::read(&mut input, source.format, &file_issues, &mut sink).map(Some)
    };
    match read {
        Ok(Some(format)) => report.format = format,
        Ok(None) => {}
        Err(e) => {
            let _ = store.roll_back(SAVEPOINT);
            return Err(e);
        }
    }
    report.file_issues = file_issues.into_inner();
    let keep = match action {
        Action::Preview => false,
        Action::Commit(ImportMode::AllValidRows) => {
            !report.file_issues.iter().any(RowIssue::is_error)
        }
        Action::Commit(ImportMode::AllOrNothing) => !report.has_errors(),
    };
    if keep {
        store.release(SAVEPOINT)?;
    } else {
        store.roll_back(SAVEPOINT)?;
        report.counts.pins_created = 0;
        report.counts.jobs_created = 0;
    }
    report.committed = keep;
    progress(snapshot(&report, true));
    Ok(report)
}
