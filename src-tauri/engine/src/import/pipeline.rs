//! Preview and commit share one pass over the file: read a row, check it, look up its
//! fingerprint, write it (when writing), report it, forget it. Memory holds the row in flight,
//! the bounded report and a 16-byte key per row (to find a row the file repeats), never the file.
//!
//! A commit is two passes: a checking pass that writes nothing, then, unless it found a reason
//! to import nothing (a file that cannot be read to its end; in all-or-nothing mode, any invalid
//! row), a writing pass. The passes take the store a chunk at a time (`chunks`): a chunk of the
//! writing pass is its own transaction, so the scheduler and the window are never held behind
//! the file, and the cost is that a commit is not one transaction: after a crash midway the rows
//! before it are imported, and importing the file again adds the rest and nothing twice (each
//! imported row's fingerprint is written in its chunk). A row that the check passed and that the
//! writing pass finds invalid (its time passed meanwhile, its board was removed) is reported and
//! skipped. Statements are prepared once and cached. Progress is reported every 1,000 rows.
//!
//! An image file copied into the media directory by a row whose chunk is then rolled back stays
//! there, unreferenced (files are named by their hash, so it is reused if imported again): the
//! same as compose does when its transaction fails.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::chunks::{Chunks, StoreAccess};
use super::lookup::Lookup;
use super::media_scope::MediaScope;
use super::report::{
    ImportFormat, ImportPhase as Phase, ImportProgress, ImportReport, RowErrorCode as Code,
    RowIssue, RowReport, RowStatus,
};
use super::validate::{self, Context};
use super::{csv_rows, json_rows, ImportInput, ImportMode, ImportOptions, ImportSource, Parsed};
use crate::compose;
use crate::error::{EngineError, ErrorCode};

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

/// Preview: one checking pass. Commit: a checking pass, then, if it found nothing that refuses
/// the file (a file error; in all-or-nothing mode, any invalid row), a writing pass.
pub(crate) fn run<A: StoreAccess>(
    store: &A,
    source: &ImportSource,
    options: &ImportOptions,
    action: Action,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let mut last_sent = None;
    let mut send = |p: ImportProgress| {
        last_sent = Some(p.clone());
        progress(p)
    };
    let preview = action == Action::Preview;
    let checked = pass(
        store,
        source,
        options,
        Phase::Checking,
        preview,
        now,
        &mut send,
    )?;
    let Action::Commit(mode) = action else {
        return Ok(checked);
    };
    let refused = match mode {
        ImportMode::AllValidRows => checked.file_issues.iter().any(RowIssue::is_error),
        ImportMode::AllOrNothing => checked.has_errors(),
    };
    if refused {
        if let Some(p) = last_sent.take() {
            progress(ImportProgress { done: true, ..p });
        }
        tracing::info!(
            rows = checked.counts.rows,
            invalid = checked.counts.invalid,
            "import refused: nothing written"
        );
        return Ok(checked);
    }
    let written = pass(store, source, options, Phase::Writing, true, now, progress)?;
    tracing::info!(
        rows = written.counts.rows,
        pins = written.counts.pins_created,
        jobs = written.counts.jobs_created,
        "imported"
    );
    Ok(written)
}

/// An in-file duplicate's key: the first 128 bits of the row's fingerprint (a SHA-256 in hex),
/// so 100,000 rows cost about 3 MB of memory rather than the file.
fn short_key(fingerprint: &str) -> u128 {
    fingerprint
        .get(..32)
        .and_then(|h| u128::from_str_radix(h, 16).ok())
        .unwrap_or_else(|| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            fingerprint.hash(&mut h);
            h.finish() as u128
        })
}

fn pass<A: StoreAccess>(
    store: &A,
    source: &ImportSource,
    options: &ImportOptions,
    phase: Phase,
    last: bool,
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

    let lookup = Lookup::new(&store.lease())?;
    let base_dir = source.base_dir.clone().or(base_dir);
    let mut ctx = Context {
        now,
        options,
        media_scope: MediaScope::new(base_dir.as_deref(), options),
        base_dir,
        lookup,
    };
    let batch = format!("{:016x}", rand::random::<u64>());
    let mut report = ImportReport::new(if json {
        ImportFormat::Json
    } else {
        source.format
    });
    let file_issues = RefCell::new(Vec::new());
    let (mut listed_ok, mut listed_other) = (0usize, 0usize);
    let mut writing = phase == Phase::Writing;
    // This run's rows by content, to find a row the file repeats.
    let mut in_file: HashMap<u128, u64> = HashMap::new();
    let snapshot = |report: &ImportReport, done: bool| ImportProgress {
        phase,
        rows_read: report.counts.rows,
        valid: report.counts.valid,
        invalid: report.counts.invalid,
        already_imported: report.counts.already_imported,
        bytes_read: bytes_read.get(),
        total_bytes: total,
        done,
    };

    let mut chunks = Chunks::new(store, writing);
    let mut sink = |parsed: Parsed| -> Result<(), EngineError> {
        let row = parsed.raw.row;
        let store = chunks.store()?;
        let (candidate, mut issues) = validate::check(store, &mut ctx, parsed)?;
        let mut status = RowStatus::Invalid;
        let mut pin = None;
        if let Some(c) = candidate {
            let first = *in_file.entry(short_key(&c.fingerprint)).or_insert(row);
            if first != row {
                issues.push(RowIssue::error(
                    row,
                    None,
                    Code::DuplicateInFile,
                    format!("the same pin as row {first}"),
                ));
            } else if store.import_fingerprint_seen(&c.fingerprint)?.is_some() {
                status = RowStatus::AlreadyImported;
                pin = Some(c.preview);
            } else {
                if writing && file_issues.borrow().iter().any(RowIssue::is_error) {
                    // The file changed since it was checked and cannot be read to its end:
                    // what was written stays (each chunk is committed), nothing more is.
                    tracing::warn!(row, "the file can no longer be read: import stopped");
                    writing = false;
                }
                if writing {
                    let (pin_id, jobs) = compose::write_validated(store, &c.request, now)?;
                    report.counts.pins_created += 1;
                    report.counts.jobs_created += jobs.len() as u64;
                    store.record_import_fingerprint(
                        &c.fingerprint,
                        &batch,
                        row,
                        Some(pin_id),
                        now,
                    )?;
                }
                status = RowStatus::Ok;
                pin = Some(c.preview);
            }
        }
        chunks.row_done()?;
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
            chunks.abandon();
            return Err(e);
        }
    }
    chunks.finish()?;
    tracing::debug!(?phase, chunks = chunks.ended, "import pass done");
    report.file_issues = file_issues.into_inner();
    report.outside_media = std::mem::take(&mut ctx.media_scope.listed);
    report.outside_media_count = ctx.media_scope.count;
    report.committed = phase == Phase::Writing;
    if !report.committed {
        report.counts.pins_created = 0;
        report.counts.jobs_created = 0;
    }
    progress(snapshot(&report, last));
    Ok(report)
}
