use super::*;
use crate::pin_text::PinText;

fn pin(id: &str, title: &str, created: &str) -> Pin {
    Pin {
        id: id.into(),
        created_at: Some(created.into()),
        board_id: "42".into(),
        board_section_id: None,
        text: PinText {
            title: Some(title.into()),
            description: None,
            link: Some("https://e.com".into()),
            alt_text: None,
        },
        media: None,
    }
}

fn content(title: &str) -> PinContent {
    PinContent {
        text: PinText {
            title: Some(title.into()),
            link: Some("https://e.com".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn scan_once(pins: &[Pin], claimed: &HashSet<String>, start: Option<DateTime<Utc>>) -> Verdict {
    let c = content("A");
    let mut scan = BoardScan::new(&c, "42", claimed, start);
    // One page and no bookmark: the listing ends here.
    scan.page(pins);
    scan.verdict(true)
}

#[test]
fn the_window_follows_the_servers_clock() {
    let sent = at("2026-11-23T12:00:00Z");
    // Server 10 minutes behind: our 12:00 is its 11:50.
    let start = window_start(Some(sent), Some(TimeDelta::minutes(-10))).unwrap();
    assert!(start <= at("2026-11-23T11:50:00Z"));
    assert!(start > at("2026-11-23T11:49:50Z"));
    // Never learned: wide.
    let wide = window_start(Some(sent), None).unwrap();
    assert_eq!(wide, sent - UNKNOWN_CLOCK_ALLOWANCE);
}

#[test]
fn matches_only_the_same_unclaimed_pin_created_in_the_window() {
    let start = Some(at("2026-11-23T11:50:00Z"));
    let none = HashSet::new();
    let found = scan_once(&[pin("1", "A", "2026-11-23T11:50:01Z")], &none, start);
    assert!(matches!(found, Verdict::Found(p) if p.id == "1"));
    let zoneless = scan_once(&[pin("1", "A", "2026-11-23T11:50:01")], &none, start);
    assert!(matches!(zoneless, Verdict::Found(_)));
    let other = scan_once(&[pin("1", "B", "2026-11-23T11:50:01Z")], &none, start);
    assert_eq!(other, Verdict::Absent);
    let old = scan_once(&[pin("1", "A", "2026-11-23T11:49:00Z")], &none, start);
    assert_eq!(old, Verdict::Absent, "a look-alike from before the attempt");
    let claimed: HashSet<String> = ["1".to_string()].into();
    let taken = scan_once(&[pin("1", "A", "2026-11-23T11:50:01Z")], &claimed, start);
    assert_eq!(taken, Verdict::Absent, "another job's pin");
}

#[test]
fn an_unordered_listing_is_read_past_older_pins() {
    let start = Some(at("2026-11-23T12:00:00Z"));
    let none = HashSet::new();
    let c = content("A");
    let mut scan = BoardScan::new(&c, "42", &none, start);
    // Oldest first: an old pin first does not end the walk, since the page is ascending.
    let more = scan.page(&[
        pin("1", "B", "2026-11-20T10:00:00Z"),
        pin("2", "B", "2026-11-21T10:00:00Z"),
    ]);
    assert!(more, "the listing is not newest-first: read on");
    assert!(scan.page(&[pin("3", "B", "2026-11-22T10:00:00Z")]));
    // The cap is reached without the end of the board: nothing is decided.
    assert!(matches!(scan.verdict(false), Verdict::Inconclusive(_)));
}

#[test]
fn a_newest_first_listing_stops_at_the_first_older_pin() {
    let start = Some(at("2026-11-23T12:00:00Z"));
    let none = HashSet::new();
    let c = content("A");
    let mut scan = BoardScan::new(&c, "42", &none, start);
    let more = scan.page(&[
        pin("3", "B", "2026-11-23T12:00:05Z"),
        pin("2", "B", "2026-11-23T11:00:00Z"),
    ]);
    assert!(!more);
    assert_eq!(scan.verdict(false), Verdict::Absent);
}

#[test]
fn of_two_matches_the_oldest_is_the_jobs_first_creation() {
    let start = Some(at("2026-11-23T12:00:00Z"));
    let none = HashSet::new();
    let c = content("A");
    let mut scan = BoardScan::new(&c, "42", &none, start);
    scan.page(&[
        pin("9", "A", "2026-11-23T12:00:09Z"),
        pin("5", "A", "2026-11-23T12:00:05Z"),
    ]);
    assert!(matches!(scan.verdict(true), Verdict::Found(p) if p.id == "5"));
}
