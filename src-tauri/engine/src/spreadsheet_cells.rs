//! Cells that a spreadsheet would run as a formula. A pin's text is the user's (or an imported
//! file's) own, and a title such as `=HYPERLINK("https://evil.example","x")` or `@SUM(A1)` in an
//! exported CSV would be evaluated when the file is opened in Excel, LibreOffice or Sheets (CSV
//! injection). The export writes such a cell with a leading apostrophe, which spreadsheets show
//! as text and hide; the importer takes that apostrophe off again, so an export imported into
//! another PinPace gives back the same text (a cell that really begins with an apostrophe
//! followed by one of these characters loses the apostrophe: the one ambiguity, accepted).
//!
//! The characters are OWASP's list: `=`, `+`, `-`, `@`, tab and carriage return.

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as the export writes it: unchanged, or with an apostrophe before a formula trigger.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(TRIGGERS) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The cell as the importer reads it: the export's apostrophe, if it is one, taken off.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_quoted_and_come_back_unchanged() {
        for cell in ["=1+1", "+33 6 12", "-5 tips", "@SUM(A1)", "\tx", "\rx"] {
            let written = neutralise(cell);
            assert_eq!(written, format!("'{cell}"));
            assert_eq!(restore(&written), cell);
        }
        for cell in [
            "Salad",
            "",
            "1-2-3",
            "'quoted'",
            "https://e.com/=x",
            "2031-01-01T10:00:00Z",
        ] {
            assert_eq!(neutralise(cell), cell);
            assert_eq!(restore(cell), cell);
        }
    }
}
