//! The forecast: when each pending job will actually go out, given the queue and the limits, and
//! which scheduled pins the limits will make late, by how much and because of which limit. It
//! replays the engine's own rule (one request per account when its lane allows, oldest due
//! first) on a copy of the live pacer, in global time order so that limits shared by every
//! account are shared in the forecast too. It ignores failures it cannot know about.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::pacing::{LimitScope, Pacer, WindowUsage};
use crate::pinterest::types::Category;
use crate::store::job_state::JobState;
use crate::store::jobs::Job;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ForecastEntry {
    #[ts(type = "number")]
    pub job_id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    #[ts(type = "string")]
    pub due_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub expected_at: DateTime<Utc>,
    #[ts(type = "number")]
    pub late_seconds: i64,
    /// The limit responsible when late, e.g. "org_write 100/60s (user)".
    pub held_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Forecast {
    pub entries: Vec<ForecastEntry>,
    /// One sentence per account and limit, e.g. "14 pins will be up to 22 min late: org_write limit".
    pub warnings: Vec<String>,
    /// When the queue will use up a daily quota (a window of a day or more), per account.
    pub quota_exhausted: Vec<QuotaExhaustion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct QuotaExhaustion {
    #[ts(type = "number")]
    pub account_id: i64,
    /// e.g. "org_write 300/86400s (app)".
    pub limit: String,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
}

fn describe(u: &WindowUsage) -> String {
    let category = u.category.map_or("all requests", |c| c.as_str());
    let scope = if u.scope == LimitScope::App {
        "app"
    } else {
        "user"
    };
    format!("{category} {}/{}s ({scope})", u.limit, u.window_secs)
}

/// Pins later than this are reported as late.
pub const LATE_THRESHOLD: TimeDelta = TimeDelta::seconds(60);

pub fn forecast(pending: &[Job], pacer: &Pacer, now: DateTime<Utc>) -> Forecast {
    let mut pacer = pacer.clone();
    // Per account, its jobs in the order the engine takes them.
    let mut queues: BTreeMap<i64, Vec<&Job>> = BTreeMap::new();
    for job in pending {
        let when = match job.state {
            JobState::Scheduled => job.due_at,
            JobState::Due => Some(job.due_at.unwrap_or(now).min(now)),
            JobState::WaitingRetry => job.next_attempt_at,
            _ => None,
        };
        if let (Some(account), Some(_)) = (job.account_id, when) {
            queues.entry(account).or_default().push(job);
        }
    }
    for q in queues.values_mut() {
        q.sort_by_key(|j| (effective_due(j, now), j.id));
        q.reverse(); // pop from the end = oldest first
    }
    let mut entries = Vec::new();
    // When each account last sent in the replay, the order in which accounts were served (for
    // ties), and the limit last seen holding each account back (a backlog inherits it).
    let mut last_sent: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut served: HashMap<i64, u64> = HashMap::new();
    let mut blame: HashMap<i64, String> = HashMap::new();
    let mut clock = now;
    let mut exhausted: Vec<QuotaExhaustion> = Vec::new();
    for turn in 1u64.. {
        // The account whose next job can go out first goes next; on a tie, the account served
        // least recently (the engine's fair share of limits shared by the app).
        let mut best: Option<(DateTime<Utc>, u64, i64, DateTime<Utc>)> = None;
        for (&account, q) in &queues {
            let Some(job) = q.last() else { continue };
            // Never earlier than the replay's clock: the windows only answer for times that
            // do not go backwards (the engine's own clock never does either).
            let ready = effective_due(job, now)
                .max(clock)
                .max(last_sent.get(&account).copied().unwrap_or(clock));
            let at = pacer.next_slot(account, Category::OrgWrite, ready);
            let order = served.get(&account).copied().unwrap_or(0);
            if best.is_none_or(|(t, o, _, _)| (at, order) < (t, o)) {
                best = Some((at, order, account, ready));
            }
        }
        let Some((at, _, account, ready)) = best else {
            break;
        };
        served.insert(account, turn);
        clock = at;
        let job = queues
            .get_mut(&account)
            .and_then(Vec::pop)
            .expect("chosen from a non-empty queue");
        // Blame the limit that held the job back when it was ready, or the backlog's limit.
        if let Some(u) = pacer.binding_limit(account, Category::OrgWrite, ready) {
            blame.insert(account, format!("{} limit", describe(&u)));
        }
        let held_by = blame.get(&account).cloned();
        pacer.record_send(account, Category::OrgWrite, at);
        for u in pacer.usage(account, at) {
            let daily =
                u.window_secs >= 86_400 && u.category.is_none_or(|c| c == Category::OrgWrite);
            let key = (account, describe(&u));
            if daily
                && u.used >= u.limit
                && !exhausted
                    .iter()
                    .any(|e| (e.account_id, e.limit.clone()) == key)
            {
                exhausted.push(QuotaExhaustion {
                    account_id: account,
                    limit: key.1,
                    at,
                });
            }
        }
        last_sent.insert(account, at);
        let late = job
            .due_at
            .map_or(TimeDelta::zero(), |d| (at - d).max(TimeDelta::zero()));
        entries.push(ForecastEntry {
            job_id: job.id,
            account_id: account,
            due_at: job.due_at.unwrap_or(ready),
            expected_at: at,
            late_seconds: late.num_seconds(),
            held_by: (late > LATE_THRESHOLD).then_some(held_by).flatten(),
        });
    }
    let mut warnings = summarize(&entries);
    for e in &exhausted {
        warnings.push(format!(
            "account {}: the queue uses up the {} quota at {}",
            e.account_id,
            e.limit,
            e.at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    Forecast {
        entries,
        warnings,
        quota_exhausted: exhausted,
    }
}

fn effective_due(job: &Job, now: DateTime<Utc>) -> DateTime<Utc> {
    let t = match job.state {
        JobState::WaitingRetry => job.next_attempt_at,
        _ => job.due_at,
    };
    t.unwrap_or(now).max(now)
}

fn summarize(entries: &[ForecastEntry]) -> Vec<String> {
    let mut groups: BTreeMap<(i64, String), (usize, i64)> = BTreeMap::new();
    for e in entries
        .iter()
        .filter(|e| e.late_seconds > LATE_THRESHOLD.num_seconds())
    {
        let key = (
            e.account_id,
            e.held_by.clone().unwrap_or_else(|| "a pause".into()),
        );
        let g = groups.entry(key).or_default();
        g.0 += 1;
        g.1 = g.1.max(e.late_seconds);
    }
    groups
        .into_iter()
        .map(|((account, limit), (n, worst))| {
            let pins = if n == 1 { "pin" } else { "pins" };
            format!(
                "account {account}: {n} {pins} will be up to {} late: {limit}",
                human(worst)
            )
        })
        .collect()
}

fn human(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", (s + 59) / 60),
        s if s < 86_400 => format!("{:.1} h", s as f64 / 3600.0),
        s => format!("{:.1} days", s as f64 / 86_400.0),
    }
}

#[cfg(test)]
mod tests;
