//! Reading JSON: a top-level array of pin objects, streamed element by element through a serde
//! visitor, so a large file is never held whole in memory. Keys are PinPace's CSV column names
//! (case-insensitive; the `add-pins` JSON keys such as `image_url`, `account_id` and
//! `boards: [{board_id, section_id}]` work too). Values may be strings, numbers or booleans; a
//! list of boards or sections may be a JSON array.

use std::cell::RefCell;
use std::fmt;
use std::io::Read;
use std::rc::Rc;

use serde::de::{self, Deserializer as _, SeqAccess, Visitor};
use serde_json::Value;

use super::fields::{self, Column, ColumnNames, Field, RawRow};
use super::report::{ImportFormat, RowErrorCode as Code, RowIssue};
use super::Parsed;
use crate::error::{EngineError, ErrorCode};

struct Rows<'a> {
    sink: &'a mut dyn FnMut(Parsed) -> Result<(), EngineError>,
    stopped: &'a mut Option<EngineError>,
    count: &'a mut u64,
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of pins")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            *self.count += 1;
            let parsed = to_row(*self.count, value);
            if let Err(e) = (self.sink)(parsed) {
                *self.stopped = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

pub(crate) fn read(
    input: impl Read,
    file_issues: &RefCell<Vec<RowIssue>>,
    sink: &mut dyn FnMut(Parsed) -> Result<(), EngineError>,
) -> Result<(), EngineError> {
    let mut de = serde_json::Deserializer::from_reader(input);
    let mut stopped = None;
    let mut count = 0;
    let result = de
        .deserialize_seq(Rows {
            sink,
            stopped: &mut stopped,
            count: &mut count,
        })
        .and_then(|()| de.end());
    if let Some(e) = stopped {
        return Err(e);
    }
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.is_io() => Err(EngineError::new(
            ErrorCode::InvalidInput,
            format!("cannot read the file: {e}"),
        )),
        Err(e) => {
            file_issues.borrow_mut().push(RowIssue::error(
                count + 1,
                None,
                Code::Malformed,
                format!("the JSON cannot be read past pin {count}: {e}"),
            ));
            Ok(())
        }
    }
}

fn scalar(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        _ => None,
    }
}

/// A list of scalars, or `add-pins`' `[{board_id, section_id}]`, as `a | b` cells.
fn list(key: &str, items: &[Value]) -> Option<(String, Option<String>)> {
    let mut boards = Vec::new();
    let mut sections = Vec::new();
    for item in items {
        match item {
            Value::Object(o) if key == "boards" => {
                boards.push(scalar(o.get("board_id")?)??);
                sections.push(
                    o.get("section_id")
                        .and_then(scalar)
                        .flatten()
                        .unwrap_or_default(),
                );
            }
            other => boards.push(scalar(other)??),
        }
    }
    let sections = sections
        .iter()
        .any(|s| !s.is_empty())
        .then(|| sections.join(" | "));
    Some((boards.join(" | "), sections))
}

fn to_row(n: u64, value: Value) -> Parsed {
    let Value::Object(object) = value else {
        return Parsed {
            raw: RawRow::new(n, Rc::new(ColumnNames::new(ImportFormat::Json))),
            issues: vec![RowIssue::error(
                n,
                None,
                Code::Malformed,
                "each pin must be a JSON object".into(),
            )],
        };
    };
    let mut names = ColumnNames::new(ImportFormat::Json);
    let mut issues = Vec::new();
    let mut cells: Vec<(Field, String)> = Vec::new();
    for (key, value) in object {
        let field = match fields::column(ImportFormat::Json, &key) {
            Some(Column::Field(f)) => f,
            Some(Column::Ignored) => continue,
            None => {
                issues.push(RowIssue::error(
                    n,
                    Some(&key),
                    Code::UnknownColumn,
                    format!("{key:?} is not a field PinPace knows"),
                ));
                continue;
            }
        };
        if names.has(field) {
            issues.push(RowIssue::error(
                n,
                Some(&key),
                Code::DuplicateColumn,
                format!("{key:?} means the same as {:?}", names.name(field)),
            ));
            continue;
        }
        names.set(field, &key);
        let text = match &value {
            Value::Array(items) => match list(&fields::normalize_header(&key), items) {
                Some((boards, sections)) => {
                    if let Some(s) = sections {
                        names.set(Field::Section, &key);
                        cells.push((Field::Section, s));
                    }
                    Some(boards)
                }
                None => None,
            },
            v => scalar(v).map(Option::unwrap_or_default),
        };
        match text {
            Some(t) => cells.push((field, t)),
            None => issues.push(RowIssue::error(
                n,
                Some(&key),
                Code::Malformed,
                format!("{key:?} must be text, a number or a list of them"),
            )),
        }
    }
    let mut raw = RawRow::new(n, Rc::new(names));
    for (field, text) in cells {
        raw.set(field, &text);
    }
    Parsed { raw, issues }
}
