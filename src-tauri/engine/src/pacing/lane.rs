//! The pacer: one lane per account with its own windows, plus the app-wide windows that every
//! lane shares. It answers "when may this account send a request of this category?" and learns
//! from each response: a policy the server lists with a lower limit than ours lowers ours, and
//! one with a window we do not have is added to the lane; a `remaining` lower than our count
//! implies is taken as sends we did not see; a 429 with no headers at all caps the busiest
//! window at what it held when the server refused.
//!
//! Assumed of Pinterest: a request is counted once, at some moment between our send and its
//! answer, and its `remaining` describes the window at that moment, whatever else was sent on
//! the account (so it is compared with our count at the send: `observe_answered`). Broken on
//! purpose in tests: another app spends the account's window on the simulator before PinPace
//! starts (`scheduler_vs_sim::sends_another_app_made_on_the_account_are_learned_from_remaining`),
//! and bench scenario 1 reads each window edge, where sends leave our window during a round
//! trip (before this rule each edge logged a few phantom sends, one run in two a +1 s pin).

use crate::AccountId;
use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::limits::{LimitScope, LimitSpec};
use super::window::RollingWindow;
use crate::pinterest::ratelimit::RateLimitSignals;
use crate::pinterest::types::Category;

#[derive(Debug, Clone)]
struct Limit {
    spec: LimitSpec,
    window: RollingWindow,
    /// The server taught this window (it was in no configured list).
    learned: bool,
    /// The lowest limit the server showed for this window, kept across a change of tier.
    server_limit: Option<u32>,
}

impl Limit {
    fn new(spec: LimitSpec) -> Self {
        let window = RollingWindow::new(spec.limit, spec.window());
        Limit {
            spec,
            window,
            learned: false,
            server_limit: None,
        }
    }

    /// Lowers the limit to what the server showed; remembered for a later change of tier.
    fn lower_to_server(&mut self, limit: u32) {
        if self.window.lower_limit(limit) {
            self.spec.limit = self.window.limit();
            self.server_limit = Some(self.spec.limit);
        }
    }

    fn same_window(&self, spec: &LimitSpec) -> bool {
        self.spec.category == spec.category && self.spec.window_secs == spec.window_secs
    }
}

/// The limits `specs` asks for, each taking over what an old limit of the same window counted
/// (and the lower limit the server showed for it), or else refilled from `sends`.
fn carry_over(
    specs: impl Iterator<Item = LimitSpec>,
    old: &[Limit],
    sends: &[(Category, DateTime<Utc>)],
) -> Vec<Limit> {
    specs
        .map(|spec| match old.iter().find(|o| o.same_window(&spec)) {
            Some(o) => {
                let limit = o.server_limit.map_or(spec.limit, |s| s.min(spec.limit));
                Limit {
                    window: o.window.carried(limit),
                    spec: LimitSpec { limit, ..spec },
                    learned: false,
                    server_limit: o.server_limit,
                }
            }
            None => {
                let mut l = Limit::new(spec);
                for (category, at) in sends {
                    if l.spec.applies_to(*category) {
                        l.window.record(*at);
                    }
                }
                l
            }
        })
        .collect()
}

/// Why a lane is not sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PauseReason {
    RateLimited,
    SpamBlock,
    Offline,
    NeedsReconnect,
    User,
    /// PinPace could not prepare the next pin (a local read failed); it tries again shortly.
    LocalError,
    /// The keychain holding the account's tokens cannot be read now (locked, or its service
    /// not running yet); PinPace tries again shortly. It is not a disconnect.
    SecretsLocked,
}

#[derive(Debug, Clone, Default)]
struct Lane {
    limits: Vec<Limit>,
    paused: Option<(DateTime<Utc>, PauseReason)>,
    /// The server's own "not before" (Retry-After, a 429's reset): kept apart from other pauses
    /// so that a user's resume never shortens it.
    server_floor: Option<DateTime<Utc>>,
    /// 429s in a row that carried no rate-limit information at all.
    bare_429_streak: u32,
}

/// The first wait after a 429 that says nothing, doubled for each one in a row, up to the cap.
pub const BARE_429_BACKOFF: TimeDelta = TimeDelta::seconds(5);
pub const BARE_429_BACKOFF_CAP: TimeDelta = TimeDelta::minutes(5);

/// The longest window the pacer takes on from a server's policy list (a day: Pinterest's
/// longest documented window).
const LONGEST_LEARNED_WINDOW_SECS: u64 = 86_400;

/// One limit's state, for the live panel and the forecast.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WindowUsage {
    pub scope: LimitScope,
    pub category: Option<Category>,
    pub limit: u32,
    #[ts(type = "number")]
    pub window_secs: u64,
    pub used: u32,
    pub next_free: DateTime<Utc>,
}

#[derive(Debug, Default, Clone)]
pub struct Pacer {
    lanes: HashMap<AccountId, Lane>,
    app: Vec<Limit>,
}

impl Pacer {
    /// A pacer whose app-wide limits are the `App`-scoped entries of `specs`.
    pub fn new(app_specs: &[LimitSpec]) -> Self {
        let app = app_specs
            .iter()
            .filter(|s| s.scope == LimitScope::App)
            .cloned()
            .map(Limit::new)
            .collect();
        Pacer {
            lanes: HashMap::new(),
            app,
        }
    }

    /// True when some limit is shared by every account of the app.
    pub fn has_app_limits(&self) -> bool {
        !self.app.is_empty()
    }

    /// Sets an account's own limits (its `User`-scoped entries); keeps nothing of the old ones.
    pub fn set_account_limits(&mut self, account: AccountId, specs: &[LimitSpec]) {
        let lane = self.lanes.entry(account).or_default();
        lane.limits = specs
            .iter()
            .filter(|s| s.scope == LimitScope::User)
            .cloned()
            .map(Limit::new)
            .collect();
    }

    /// The limits changed while running (an account's access tier, set in Settings): the
    /// account's own limits become `user_specs`, the app-wide ones `app_specs` (every account's,
    /// as at start-up). A window kept from before keeps what it counted and the lower limit the
    /// server showed; a new one is refilled with the requests really sent (`sends`: every
    /// account's of the last day); windows the server taught stay. Pauses and the server's
    /// floor are untouched. So a change never opens a burst, and a tier left is left at once.
    pub fn replace_limits(
        &mut self,
        account: AccountId,
        user_specs: &[LimitSpec],
        app_specs: &[LimitSpec],
        sends: &[(AccountId, Category, DateTime<Utc>)],
    ) {
        let mine: Vec<(Category, DateTime<Utc>)> = sends
            .iter()
            .filter(|(who, _, _)| *who == account)
            .map(|(_, c, at)| (*c, *at))
            .collect();
        let all: Vec<(Category, DateTime<Utc>)> =
            sends.iter().map(|(_, c, at)| (*c, *at)).collect();
        let lane = self.lanes.entry(account).or_default();
        let old = std::mem::take(&mut lane.limits);
        let wanted = user_specs
            .iter()
            .filter(|s| s.scope == LimitScope::User)
            .cloned();
        lane.limits = carry_over(wanted, &old, &mine);
        for learned in old.into_iter().filter(|o| o.learned) {
            if !lane.limits.iter().any(|l| l.same_window(&learned.spec)) {
                lane.limits.push(learned);
            }
        }
        let old_app = std::mem::take(&mut self.app);
        let wanted = app_specs
            .iter()
            .filter(|s| s.scope == LimitScope::App)
            .cloned();
        self.app = carry_over(wanted, &old_app, &all);
    }

    /// The earliest time at or after `now` when `account` may send a `category` request.
    pub fn next_slot(
        &mut self,
        account: AccountId,
        category: Category,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        self.slot(account, category, now, true)
    }

    /// `next_slot` without the lane's pause (offline probe, reconnect, pause-all): for a read
    /// the user asked for, such as a board sync, which a pause of the queue's sends does not
    /// hold back. The server's floor and every window still do.
    pub fn next_slot_unpaused(
        &mut self,
        account: AccountId,
        category: Category,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        self.slot(account, category, now, false)
    }

    fn slot(
        &mut self,
        account: AccountId,
        category: Category,
        now: DateTime<Utc>,
        honour_pause: bool,
    ) -> DateTime<Utc> {
        let lane = self.lanes.entry(account).or_default();
        let mut at = now;
        if let Some(floor) = lane.server_floor {
            at = at.max(floor);
        }
        if let Some((until, _)) = lane.paused.filter(|_| honour_pause) {
            at = at.max(until);
        }
        for l in lane.limits.iter_mut().chain(self.app.iter_mut()) {
            if l.spec.applies_to(category) {
                at = at.max(l.window.next_free(at));
            }
        }
        at
    }

    /// Moves a send recorded at `from` to `to`, when its answer arrived (see `RollingWindow::restamp`).
    pub fn restamp_send(
        &mut self,
        account: AccountId,
        category: Category,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) {
        let lane = self.lanes.entry(account).or_default();
        for l in lane.limits.iter_mut().chain(self.app.iter_mut()) {
            if l.spec.applies_to(category) {
                l.window.restamp(from, to);
            }
        }
    }

    /// Records that a request left at `at`.
    pub fn record_send(&mut self, account: AccountId, category: Category, at: DateTime<Utc>) {
        let lane = self.lanes.entry(account).or_default();
        for l in lane.limits.iter_mut().chain(self.app.iter_mut()) {
            if l.spec.applies_to(category) {
                l.window.record(at);
            }
        }
    }

    /// A 429 response. The send recorded for it stays counted (conservative by one slot). Limits
    /// are learned from its headers; the lane then waits for the server's Retry-After, or, when
    /// the answer carried nothing at all, either caps the busiest window at what it accepted (if
    /// that window was at least half used: our model was too generous) or backs off with a
    /// doubling wait (a burst from elsewhere is no reason to lower a limit for good).
    pub fn observe_429(
        &mut self,
        account: AccountId,
        category: Category,
        signals: &RateLimitSignals,
        now: DateTime<Utc>,
    ) {
        self.learn(account, category, signals, now, now);
        let lane = self.lanes.entry(account).or_default();
        let told = signals.retry_after_at.or(signals.reset_at);
        let bare = signals.policies.is_empty() && signals.remaining.is_none() && told.is_none();
        lane.bare_429_streak += 1;
        let mut learned = false;
        if bare {
            let busiest = lane
                .limits
                .iter_mut()
                .filter(|l| l.spec.applies_to(category))
                .max_by(|a, b| ratio(a, now).total_cmp(&ratio(b, now)));
            if let Some(l) = busiest.filter(|l| ratio(l, now) >= 0.5) {
                let accepted = l.window.used(now).saturating_sub(1);
                l.lower_to_server(accepted);
                learned = true;
            }
        }
        let streak = lane.bare_429_streak;
        let mut until = told
            .unwrap_or(now)
            .max(self.next_slot(account, category, now));
        if until <= now && !learned {
            // Nothing says how long to wait: back off, doubling for each 429 in a row.
            let doublings = streak.saturating_sub(1).min(16);
            until = now + (BARE_429_BACKOFF * 2i32.pow(doublings)).min(BARE_429_BACKOFF_CAP);
        }
        self.hold_until(account, until);
    }

    /// A response that was not a 429: corrects the model from its rate-limit headers.
    pub fn observe(
        &mut self,
        account: AccountId,
        category: Category,
        signals: &RateLimitSignals,
        now: DateTime<Utc>,
    ) {
        self.observe_answered(account, category, signals, now, now);
    }

    /// `observe`, for the answer to a request sent at `sent` (before `now`). The server counted
    /// the request, and wrote its `remaining`, at some moment between `sent` and the answer; we
    /// do not know when. So its `remaining` is compared with our count at `sent`: a send of ours
    /// still in the server's window when it counted is in ours at `sent` (an answered send is
    /// dated by its answer, never before the server saw it), while one that left our window
    /// during the round trip may still have been in the server's. Compared at the answer's
    /// time, each such send looked like one we had not seen (at a window's edge, a few per
    /// answer), and held a slot of the next window until the server's whole-second reset (the
    /// +1 s straggler of bench scenario 1). What this misses: our sends that left after this
    /// one and that the server had not counted yet make ours look fuller, hiding as many
    /// unseen sends (at most the sends in flight then); later answers see them.
    pub fn observe_answered(
        &mut self,
        account: AccountId,
        category: Category,
        signals: &RateLimitSignals,
        sent: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        self.lanes.entry(account).or_default().bare_429_streak = 0;
        self.learn(account, category, signals, sent, now);
        // A Retry-After on any answer (a 503 too) is the server's floor.
        if let Some(t) = signals.retry_after_at.filter(|t| *t > now) {
            self.hold_until(account, t);
        }
    }

    /// Raises the server's floor for `account` (never lowers it).
    pub fn hold_until(&mut self, account: AccountId, until: DateTime<Utc>) {
        let lane = self.lanes.entry(account).or_default();
        lane.server_floor = Some(lane.server_floor.map_or(until, |f| f.max(until)));
    }

    /// The server's floor, if it is still ahead of `now` (persisted across restarts).
    pub fn server_floor(&self, account: AccountId, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.lanes.get(&account)?.server_floor.filter(|f| *f > now)
    }

    fn learn(
        &mut self,
        account: AccountId,
        category: Category,
        signals: &RateLimitSignals,
        sent: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        let lane = self.lanes.entry(account).or_default();
        // A window the server enforces and we did not know of (a limit that is not in the
        // preset): from now on the lane keeps it too.
        for policy in &signals.policies {
            let secs = policy.window.as_secs();
            let known = lane
                .limits
                .iter()
                .chain(self.app.iter())
                .any(|l| l.spec.applies_to(category) && l.spec.window_secs == secs);
            if !known && (1..=LONGEST_LEARNED_WINDOW_SECS).contains(&secs) {
                let limit = u32::try_from(policy.limit).unwrap_or(u32::MAX);
                let mut taught = Limit::new(LimitSpec {
                    scope: LimitScope::User,
                    category: Some(category),
                    limit,
                    window_secs: secs,
                });
                taught.learned = true;
                taught.server_limit = Some(limit);
                lane.limits.push(taught);
            }
        }
        let applicable = lane
            .limits
            .iter_mut()
            .chain(self.app.iter_mut())
            .filter(|l| l.spec.applies_to(category));
        let mut applicable: Vec<&mut Limit> = applicable.collect();
        for policy in &signals.policies {
            let secs = policy.window.as_secs();
            if let Some(l) = applicable.iter_mut().find(|l| l.spec.window_secs == secs) {
                l.lower_to_server(u32::try_from(policy.limit).unwrap_or(u32::MAX));
            }
        }
        // `remaining` belongs to the policy closest to exhaustion, named only by the leading
        // limit: one of the listed policies with that limit (with none listed, one of our
        // windows with it). Which one, when several share the limit (Pinterest's 100 a second
        // and 100 a minute), the header does not say. If one of our windows with that limit
        // has no more room than the server says, our model already holds what the server
        // counted. Otherwise the server counted sends we did not see: they are recorded in the
        // longest of those windows (the longer wait is the safe mistake). Ours is counted at
        // the request's send time (see `observe_answered`).
        if let (Some(limit), Some(remaining)) = (signals.limit, signals.remaining) {
            let listed: Vec<u64> = signals
                .policies
                .iter()
                .filter(|p| p.limit == limit)
                .map(|p| p.window.as_secs())
                .collect();
            let named = |l: &Limit| {
                u64::from(l.window.limit()) == limit
                    && (listed.is_empty() || listed.contains(&l.spec.window_secs))
            };
            let theirs = u32::try_from(remaining).unwrap_or(u32::MAX);
            // Each named window's room when the request left, read once.
            let mut ours_by_window: Vec<(&mut &mut Limit, u32)> = applicable
                .iter_mut()
                .filter(|l| named(l))
                .map(|l| {
                    let ours = l.window.remaining_at(sent, now);
                    (l, ours)
                })
                .collect();
            let explained = ours_by_window.iter().any(|(_, ours)| *ours <= theirs);
            let longest = ours_by_window
                .iter_mut()
                .max_by_key(|(l, _)| l.spec.window_secs);
            if let Some((l, ours)) = longest.filter(|_| !explained) {
                let ours = *ours;
                // Sends the server counted and we did not see. When the server says when its
                // window frees up, they are dated so that they leave our window then (a send of
                // ours stamped a moment earlier than the server saw it would otherwise be
                // counted twice, for a whole window); without a reset, they are dated now.
                let at = signals
                    .reset_at
                    .map(|reset| reset - l.spec.window_delta())
                    .filter(|t| *t <= now)
                    .unwrap_or(now);
                tracing::debug!(
                    %account,
                    ?category,
                    window_secs = l.spec.window_secs,
                    ours,
                    theirs,
                    leave_at = %(at + l.spec.window_delta()),
                    "the server counted sends we did not see: holding that many slots until its reset"
                );
                for _ in theirs..ours {
                    l.window.record(at);
                }
            }
        }
    }

    /// The limit that holds a `category` request of `account` back at `at`, if one does.
    pub fn binding_limit(
        &mut self,
        account: AccountId,
        category: Category,
        at: DateTime<Utc>,
    ) -> Option<WindowUsage> {
        let slot = self.next_slot(account, category, at);
        if slot <= at {
            return None;
        }
        self.usage(account, at)
            .into_iter()
            .filter(|u| u.category.is_none_or(|c| c == category))
            .max_by_key(|u| u.next_free)
    }

    pub fn pause(&mut self, account: AccountId, until: DateTime<Utc>, reason: PauseReason) {
        let lane = self.lanes.entry(account).or_default();
        // A pause only ever grows: the server's word is a floor.
        lane.paused = match lane.paused {
            Some((old, old_reason)) if old > until => Some((old, old_reason)),
            _ => Some((until, reason)),
        };
    }

    pub fn resume(&mut self, account: AccountId) {
        if let Some(lane) = self.lanes.get_mut(&account) {
            lane.paused = None;
        }
    }

    /// Why and until when the lane is held: its pause, or the server's floor, whichever ends later.
    pub fn paused(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, PauseReason)> {
        let lane = self.lanes.get(&account)?;
        let floor = lane.server_floor.map(|f| (f, PauseReason::RateLimited));
        match (lane.paused, floor) {
            (Some(p), Some(f)) => Some(if f.0 > p.0 { f } else { p }),
            (p, f) => p.or(f),
        }
        .filter(|(until, _)| *until > now)
    }

    /// Every window that applies to `account`, for display.
    pub fn usage(&mut self, account: AccountId, now: DateTime<Utc>) -> Vec<WindowUsage> {
        let lane = self.lanes.entry(account).or_default();
        lane.limits
            .iter_mut()
            .chain(self.app.iter_mut())
            .map(|l| WindowUsage {
                scope: l.spec.scope,
                category: l.spec.category,
                limit: l.window.limit(),
                window_secs: l.spec.window_secs,
                used: l.window.used(now),
                next_free: l.window.next_free(now),
            })
            .collect()
    }
}

fn ratio(l: &Limit, now: DateTime<Utc>) -> f64 {
    let mut w = l.window.clone();
    f64::from(w.used(now)) / f64::from(w.limit())
}

#[cfg(test)]
mod tests;
