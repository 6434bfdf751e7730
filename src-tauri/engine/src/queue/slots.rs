//! Per-account posting slots ("every weekday at 09:00, 13:00 and 19:00, Paris time") and the
//! "next free slot" they give: the earliest slot after now that no open job of the account
//! already holds. Slots are local times in the plan's zone, turned into UTC day by day through
//! `schedule_time::to_utc`, so 09:00 stays 09:00 across daylight-saving changes. A plan lives in
//! the settings table under the account's key (no secret, small, read on demand).

use crate::AccountId;
use chrono::{DateTime, Datelike, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{EngineError, ErrorCode};
use crate::scheduler::schedule_time::{parse_zone, to_utc};
use crate::store::job_state::JobState;
use crate::Store;

/// An account's posting slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlotPlan {
    /// Days of the week, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// Local times, `HH:MM`.
    pub times: Vec<String>,
    /// IANA zone the times are in.
    pub time_zone: String,
}

/// A slot holds a job due within this much of it.
const HELD_WITHIN: TimeDelta = TimeDelta::minutes(1);
/// How far ahead a free slot is looked for.
const HORIZON_DAYS: i64 = 366;

fn key(account: AccountId) -> String {
    format!("slots:{account}")
}

fn bad(m: impl Into<String>) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, m)
}

impl SlotPlan {
    /// Checks the plan and returns its times sorted, without duplicates.
    fn parsed(&self) -> Result<(chrono_tz::Tz, Vec<NaiveTime>, Vec<u8>), EngineError> {
        let zone = parse_zone(&self.time_zone)?;
        let mut days = self.days.clone();
        days.sort_unstable();
        days.dedup();
        if days.is_empty() || days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(bad(
                "choose at least one day of the week (1 = Monday … 7 = Sunday)",
            ));
        }
        let mut times = Vec::new();
        for t in &self.times {
            let time = NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map_err(|_| bad(format!("{t:?} is not a time like 09:00")))?;
            times.push(time);
        }
        times.sort_unstable();
        times.dedup();
        if times.is_empty() || times.len() > 48 {
            return Err(bad("give from 1 to 48 times a day"));
        }
        Ok((zone, times, days))
    }
}

/// Saves `account`'s plan (checked first; nothing is written if it is not valid).
pub fn set_slots(store: &Store, account: AccountId, plan: &SlotPlan) -> Result<(), EngineError> {
    store.account(account)?;
    plan.parsed()?;
    store.set_setting(&key(account), plan)
}

pub fn slots(store: &Store, account: AccountId) -> Option<SlotPlan> {
    store.setting(&key(account))
}

/// The earliest slot of `account` after `after` that no open job of the account holds.
pub fn next_free_slot(
    store: &Store,
    account: AccountId,
    after: DateTime<Utc>,
) -> Result<DateTime<Utc>, EngineError> {
    let plan = slots(store, account)
        .ok_or_else(|| bad("this account has no time slots yet: set them on the Accounts tab"))?;
    let (zone, times, days) = plan.parsed()?;
    let mut held: Vec<DateTime<Utc>> = Vec::new();
    for state in JobState::WAITING {
        held.extend(
            store
                .jobs_in_state(state)?
                .into_iter()
                .filter(|j| j.account_id == Some(account))
                .filter_map(|j| j.due_at),
        );
    }
    let first_day = after.with_timezone(&zone).date_naive();
    for offset in 0..HORIZON_DAYS {
        let day = first_day + TimeDelta::days(offset);
        let weekday = day.weekday().number_from_monday() as u8;
        if !days.contains(&weekday) {
            continue;
        }
        for time in &times {
            let at = to_utc(zone, day.and_time(*time));
            if at > after && !held.iter().any(|h| (*h - at).abs() < HELD_WITHIN) {
                return Ok(at);
            }
        }
    }
    Err(bad(
        "every slot of the coming year is taken: add times or days",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::{compose, BoardTarget, ComposeRequest};
    use crate::pin_text::PinText;
    use crate::pinterest::Environment;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn setup() -> (Store, AccountId) {
        let mut store = Store::open_in_memory().unwrap();
        let a = store
            .insert_account("Studio", &Environment::Sandbox, at("2026-11-23T00:00:00Z"))
            .unwrap();
        (store, a)
    }

    fn weekdays_paris() -> SlotPlan {
        SlotPlan {
            days: vec![1, 2, 3, 4, 5],
            times: vec!["19:00".into(), "09:00".into(), "13:00".into()],
            time_zone: "Europe/Paris".into(),
        }
    }

    #[test]
    fn the_next_slot_skips_taken_ones_weekends_and_the_past() {
        let (mut store, a) = setup();
        set_slots(&store, a, &weekdays_paris()).unwrap();
        // Friday 2026-11-27 12:00 UTC = 13:00 Paris: the 13:00 slot is not after "now".
        let now = at("2026-11-27T12:00:00Z");
        assert_eq!(
            next_free_slot(&store, a, now).unwrap(),
            at("2026-11-27T18:00:00Z")
        );
        // Take Friday 19:00: the next is Monday 09:00 (the weekend has no slot).
        let req = ComposeRequest {
            text: PinText {
                title: Some("x".into()),
                ..Default::default()
            },
            image_url: Some("https://example.com/x.jpg".into()),
            account_id: Some(a),
            boards: vec![BoardTarget {
                board_id: "1".into(),
                section_id: None,
            }],
            at: Some(at("2026-11-27T18:00:00Z")),
            ..Default::default()
        };
        compose(&mut store, &req, now).unwrap();
        assert_eq!(
            next_free_slot(&store, a, now).unwrap(),
            at("2026-11-30T08:00:00Z")
        );
    }

    #[test]
    fn slots_keep_their_local_time_across_a_daylight_saving_change() {
        let (store, a) = setup();
        let plan = SlotPlan {
            days: vec![1, 2, 3, 4, 5, 6, 7],
            times: vec!["09:00".into()],
            time_zone: "Europe/Paris".into(),
        };
        set_slots(&store, a, &plan).unwrap();
        // Paris leaves summer time on 2026-10-25: 09:00 is 07:00 UTC before, 08:00 after.
        assert_eq!(
            next_free_slot(&store, a, at("2026-10-24T10:00:00Z")).unwrap(),
            at("2026-10-25T08:00:00Z")
        );
        assert_eq!(
            next_free_slot(&store, a, at("2026-10-23T10:00:00Z")).unwrap(),
            at("2026-10-24T07:00:00Z")
        );
    }

    #[test]
    fn a_bad_plan_is_refused_and_nothing_is_saved() {
        let (store, a) = setup();
        for plan in [
            SlotPlan {
                days: vec![],
                ..weekdays_paris()
            },
            SlotPlan {
                days: vec![8],
                ..weekdays_paris()
            },
            SlotPlan {
                times: vec!["25:00".into()],
                ..weekdays_paris()
            },
            SlotPlan {
                time_zone: "Mars/Olympus".into(),
                ..weekdays_paris()
            },
        ] {
            assert_eq!(
                set_slots(&store, a, &plan).unwrap_err().code,
                ErrorCode::InvalidInput
            );
        }
        assert!(slots(&store, a).is_none());
        assert_eq!(
            next_free_slot(&store, a, at("2026-11-27T12:00:00Z"))
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }
}
