//! The forecast: when each pending job will actually go out, given the queue and the limits, and
//! which scheduled pins the limits will make late, by how much and because of which limit. It
//! replays the engine's own rule (one request per account when its lane allows, oldest due
//! first) on a copy of the live pacer, in global time order so that limits shared by every
//! account are shared in the forecast too. It ignores failures it cannot know about. Its warnings
//! are sentences for a person, naming the account (see `wording`).

use crate::{AccountId, JobId};
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::pacing::{LimitScope, Pacer, PauseReason, WindowUsage};
use crate::pinterest::types::Category;
use crate::store::job_state::JobState;
use crate::store::jobs::Job;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ForecastEntry {
    #[ts(type = "number")]
    pub job_id: JobId,
    #[ts(type = "number")]
    pub account_id: AccountId,
    pub due_at: DateTime<Utc>,
    pub expected_at: DateTime<Utc>,
    #[ts(type = "number")]
    pub late_seconds: i64,
    /// What held it back when late: a limit, e.g. "org_write 100/60s (user) limit", or a pause
    /// of the account's lane, e.g. "rate_limited pause" (the server's Retry-After).
    pub held_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Forecast {
    pub entries: Vec<ForecastEntry>,
    /// One sentence per account and cause, naming the account, e.g. "Kitchen Studio: 7 pins will
    /// be up to 2 min late (the limit is 6 writes a minute for this account)".
    pub warnings: Vec<String>,
    /// When the queue will use up a daily quota (a window of a day or more), per account.
    pub quota_exhausted: Vec<QuotaExhaustion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct QuotaExhaustion {
    #[ts(type = "number")]
    pub account_id: AccountId,
    /// e.g. "org_write 300/86400s (app)".
    pub limit: String,
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

fn describe_pause(reason: PauseReason) -> String {
    let name = serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!("{name} pause")
}

/// What held an account's pins back: the entries' `held_by`, and the same for a person.
#[derive(Debug, Clone)]
struct Blame {
    held_by: String,
    reason: String,
}

/// What holds `account`'s next send from `ready` to `at`: a pause of its lane lasting until its
/// slot (the server's Retry-After among them), else the limit whose window is full.
fn cause(
    pacer: &mut Pacer,
    account: AccountId,
    ready: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Option<Blame> {
    if let Some((_, reason)) = pacer
        .paused(account, ready)
        .filter(|(until, _)| *until >= at)
    {
        return Some(Blame {
            held_by: describe_pause(reason),
            reason: wording::pause_reason(reason).to_string(),
        });
    }
    pacer
        .binding_limit(account, Category::OrgWrite, ready)
        .map(|u| Blame {
            held_by: format!("{} limit", describe(&u)),
            reason: wording::allowance(&u),
        })
}

/// Pins later than this are reported as late.
pub const LATE_THRESHOLD: TimeDelta = TimeDelta::seconds(60);

/// The forecast of `pending` under `pacer` from `now`; `names` (account id to name, see
/// `Store::account_names`) names the accounts in the warnings.
pub fn forecast(
    pending: &[Job],
    pacer: &Pacer,
    names: &HashMap<AccountId, String>,
    now: DateTime<Utc>,
) -> Forecast {
    let mut pacer = pacer.clone();
    // Per account, its jobs in the order the engine takes them.
    let mut queues: BTreeMap<AccountId, Vec<&Job>> = BTreeMap::new();
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
    let mut last_sent: HashMap<AccountId, DateTime<Utc>> = HashMap::new();
    let mut served: HashMap<AccountId, u64> = HashMap::new();
    let mut blame: HashMap<AccountId, Blame> = HashMap::new();
    let mut held: HashMap<AccountId, Blame> = HashMap::new();
    let mut reasons: HashMap<String, String> = HashMap::new();
    let mut clock = now;
    // Each with what Pinterest allows, for the warning.
    let mut exhausted: Vec<(QuotaExhaustion, String)> = Vec::new();
    for turn in 1u64.. {
        // The account whose next job can go out first goes next; on a tie, the account served
        // least recently (the engine's fair share of limits shared by the app).
        let mut best: Option<(DateTime<Utc>, u64, AccountId, DateTime<Utc>)> = None;
        for (&account, q) in &queues {
            let Some(job) = q.last() else { continue };
            // Never earlier than the replay's clock: the windows only answer for times that
            // do not go backwards (the engine's own clock never does either).
            let ready = effective_due(job, now)
                .max(clock)
                .max(last_sent.get(&account).copied().unwrap_or(clock));
            let at = pacer.next_slot(account, Category::OrgWrite, ready);
            // What first held this job back, while the lane's own limit or pause was the
            // reason (later turns may find it ready only because the replay's clock moved on).
            if at > ready && !held.contains_key(&account) {
                if let Some(b) = cause(&mut pacer, account, ready, at) {
                    held.insert(account, b);
                }
            }
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
        // Blame what held the job back when it was ready, else what held it in an earlier
        // turn, else what held the backlog before it.
        let now_held = if at > ready {
            cause(&mut pacer, account, ready, at)
        } else {
            None
        };
        if let Some(b) = now_held.or_else(|| held.remove(&account)) {
            reasons.insert(b.held_by.clone(), b.reason.clone());
            blame.insert(account, b);
        }
        held.remove(&account);
        let held_by = blame.get(&account).map(|b| b.held_by.clone());
        pacer.record_send(account, Category::OrgWrite, at);
        for u in pacer.usage(account, at) {
            let daily =
                u.window_secs >= 86_400 && u.category.is_none_or(|c| c == Category::OrgWrite);
            let key = (account, describe(&u));
            if daily
                && u.used >= u.limit
                && !exhausted
                    .iter()
                    .any(|(e, _)| (e.account_id, e.limit.clone()) == key)
            {
                let quota = QuotaExhaustion {
                    account_id: account,
                    limit: key.1,
                    at,
                };
                exhausted.push((quota, wording::allowance(&u)));
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
    let mut warnings = summarize(&entries, &reasons, names);
    for (e, allowance) in &exhausted {
        warnings.push(format!(
            "{}: the queue uses up the allowance at {} ({})",
            wording::account_label(names, e.account_id),
            e.at.format("%Y-%m-%d %H:%M UTC"),
            allowance
        ));
    }
    let exhausted = exhausted.into_iter().map(|(e, _)| e).collect();
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

fn summarize(
    entries: &[ForecastEntry],
    reasons: &HashMap<String, String>,
    names: &HashMap<AccountId, String>,
) -> Vec<String> {
    let mut groups: BTreeMap<(AccountId, Option<String>), (usize, i64)> = BTreeMap::new();
    for e in entries
        .iter()
        .filter(|e| e.late_seconds > LATE_THRESHOLD.num_seconds())
    {
        let g = groups.entry((e.account_id, e.held_by.clone())).or_default();
        g.0 += 1;
        g.1 = g.1.max(e.late_seconds);
    }
    groups
        .into_iter()
        .map(|((account, held_by), (n, worst))| {
            let pins = if n == 1 { "pin" } else { "pins" };
            let why = held_by
                .and_then(|h| reasons.get(&h).cloned())
                .unwrap_or_else(|| wording::overdue(n).to_string());
            format!(
                "{}: {n} {pins} will be up to {} late ({why})",
                wording::account_label(names, account),
                wording::human(worst)
            )
        })
        .collect()
}

mod wording;

#[cfg(test)]
mod tests;
