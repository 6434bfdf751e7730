//! The fields a row can carry, whatever the format, and how each format's column names map onto
//! them. Readers (CSV, JSON) turn a record into a `RawRow` of trimmed text cells keyed by field;
//! validation then works on fields only, and reports problems under the column name the user
//! wrote. Header names are matched case-insensitively, with `_`, `-` and spaces alike.

use std::rc::Rc;

use super::report::ImportFormat;
use crate::pin_text::TextField;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Account,
    Board,
    Section,
    Title,
    Description,
    Link,
    AltText,
    Media,
    Thumbnail,
    PublishAt,
    TimeZone,
    IntervalSecs,
    Keywords,
}

pub(crate) const FIELD_COUNT: usize = 13;

impl Field {
    /// The column of one of a pin's text fields.
    pub(crate) fn of_text(field: TextField) -> Field {
        match field {
            TextField::Title => Field::Title,
            TextField::Description => Field::Description,
            TextField::Link => Field::Link,
            TextField::AltText => Field::AltText,
        }
    }

    /// The name used in reports when the file has no column for the field.
    pub(crate) fn default_name(self, format: ImportFormat) -> &'static str {
        let pinterest = format == ImportFormat::PinterestCsv;
        match self {
            Field::Account => "account",
            Field::Board if pinterest => "Pinterest board",
            Field::Board => "board",
            Field::Section => "section",
            Field::Title if pinterest => "Title",
            Field::Title => "title",
            Field::Description if pinterest => "Description",
            Field::Description => "description",
            Field::Link if pinterest => "Link",
            Field::Link => "link",
            Field::AltText => "alt_text",
            Field::Media if pinterest => "Media URL",
            Field::Media => "media",
            Field::Thumbnail => "Thumbnail",
            Field::PublishAt if pinterest => "Publish date",
            Field::PublishAt => "publish_at",
            Field::TimeZone => "time_zone",
            Field::IntervalSecs => "interval_secs",
            Field::Keywords => "Keywords",
        }
    }
}

/// What a column means in a given format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Field(Field),
    /// Known and ignored: the informational columns `export` writes (job id, state, names).
    Ignored,
}

pub(crate) fn normalize_header(name: &str) -> String {
    let lowered = name
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace(['_', '-'], " ");
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Columns whose presence marks Pinterest's bulk-create CSV.
pub(crate) const PINTEREST_MARKERS: &[&str] = &[
    "pinterest board",
    "media url",
    "publish date",
    "thumbnail",
    "keywords",
];

pub(crate) fn column(format: ImportFormat, name: &str) -> Option<Column> {
    let n = normalize_header(name);
    let f = Column::Field;
    if format == ImportFormat::PinterestCsv {
        return Some(match n.as_str() {
            "title" => f(Field::Title),
            "media url" => f(Field::Media),
            "pinterest board" => f(Field::Board),
            "thumbnail" => f(Field::Thumbnail),
            "description" => f(Field::Description),
            "link" => f(Field::Link),
            "publish date" => f(Field::PublishAt),
            "keywords" => f(Field::Keywords),
            // Not in Pinterest's template, but the one field a pin has beyond it.
            "alt text" => f(Field::AltText),
            _ => return None,
        });
    }
    Some(match n.as_str() {
        "account" | "account id" => f(Field::Account),
        "board" | "boards" | "board id" => f(Field::Board),
        "section" | "sections" | "section id" => f(Field::Section),
        "title" => f(Field::Title),
        "description" => f(Field::Description),
        "link" => f(Field::Link),
        "alt text" => f(Field::AltText),
        "media" | "image url" | "image path" | "media url" => f(Field::Media),
        "publish at" | "at" | "local time" | "publish date" => f(Field::PublishAt),
        "time zone" => f(Field::TimeZone),
        "interval secs" | "interval" => f(Field::IntervalSecs),
        "job id" | "state" | "account name" | "board name" | "section name" | "pin id"
        | "pinterest pin id" | "pinterest url" | "error code" | "error message" | "due at"
        | "updated at" => Column::Ignored,
        _ => return None,
    })
}

/// Required columns of a CSV header, per format.
pub(crate) fn required(format: ImportFormat) -> &'static [Field] {
    match format {
        ImportFormat::PinterestCsv => &[Field::Title, Field::Media, Field::Board],
        _ => &[Field::Media, Field::Board],
    }
}

/// The column names a file used, per field, for reports.
#[derive(Debug, Clone)]
pub(crate) struct ColumnNames {
    /// The format the file was read as (never `Auto`).
    pub format: ImportFormat,
    names: [Option<String>; FIELD_COUNT],
}

impl ColumnNames {
    pub(crate) fn new(format: ImportFormat) -> Self {
        ColumnNames {
            format,
            names: Default::default(),
        }
    }

    pub(crate) fn set(&mut self, field: Field, name: &str) {
        self.names[field as usize] = Some(name.trim_start_matches('\u{feff}').trim().to_string());
    }

    pub(crate) fn has(&self, field: Field) -> bool {
        self.names[field as usize].is_some()
    }

    pub(crate) fn name(&self, field: Field) -> String {
        self.names[field as usize]
            .clone()
            .unwrap_or_else(|| field.default_name(self.format).to_string())
    }
}

/// One record as text cells, trimmed; empty cells are `None`.
#[derive(Debug, Clone)]
pub(crate) struct RawRow {
    pub row: u64,
    cells: [Option<String>; FIELD_COUNT],
    pub columns: Rc<ColumnNames>,
}

impl RawRow {
    pub(crate) fn new(row: u64, columns: Rc<ColumnNames>) -> Self {
        RawRow {
            row,
            cells: Default::default(),
            columns,
        }
    }

    pub(crate) fn set(&mut self, field: Field, value: &str) {
        let v = value.trim();
        self.cells[field as usize] = (!v.is_empty()).then(|| v.to_string());
    }

    pub(crate) fn get(&self, field: Field) -> Option<&str> {
        self.cells[field as usize].as_deref()
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(Option::is_none)
    }
}
