use chrono::{NaiveTime, TimeZone, Utc};

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn ordinary_times_convert_both_sides_of_a_change() {
    let paris = parse_zone("Europe/Paris").unwrap();
    assert_eq!(
        to_utc(paris, parse_local("2026-03-28T09:00").unwrap()),
        utc("2026-03-28T08:00:00Z")
    );
    assert_eq!(
        to_utc(paris, parse_local("2026-03-30T09:00").unwrap()),
        utc("2026-03-30T07:00:00Z")
    );
}

#[test]
fn a_time_in_the_spring_gap_moves_forward_by_the_gap() {
    let paris = parse_zone("Europe/Paris").unwrap();
    // 2026-03-29 02:00 -> 03:00 in Paris: 02:30 does not exist; it becomes 03:30 CEST = 01:30Z.
    assert_eq!(
        to_utc(paris, parse_local("2026-03-29T02:30").unwrap()),
        utc("2026-03-29T01:30:00Z")
    );
    let ny = parse_zone("America/New_York").unwrap();
    assert_eq!(
        to_utc(ny, parse_local("2026-03-08T02:15").unwrap()),
        utc("2026-03-08T07:15:00Z")
    );
}

#[test]
fn a_time_in_the_autumn_overlap_takes_the_first() {
    let paris = parse_zone("Europe/Paris").unwrap();
    // 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice; the first is 00:30Z.
    assert_eq!(
        to_utc(paris, parse_local("2026-10-25T02:30").unwrap()),
        utc("2026-10-25T00:30:00Z")
    );
}

#[test]
fn a_daily_slot_keeps_its_local_time_across_the_change() {
    let paris = parse_zone("Europe/Paris").unwrap();
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    let mut at = utc("2026-03-27T12:00:00Z");
    let mut locals = vec![];
    for _ in 0..4 {
        at = next_daily(paris, nine, at);
        locals.push(at.with_timezone(&paris).format("%d %H:%M").to_string());
    }
    assert_eq!(locals, ["28 09:00", "29 09:00", "30 09:00", "31 09:00"]);
    assert_eq!(at, Utc.with_ymd_and_hms(2026, 3, 31, 7, 0, 0).unwrap());
}

#[test]
fn bad_zones_and_times_are_clear_errors() {
    assert_eq!(
        parse_zone("Mars/Olympus").unwrap_err().code,
        crate::error::ErrorCode::InvalidInput
    );
    assert_eq!(
        parse_local("tomorrow").unwrap_err().code,
        crate::error::ErrorCode::InvalidInput
    );
}
