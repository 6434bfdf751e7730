//! Checking one row, writing nothing: every problem is collected (not just the first), each
//! under its column with a stable code, so a user fixes a spreadsheet in one pass. The checks
//! mirror compose's (the pin's text by `PinText::problems`, all of them rather than the first;
//! URL syntax, a known account, a time not in the past, a readable PNG/JPEG) and add what only a
//! file has (names to resolve, dates to parse). A row that passes is then handed to
//! `compose::validate` itself, so nothing compose would refuse is ever written by an import.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::fields::{Field, RawRow};
use super::fingerprint;
use super::lookup::Lookup;
use super::media_scope::{MediaScope, Placement};
use super::report::{BoardPreview, ImportFormat, PinPreview, RowErrorCode as Code, RowIssue};
use super::{ImportOptions, Parsed};
use crate::compose::{
    self, BoardTarget, ComposeRequest, MAX_AHEAD, MAX_INTERVAL_SECS, PAST_TOLERANCE,
};
use crate::error::EngineError;
use crate::pin_text::{PinText, TextProblem};
use crate::scheduler::schedule_time;
use crate::store::media::{sniff_image, MAX_IMAGE_BYTES};
use crate::store::time::to_db;
use crate::store::Store;

pub(crate) struct Context<'a> {
    pub now: DateTime<Utc>,
    pub options: &'a ImportOptions,
    /// Relative media paths are read from here.
    pub base_dir: Option<PathBuf>,
    /// Which local images the file may name without the user allowing them.
    pub media_scope: MediaScope,
    pub lookup: Lookup,
}

/// A valid row: what to write, what to show, and its identity.
pub(crate) struct Candidate {
    pub request: ComposeRequest,
    pub preview: PinPreview,
    pub fingerprint: String,
}

struct Issues<'r> {
    raw: &'r RawRow,
    list: Vec<RowIssue>,
}

impl Issues<'_> {
    fn error(&mut self, field: Field, code: Code, message: String) {
        let column = self.raw.columns.name(field);
        self.list
            .push(RowIssue::error(self.raw.row, Some(&column), code, message));
    }
    fn warn(&mut self, field: Field, code: Code, message: String) {
        let column = self.raw.columns.name(field);
        self.list.push(RowIssue::warning(
            self.raw.row,
            Some(&column),
            code,
            message,
        ));
    }
    fn has_errors(&self) -> bool {
        self.list.iter().any(RowIssue::is_error)
    }
}

enum Media {
    Url(String),
    File(PathBuf),
}

/// A media cell: an http(s) URL, or a local PNG/JPEG that `scope` lets this file read (see
/// `media_scope`). The file is checked through its canonical path: a regular file (a FIFO or a
/// device would block or never end), inside the folder or allowed, and only then opened. The
/// request keeps the path as the file wrote it (joined to its folder), so a re-import of the
/// same file has the same fingerprint. `Ok((media, Some(warning)))` is an allowed outside image.
fn media(
    text: &str,
    scope: &mut MediaScope,
    base_dir: Option<&Path>,
) -> Result<(Media, Option<String>), (Code, String)> {
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return match compose::check_http_url("media", text) {
            Ok(()) => Ok((Media::Url(text.to_string()), None)),
            Err(_) => Err((
                Code::InvalidUrl,
                format!("{text:?} is not a valid http(s) URL"),
            )),
        };
    }
    if text.contains("://") {
        return Err((
            Code::InvalidUrl,
            format!("{text:?}: media is an http(s) URL or a local file"),
        ));
    }
    let path = match base_dir {
        Some(dir) if Path::new(text).is_relative() => dir.join(text),
        _ => PathBuf::from(text),
    };
    let unreadable = |why: String| (Code::UnreadableMedia, format!("{}: {why}", path.display()));
    let canonical = std::fs::canonicalize(&path).map_err(|e| unreadable(e.to_string()))?;
    let meta = std::fs::metadata(&canonical).map_err(|e| unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    let warning = match scope.place(&canonical) {
        Placement::Inside => None,
        Placement::Allowed => Some(format!(
            "{} is outside the file's folder; you allowed it",
            canonical.display()
        )),
        Placement::Refused => {
            let why = match scope.folder() {
                Some(folder) => format!("outside the file's folder {}", folder.display()),
                None => "this import has no folder of its own".to_string(),
            };
            return Err((
                Code::MediaOutsideFolder,
                format!(
                    "{}: {why}; PinPace reads an image from elsewhere only when you allow it",
                    canonical.display()
                ),
            ));
        }
    };
    if meta.len() > MAX_IMAGE_BYTES as u64 {
        return Err(unreadable(format!(
            "{} bytes; the limit is {MAX_IMAGE_BYTES}",
            meta.len()
        )));
    }
    let mut file = std::fs::File::open(&canonical).map_err(|e| unreadable(e.to_string()))?;
    let mut head = [0u8; 8];
    let n = file
        .read(&mut head)
        .map_err(|e| unreadable(e.to_string()))?;
    if sniff_image(&head[..n]).is_none() {
        return Err(unreadable("not a PNG or JPEG image".into()));
    }
    Ok((Media::File(path), warning))
}

enum When {
    Now,
    At(DateTime<Utc>),
    Local(NaiveDateTime),
}

fn parse_when(text: &str) -> Option<When> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(When::At(t.with_timezone(&Utc)));
    }
    for f in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%d %H:%M%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, f) {
            return Some(When::At(t.with_timezone(&Utc)));
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, f) {
            return Some(When::Local(t));
        }
    }
    None
}

fn split_list(text: &str) -> Vec<&str> {
    text.split('|').map(str::trim).collect()
}

/// Checks a parsed row. Returns the candidate when the row has no error, and every issue found
/// (warnings included).
pub(crate) fn check(
    store: &Store,
    ctx: &mut Context<'_>,
    parsed: Parsed,
) -> Result<(Option<Candidate>, Vec<RowIssue>), EngineError> {
    let Parsed { raw, issues } = parsed;
    let format = raw.columns.format;
    let mut out = Issues {
        raw: &raw,
        list: issues,
    };
    let required: &[Field] = match format {
        ImportFormat::PinterestCsv => &[Field::Title, Field::Media, Field::Board],
        _ => &[Field::Media, Field::Board],
    };
    for &f in required {
        if raw.get(f).is_none() {
            let name = raw.columns.name(f);
            out.error(f, Code::MissingField, format!("{name} is required"));
        }
    }
    let text = PinText {
        title: raw.get(Field::Title).map(str::to_string),
        description: raw.get(Field::Description).map(str::to_string),
        link: raw.get(Field::Link).map(str::to_string),
        alt_text: raw.get(Field::AltText).map(str::to_string),
    };
    for problem in text.problems() {
        let code = match problem {
            TextProblem::TooLong { .. } => Code::TooLong,
            TextProblem::NotHttpUrl { .. } => Code::InvalidUrl,
        };
        out.error(Field::of_text(problem.field()), code, problem.message());
    }
    let media = match raw
        .get(Field::Media)
        .map(|m| media(m, &mut ctx.media_scope, ctx.base_dir.as_deref()))
    {
        Some(Ok((m, warning))) => {
            if let Some(w) = warning {
                out.warn(Field::Media, Code::MediaOutsideFolder, w);
            }
            Some(m)
        }
        Some(Err((code, message))) => {
            out.error(Field::Media, code, message);
            None
        }
        None => None,
    };
    if raw.get(Field::Thumbnail).is_some() {
        out.warn(
            Field::Thumbnail,
            Code::IgnoredValue,
            "ignored: PinPace publishes image pins, and a thumbnail is for video".into(),
        );
    }
    if raw.get(Field::Keywords).is_some() {
        out.warn(
            Field::Keywords,
            Code::IgnoredValue,
            "ignored: Pinterest's API takes no keywords; put them in the description if you want them".into(),
        );
    }
    let account = match (raw.get(Field::Account), ctx.options.default_account_id) {
        (Some(text), _) => ctx.lookup.account(text),
        (None, Some(id)) => ctx.lookup.account(&id.to_string()),
        (None, None) => Err((
            Code::MissingField,
            "no account: add an account column or choose the account to import into".into(),
        )),
    };
    let account = match account {
        Ok(a) => Some(a),
        Err((code, message)) => {
            out.error(Field::Account, code, message);
            None
        }
    };
    let mut targets = Vec::new();
    if let (Some(account), Some(boards)) = (account, raw.get(Field::Board)) {
        let boards: Vec<&str> = split_list(boards)
            .into_iter()
            .filter(|b| !b.is_empty())
            .collect();
        let sections = raw.get(Field::Section).map(split_list).unwrap_or_default();
        if sections.len() > boards.len() {
            out.error(
                Field::Section,
                Code::UnknownSection,
                format!(
                    "{} sections for {} boards; give one section (or none) per board, separated by |",
                    sections.len(),
                    boards.len()
                ),
            );
        }
        for (i, board) in boards.iter().enumerate() {
            let section = sections.get(i).copied().filter(|s| !s.is_empty());
            let found = if format == ImportFormat::PinterestCsv && section.is_none() {
                ctx.lookup.target_with_slash(store, account, board)?
            } else {
                ctx.lookup.target(store, account, board, section)?
            };
            match found {
                Ok(t) => targets.push(t),
                Err((code, message)) => {
                    let field = if matches!(code, Code::UnknownSection | Code::AmbiguousSection) {
                        Field::Section
                    } else {
                        Field::Board
                    };
                    out.error(field, code, message);
                }
            }
        }
    }
    let interval = match raw.get(Field::IntervalSecs).map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) if n <= MAX_INTERVAL_SECS => n,
        Some(_) => {
            out.error(
                Field::IntervalSecs,
                Code::BadNumber,
                format!(
                    "{:?} is not a number of seconds from 0 to {MAX_INTERVAL_SECS} (30 days)",
                    raw.get(Field::IntervalSecs).unwrap_or("")
                ),
            );
            0
        }
    };
    let zone_name = raw
        .get(Field::TimeZone)
        .or(ctx.options.default_time_zone.as_deref());
    let zone: Option<Tz> = match zone_name.map(schedule_time::parse_zone) {
        Some(Ok(z)) => Some(z),
        Some(Err(e)) => {
            out.error(Field::TimeZone, Code::UnknownTimeZone, e.message);
            None
        }
        None => None,
    };
    let when = match raw.get(Field::PublishAt) {
        None => Some(When::Now),
        Some(text) => {
            let w = parse_when(text);
            if w.is_none() {
                out.error(
                    Field::PublishAt,
                    Code::UnparseableDate,
                    format!("{text:?} is not a date-time like 2026-12-01T09:00:00, 2026-12-01 09:00 or 2026-12-01T09:00:00+01:00"),
                );
            }
            w
        }
    };
    let publish = match &when {
        Some(When::At(t)) => Some(*t),
        Some(When::Local(local)) => Some(match zone {
            Some(z) => schedule_time::to_utc(z, *local),
            None => local.and_utc(),
        }),
        _ => None,
    };
    if let Some(at) = publish {
        if at < ctx.now - PAST_TOLERANCE {
            out.error(
                Field::PublishAt,
                Code::DateInPast,
                format!("{} is in the past", to_db(at)),
            );
        } else if at > ctx.now + MAX_AHEAD {
            out.error(
                Field::PublishAt,
                Code::DateTooFar,
                format!("{} is more than five years ahead", to_db(at)),
            );
        }
    }
    if out.has_errors() {
        return Ok((None, out.list));
    }
    let (Some(account), Some(media), Some(when)) = (account, media, when) else {
        return Ok((None, out.list));
    };
    let local = matches!(when, When::Local(_)) && zone.is_some();
    let request = ComposeRequest {
        text,
        image_path: match &media {
            Media::File(p) => Some(p.clone()),
            Media::Url(_) => None,
        },
        image_url: match &media {
            Media::Url(u) => Some(u.clone()),
            Media::File(_) => None,
        },
        account_id: Some(account),
        boards: targets
            .iter()
            .map(|t| BoardTarget {
                board_id: t.board_id.clone(),
                section_id: t.section_id.clone(),
            })
            .collect(),
        at: if local { None } else { publish },
        local_time: match &when {
            When::Local(l) if local => Some(l.format("%Y-%m-%dT%H:%M:%S").to_string()),
            _ => None,
        },
        time_zone: if local {
            zone_name.map(str::to_string)
        } else {
            None
        },
        interval_secs: interval,
        draft: false,
    };
    if let Err(e) = compose::validate(store, &request, ctx.now) {
        let column = e.message.split(':').next().unwrap_or("").to_string();
        out.list.push(RowIssue::error(
            raw.row,
            Some(&column),
            Code::Rejected,
            e.message,
        ));
        return Ok((None, out.list));
    }
    let preview = PinPreview {
        account_id: account,
        title: request.text.title.clone(),
        media: match &media {
            Media::Url(u) => u.clone(),
            Media::File(p) => p.display().to_string(),
        },
        boards: targets
            .into_iter()
            .map(|t| BoardPreview {
                board_id: t.board_id,
                board_name: t.board_name,
                section_id: t.section_id,
                section_name: t.section_name,
            })
            .collect(),
        publish_at: publish.map(to_db),
        time_zone: request.time_zone.clone(),
        interval_secs: interval,
    };
    let fingerprint = fingerprint::of(&request, publish);
    Ok((
        Some(Candidate {
            request,
            preview,
            fingerprint,
        }),
        out.list,
    ))
}
