//! Deciding whether a pin an attempt may have created is already on Pinterest. After a crash or
//! an unconfirmed attempt (timeout, dropped connection, garbled 2xx), the board's newest pins are
//! compared with the job: same board, title, description and link, created no earlier than a few
//! minutes before the attempt left, and not already claimed by another job. Only when no such pin
//! is there is the pin sent again.

use chrono::{DateTime, TimeDelta, Utc};

use crate::pinterest::types::Pin;
use crate::store::pins::PinContent;

/// Allowance for the difference between our clock and Pinterest's.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Page size of the board listing read by a check.
pub const PINS_CHECKED: u32 = 100;

/// A check reads at most this many pages (newest first) before it stops looking.
pub const MAX_PAGES_CHECKED: usize = 20;

/// True when `pin` was created before the attempt left (minus the skew allowance): pages past
/// such a pin cannot hold the attempt's pin.
pub fn created_before(pin: &Pin, sent_at: Option<DateTime<Utc>>) -> bool {
    match (sent_at, pin.created_at.as_deref().and_then(parse_created)) {
        (Some(sent), Some(created)) => created + CLOCK_SKEW < sent,
        _ => false,
    }
}

pub fn is_same_pin(
    candidate: &Pin,
    content: &PinContent,
    board_id: &str,
    sent_at: Option<DateTime<Utc>>,
) -> bool {
    let created_ok = match (sent_at, candidate.created_at.as_deref()) {
        (Some(sent), Some(created)) => {
            parse_created(created).is_none_or(|c| c + CLOCK_SKEW >= sent)
        }
        _ => true,
    };
    candidate.board_id == board_id
        && norm(&candidate.title) == norm(&content.title)
        && norm(&candidate.description) == norm(&content.description)
        && norm(&candidate.link) == norm(&content.link)
        && created_ok
}

fn norm(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

/// Pinterest writes `created_at` as RFC 3339, sometimes without a zone (then it is UTC).
fn parse_created(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|n| n.and_utc())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(title: &str, created: &str) -> Pin {
        Pin {
            id: "1".into(),
            created_at: Some(created.into()),
            board_id: "42".into(),
            board_section_id: None,
            title: Some(title.into()),
            description: None,
            link: Some("https://e.com".into()),
            alt_text: None,
            media: None,
        }
    }

    fn content(title: &str) -> PinContent {
        PinContent {
            title: Some(title.into()),
            link: Some("https://e.com".into()),
            ..Default::default()
        }
    }

    #[test]
    fn matches_only_the_same_pin_created_after_the_attempt() {
        let sent: DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
        assert!(is_same_pin(
            &pin("A", "2026-11-23T12:00:01Z"),
            &content("A"),
            "42",
            Some(sent)
        ));
        assert!(is_same_pin(
            &pin("A", "2026-11-23T12:00:01"),
            &content("A"),
            "42",
            Some(sent)
        ));
        assert!(!is_same_pin(
            &pin("B", "2026-11-23T12:00:01Z"),
            &content("A"),
            "42",
            Some(sent)
        ));
        assert!(!is_same_pin(
            &pin("A", "2026-11-23T12:00:01Z"),
            &content("A"),
            "43",
            Some(sent)
        ));
        assert!(
            !is_same_pin(
                &pin("A", "2026-11-22T12:00:00Z"),
                &content("A"),
                "42",
                Some(sent)
            ),
            "an old pin"
        );
    }
}
