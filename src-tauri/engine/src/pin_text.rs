//! A pin's text: title, description, link and alt text, the four fields that compose, edit, the
//! import, the store's pin row, the queue view, the exports and the Pinterest client all carry
//! (issue 15: one typed vocabulary). The rules about them live here and only here: Pinterest's
//! length limits (`pinterest::types::limits`) and the link being an http(s) URL. Types whose JSON
//! must keep the four fields at the top level embed it with `#[serde(flatten)]` (and
//! `#[ts(flatten)]`); rows read column by column from SQL build it with `PinText::from_row`.
//! Adding a fifth text field means this struct, `TextField`, the SQL columns and Pinterest's body.
//!
//! It serialises absent fields as `null` (what the queue view and the UI read); Pinterest's body
//! leaves them out instead, with `PinText::serialize_present`.

use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

use crate::error::{EngineError, ErrorCode};
use crate::pinterest::types::limits;

/// A pin's text. A field with nothing in it is `None`: `null` in JSON, and read as `None` when
/// missing too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PinText {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// An http(s) URL the pin leads to.
    #[serde(default)]
    pub link: Option<String>,
    /// The image's description for screen readers.
    #[serde(default)]
    pub alt_text: Option<String>,
}

/// One of a pin's text fields, named as in the JSON, the CSV columns and Pinterest's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Title,
    Description,
    Link,
    AltText,
}

impl TextField {
    /// In the order the checks report them and import fingerprints hash them (a new field goes
    /// last, or every stored fingerprint changes).
    pub const ALL: [TextField; 4] = [
        TextField::Title,
        TextField::Description,
        TextField::Link,
        TextField::AltText,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TextField::Title => "title",
            TextField::Description => "description",
            TextField::Link => "link",
            TextField::AltText => "alt_text",
        }
    }

    /// Pinterest's limit, in characters.
    pub fn max_chars(self) -> usize {
        match self {
            TextField::Title => limits::TITLE,
            TextField::Description => limits::DESCRIPTION,
            TextField::Link => limits::LINK,
            TextField::AltText => limits::ALT_TEXT,
        }
    }
}

/// What is wrong with one field of a pin's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    TooLong {
        field: TextField,
        chars: usize,
        max: usize,
    },
    /// The link is not an http(s) URL with a host.
    NotHttpUrl { field: TextField, value: String },
}

impl TextProblem {
    pub fn field(&self) -> TextField {
        match self {
            TextProblem::TooLong { field, .. } | TextProblem::NotHttpUrl { field, .. } => *field,
        }
    }

    /// The problem without the field's name (the import puts that in its own column).
    pub fn message(&self) -> String {
        match self {
            TextProblem::TooLong { chars, max, .. } => {
                format!("{chars} characters; Pinterest allows {max}")
            }
            TextProblem::NotHttpUrl { value, .. } => format!("{value:?} is not an http(s) URL"),
        }
    }
}

impl PinText {
    pub fn get(&self, field: TextField) -> Option<&str> {
        match field {
            TextField::Title => self.title.as_deref(),
            TextField::Description => self.description.as_deref(),
            TextField::Link => self.link.as_deref(),
            TextField::AltText => self.alt_text.as_deref(),
        }
    }

    /// The fields with their values, in `TextField::ALL`'s order.
    pub fn fields(&self) -> [(TextField, Option<&str>); 4] {
        TextField::ALL.map(|f| (f, self.get(f)))
    }

    /// Every problem, in order: each field against its limit, then the link's syntax.
    pub fn problems(&self) -> Vec<TextProblem> {
        let mut out = Vec::new();
        for (field, value) in self.fields() {
            let chars = value.map_or(0, |v| v.chars().count());
            let max = field.max_chars();
            if chars > max {
                out.push(TextProblem::TooLong { field, chars, max });
            }
        }
        if let Some(link) = &self.link {
            if !is_http_url(link) {
                out.push(TextProblem::NotHttpUrl {
                    field: TextField::Link,
                    value: link.clone(),
                });
            }
        }
        out
    }

    /// The first problem as compose and edit report it (`invalid_input`, "title: is 101
    /// characters; Pinterest allows 100").
    pub fn check(&self) -> Result<(), EngineError> {
        let Some(p) = self.problems().into_iter().next() else {
            return Ok(());
        };
        let verb = if matches!(p, TextProblem::TooLong { .. }) {
            "is "
        } else {
            ""
        };
        Err(EngineError::new(
            ErrorCode::InvalidInput,
            format!("{}: {verb}{}", p.field().name(), p.message()),
        ))
    }

    /// Reads the four columns, by name, from a row that selected `p.title, p.description,
    /// p.link, p.alt_text` (or the same names).
    pub fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PinText> {
        Ok(PinText {
            title: r.get("title")?,
            description: r.get("description")?,
            link: r.get("link")?,
            alt_text: r.get("alt_text")?,
        })
    }

    /// Serialises only the fields that are present, for a body that leaves absent fields out
    /// (Pinterest's). Use as `#[serde(flatten, serialize_with = "PinText::serialize_present")]`.
    pub fn serialize_present<S: Serializer>(text: &PinText, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let present: Vec<(TextField, &str)> = text
            .fields()
            .into_iter()
            .filter_map(|(f, v)| v.map(|v| (f, v)))
            .collect();
        let mut map = s.serialize_map(Some(present.len()))?;
        for (field, value) in present {
            map.serialize_entry(field.name(), value)?;
        }
        map.end()
    }
}

/// An absolute http(s) URL with a host.
pub fn is_http_url(value: &str) -> bool {
    matches!(url::Url::parse(value),
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(title: &str, link: &str) -> PinText {
        PinText {
            title: Some(title.into()),
            link: Some(link.into()),
            ..Default::default()
        }
    }

    #[test]
    fn limits_and_link_are_checked_in_order() {
        assert!(text("Soup", "https://e.com/soup").check().is_ok());
        let bad = text(&"x".repeat(101), "ftp://e.com");
        let problems = bad.problems();
        assert_eq!(
            problems,
            vec![
                TextProblem::TooLong {
                    field: TextField::Title,
                    chars: 101,
                    max: 100
                },
                TextProblem::NotHttpUrl {
                    field: TextField::Link,
                    value: "ftp://e.com".into()
                },
            ]
        );
        assert_eq!(
            bad.check().unwrap_err().message,
            "title: is 101 characters; Pinterest allows 100"
        );
        let e = text("ok", "not a url").check().unwrap_err();
        assert_eq!(e.message, "link: \"not a url\" is not an http(s) URL");
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let t = PinText {
            alt_text: Some("é".repeat(500)),
            ..Default::default()
        };
        assert!(t.check().is_ok());
    }

    #[test]
    fn absent_fields_are_null_or_left_out() {
        #[derive(Serialize)]
        struct Body {
            id: u8,
            #[serde(flatten, serialize_with = "PinText::serialize_present")]
            text: PinText,
        }
        let t = text("Soup", "https://e.com");
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            serde_json::json!({"title": "Soup", "description": null, "link": "https://e.com", "alt_text": null})
        );
        assert_eq!(
            serde_json::to_value(Body { id: 1, text: t }).unwrap(),
            serde_json::json!({"id": 1, "title": "Soup", "link": "https://e.com"})
        );
        let back: PinText = serde_json::from_str(r#"{"title":"Soup","link":null}"#).unwrap();
        assert_eq!(back.title.as_deref(), Some("Soup"));
        assert_eq!(back.link, None);
    }
}
