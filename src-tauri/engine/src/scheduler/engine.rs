//! The engine task. One loop owns the decisions: it promotes jobs whose time came, starts at most
//! one attempt per account when that account's lane allows, applies each attempt's report as
//! store transitions, and sleeps until the next thing can happen (a due time, a lane's next free
//! slot, a pause's end) or a report or command arrives. There is no polling tick; the longest
//! sleep is capped so a wall-clock jump (suspend, resume, clock change) is noticed within
//! `max_sleep`. Dropping the handle stops the task.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::dispatch::{run_attempt, AttemptInput, AttemptReport, AttemptResult};
use super::events::{Counters, EngineEvent, EventBus, LaneSnapshot};
use super::retry::RetryPolicy;
use super::tokens::TokenStore;
use crate::clock::SharedClock;
use crate::pacing::{LimitSpec, Pacer, PauseReason};
use crate::pinterest::types::Category;
use crate::pinterest::{Outcome, PinterestClient, TransientReason};
use crate::store::job_state::JobState;
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub retry: RetryPolicy,
    /// A scheduled pin found late by less than this is still published; later, it is missed.
    pub catch_up_grace: Duration,
    /// Limits shared by every account of the Pinterest app (the trial app's daily quota).
    pub app_limits: Vec<LimitSpec>,
    /// How soon a lane that found the network down tries again.
    pub offline_probe: Duration,
    /// Requests one account may have out at once (each is paced and marked in flight first).
    pub max_in_flight: usize,
    /// The longest the loop sleeps without looking at the clock again.
    pub max_sleep: Duration,
    /// How late a new pin may show in its board's listing (see `reconcile`).
    pub listing_lag: Duration,
    pub seed: u64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            retry: RetryPolicy::default(),
            catch_up_grace: Duration::from_secs(15 * 60),
            app_limits: Vec::new(),
            offline_probe: Duration::from_secs(2),
            max_in_flight: 8,
            max_sleep: Duration::from_secs(30),
            listing_lag: super::reconcile::DEFAULT_LISTING_LAG,
            seed: rand::random(),
        }
    }
}

impl EngineConfig {
    /// The defaults, overridden by what the user set in the settings table.
    pub fn from_settings(store: &Store) -> Self {
        use crate::store::settings::keys;
        let mut config = EngineConfig::default();
        if let Some(retry) = store.setting(keys::RETRY_POLICY) {
            config.retry = retry;
        }
        if let Some(secs) = store.setting::<u64>(keys::CATCH_UP_GRACE_SECS) {
            config.catch_up_grace = Duration::from_secs(secs);
        }
        config
    }
}

/// What `prepare_attempt` made of an account's next due job.
pub(super) enum Prepared {
    Attempt(Box<AttemptInput>),
    /// Every due job waits behind a look-alike whose outcome is unknown.
    Held,
    /// Nothing is due (any more).
    Nothing,
    /// The job could not be sent and was failed with its reason; the next may go.
    Skipped,
    /// A local read or write failed: nothing was sent.
    LocalError,
}

pub(super) enum Command {
    Wake,
    Stop(oneshot::Sender<()>),
    Lanes(oneshot::Sender<Vec<LaneSnapshot>>),
    Resume(i64),
    BoardsRefreshed(i64),
    PauseAll(bool),
    LimitsChanged(i64),
    Configure(RetryPolicy, Duration),
    Forecast(oneshot::Sender<super::forecast::Forecast>),
    Counters(oneshot::Sender<Counters>),
    Health(oneshot::Sender<super::health::EngineHealth>),
}

/// Owns the engine task; dropping it stops the task.
pub struct EngineHandle {
    commands: mpsc::UnboundedSender<Command>,
    events: EventBus,
    store: Arc<Mutex<Store>>,
    task: Option<JoinHandle<()>>,
}

impl EngineHandle {
    /// Holds (or releases) every account: nothing is sent while held, due pins wait. Kept
    /// across restarts.
    pub fn set_paused_all(&self, paused: bool) {
        let _ = self.commands.send(Command::PauseAll(paused));
    }

    /// An account's limits were changed in the store (its access tier): the pacer takes them on
    /// at once, keeping what was already sent in each window.
    pub fn limits_changed(&self, account: i64) {
        let _ = self.commands.send(Command::LimitsChanged(account));
    }

    /// Applies a new retry budget and catch-up grace to the running engine (the caller stores
    /// them in settings for the next start).
    pub fn configure(&self, retry: RetryPolicy, catch_up_grace: Duration) {
        let _ = self
            .commands
            .send(Command::Configure(retry, catch_up_grace));
    }

    /// The engine's running totals since it started (sent, published, 429s, retries...).
    pub async fn counters(&self) -> Counters {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Counters(tx));
        rx.await.unwrap_or_default()
    }

    /// Whether the engine is sending, and if not, why (see `health`).
    pub async fn health(&self) -> super::health::EngineHealth {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Health(tx));
        rx.await.unwrap_or_default()
    }

    /// When each pending pin will really go out under the live pacing, and the warnings.
    pub async fn forecast(&self) -> Option<super::forecast::Forecast> {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Forecast(tx));
        rx.await.ok()
    }

    /// Tells the engine the queue changed (a job was scheduled, edited or requeued).
    pub fn wake(&self) {
        let _ = self.commands.send(Command::Wake);
    }

    /// Clears a pause (spam block acknowledged, reconnected) on an account's lane.
    pub fn resume(&self, account: i64) {
        let _ = self.commands.send(Command::Resume(account));
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The store's mutex itself, for flows that lock it only between network waits.
    pub fn shared_store(&self) -> Arc<Mutex<Store>> {
        self.store.clone()
    }

    /// Each account's pacing, now.
    pub async fn lanes(&self) -> Vec<LaneSnapshot> {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Lanes(tx));
        rx.await.unwrap_or_default()
    }

    /// Stops the loop after the attempts in flight have been applied.
    pub async fn stop(mut self) {
        let (tx, rx) = oneshot::channel();
        if self.commands.send(Command::Stop(tx)).is_ok() {
            let _ = rx.await;
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

pub struct Engine {
    pub(super) store: Arc<Mutex<Store>>,
    pub(super) clock: SharedClock,
    pub(super) tokens: Arc<dyn TokenStore>,
    pub(super) config: EngineConfig,
    pub(super) events: EventBus,
    pub(super) pacer: Pacer,
    pub(super) clients: HashMap<i64, PinterestClient>,
    /// Attempts out per account (at most `max_in_flight` each).
    pub(super) in_flight: HashMap<i64, usize>,
    /// Accounts whose last answer was a success.
    pub(super) healthy: HashSet<i64>,
    /// One token refresh at a time per account: a rotated refresh token works once.
    pub(super) refresh_locks: HashMap<i64, Arc<tokio::sync::Mutex<()>>>,
    /// The turn at which each account last dispatched: when several lanes may send, the one
    /// served least recently goes first (a fair share of limits shared by the app).
    pub(super) last_turn: HashMap<i64, u64>,
    pub(super) turn: u64,
    pub(super) counters: Counters,
    pub(super) rng: StdRng,
    /// Set while the engine cannot read or write what it needs: nothing is sent.
    pub(super) halted: Option<super::health::Halt>,
    /// The user's "pause all": nothing is sent while set.
    pub(super) paused_all: bool,
    /// Accounts whose due jobs all wait behind an unsettled look-alike: no reason to wake
    /// until a report or a command arrives.
    pub(super) held_lanes: HashSet<i64>,
    /// Accounts whose board list is being fetched again.
    pub(super) refreshing_boards: HashSet<i64>,
    /// The loop's own command channel, for background tasks that report back.
    pub(super) commands_tx: mpsc::WeakUnboundedSender<Command>,
    reports: (
        mpsc::UnboundedSender<AttemptReport>,
        mpsc::UnboundedReceiver<AttemptReport>,
    ),
}

impl Engine {
    /// Starts the engine on `store`. It first reconciles what a previous run left in flight.
    pub fn spawn(
        store: Store,
        clock: SharedClock,
        tokens: Arc<dyn TokenStore>,
        config: EngineConfig,
    ) -> EngineHandle {
        let paused_all = store
            .setting::<bool>(crate::store::settings::keys::PAUSED_ALL)
            .unwrap_or(false);
        let store = Arc::new(Mutex::new(store));
        let events = EventBus::default();
        let (tx, rx) = mpsc::unbounded_channel();
        let engine = Engine {
            store: store.clone(),
            clock,
            tokens: Arc::new(super::tokens::KeptTokens::new(tokens)),
            pacer: Pacer::new(&config.app_limits),
            rng: StdRng::seed_from_u64(config.seed),
            config,
            events: events.clone(),
            clients: HashMap::new(),
            in_flight: HashMap::new(),
            healthy: HashSet::new(),
            refresh_locks: HashMap::new(),
            last_turn: HashMap::new(),
            turn: 0,
            counters: Counters::default(),
            refreshing_boards: HashSet::new(),
            held_lanes: HashSet::new(),
            halted: None,
            paused_all,
            commands_tx: tx.downgrade(),
            reports: mpsc::unbounded_channel(),
        };
        let task = tokio::spawn(engine.run(rx));
        EngineHandle {
            commands: tx,
            events,
            store,
            task: Some(task),
        }
    }

    pub(super) fn db(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        self.start_up();
        let mut stopping: Option<oneshot::Sender<()>> = None;
        loop {
            let now = self.clock.now();
            if stopping.is_none() && self.ready_to_send(now) {
                self.promote_due(now);
                self.dispatch_ready(now);
            }
            if let Some(done) = stopping.take() {
                if self.in_flight.values().all(|n| *n == 0) {
                    let _ = done.send(());
                    return;
                }
                stopping = Some(done);
            }
            let wake = self.next_wake(now, stopping.is_some());
            let nap = (wake - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(self.config.max_sleep);
            let sleep = self.clock.sleep(nap);
            tokio::select! {
                _ = sleep => {}
                Some(report) = self.reports.1.recv() => self.apply_report(report),
                cmd = commands.recv() => match cmd {
                    None => return,
                    Some(Command::Stop(done)) => stopping = Some(done),
                    Some(Command::Wake) => {}
                    Some(Command::Resume(account)) => self.resume_account(account),
                    Some(Command::BoardsRefreshed(account)) => {
                        self.refreshing_boards.remove(&account);
                    }
                    Some(Command::PauseAll(paused)) => self.pause_all(paused, now),
                    Some(Command::LimitsChanged(account)) => self.limits_changed(account, now),
                    Some(Command::Counters(reply)) => {
                        let _ = reply.send(self.counters.clone());
                    }
                    Some(Command::Health(reply)) => {
                        let _ = reply.send(self.health());
                    }
                    Some(Command::Forecast(reply)) => {
                        let _ = reply.send(self.forecast_now(now));
                    }
                    Some(Command::Configure(retry, grace)) => {
                        self.config.retry = retry;
                        self.config.catch_up_grace = grace;
                    }
                    Some(Command::Lanes(reply)) => {
                        let _ = reply.send(self.lane_snapshots(now));
                    }
                },
            }
        }
    }

    /// When the loop must look again: the next due time, or a lane with due jobs freeing up.
    fn next_wake(&mut self, now: DateTime<Utc>, stopping: bool) -> DateTime<Utc> {
        let mut wake =
            now + TimeDelta::from_std(self.config.max_sleep).unwrap_or(TimeDelta::seconds(30));
        if let Some(h) = &self.halted {
            return wake.min(h.retry_at.max(now));
        }
        if let Ok(Some(t)) = self.db().next_wakeup() {
            wake = wake.min(t.max(now));
        }
        // While stopping nothing new is sent, so due lanes are no reason to wake.
        let due = if stopping || self.paused_all {
            Vec::new()
        } else {
            self.db().due_counts().unwrap_or_default()
        };
        for (account, _) in due {
            if !self.lane_full(account) && !self.held_lanes.contains(&account) {
                wake = wake.min(self.pacer.next_slot(account, Category::OrgWrite, now));
            }
        }
        wake
    }

    /// A lane sends one request at a time until its last answer was a success (slow start: no
    /// burst into an account that is failing, blocked or whose token just expired), then up to
    /// `max_in_flight`. Under a quota shared by the app (trial access) lanes take strict turns,
    /// one request each, so the quota is split fairly; there, throughput is never the constraint.
    fn lane_full(&self, account: i64) -> bool {
        let parallel = self.healthy.contains(&account) && !self.pacer.has_app_limits();
        let room = if parallel {
            self.config.max_in_flight.max(1)
        } else {
            1
        };
        self.in_flight.get(&account).copied().unwrap_or(0) >= room
    }

    /// Starts attempts while lanes have room, due jobs and a free slot, one per account per
    /// round, least recently served first, so a slot shared by the app goes round fairly. The
    /// in-flight marks of one round are a single durable commit, made before any of them is sent.
    fn dispatch_ready(&mut self, now: DateTime<Utc>) {
        if self.paused_all {
            return;
        }
        let due = self.db().due_counts();
        let mut due: HashMap<i64, i64> = match due {
            Ok(d) => d.into_iter().collect(),
            Err(e) => return self.halt("the queue cannot be read", &e, now),
        };
        self.held_lanes.clear();
        if due.is_empty() {
            return;
        }
        let begun = self.db().begin_durable_batch();
        if let Err(e) = begun {
            // A transaction left open by a failed write would swallow the in-flight marks
            // uncommitted: roll it back and send nothing until the store works again.
            self.db().roll_back_open();
            return self.halt("the in-flight marks cannot be written", &e, now);
        }
        let mut ready = Vec::new();
        loop {
            let mut order: Vec<i64> = due
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(a, _)| *a)
                .collect();
            order.sort_by_key(|account| self.last_turn.get(account).copied().unwrap_or(0));
            let mut progressed = false;
            for account in order {
                if self.lane_full(account)
                    || self.pacer.next_slot(account, Category::OrgWrite, now) > now
                {
                    continue;
                }
                if let Some(n) = due.get_mut(&account) {
                    *n -= 1;
                }
                match self.prepare_attempt(account, now) {
                    Prepared::Attempt(input) => {
                        *self.in_flight.entry(account).or_insert(0) += 1;
                        self.turn += 1;
                        self.last_turn.insert(account, self.turn);
                        if input.may_create {
                            self.pacer.record_send(account, Category::OrgWrite, now);
                        }
                        ready.push(*input);
                        progressed = true;
                    }
                    Prepared::Skipped => progressed = true,
                    Prepared::Held => {
                        self.held_lanes.insert(account);
                        due.insert(account, 0);
                    }
                    Prepared::Nothing => {
                        due.insert(account, 0);
                    }
                    // The job could not be prepared (a read failed): try again shortly
                    // instead of spinning on it.
                    Prepared::LocalError => self.pacer.pause(
                        account,
                        now + TimeDelta::seconds(5),
                        PauseReason::LocalError,
                    ),
                }
            }
            if !progressed {
                break;
            }
        }
        let ended = self.db().end_durable_batch();
        let committed = ended.is_ok() && !self.db().in_transaction();
        if let Err(e) = ended {
            self.halt("the in-flight marks could not be committed", &e, now);
        }
        for input in ready {
            if committed {
                self.launch(input, now);
            } else {
                // Nothing was marked: the jobs are still due. The pacer keeps the sends it
                // counted (a safe over-estimate that runs out with its window).
                if let Some(n) = self.in_flight.get_mut(&input.job.account_id.unwrap_or(0)) {
                    *n = n.saturating_sub(1);
                }
            }
        }
    }

    /// Sends a prepared attempt whose in-flight mark is committed.
    fn launch(&mut self, input: AttemptInput, now: DateTime<Utc>) {
        let account = input.job.account_id.unwrap_or(0);
        self.counters.sent += 1;
        self.emit(EngineEvent::JobChanged {
            job_id: input.job.id,
            account_id: input.job.account_id,
            from: JobState::Due,
            to: JobState::InFlight,
            reason: "sending to Pinterest".into(),
        });
        let reports = self.reports.0.clone();
        let job_id = input.job.id;
        let attempt = tokio::spawn(run_attempt(input));
        // A panicking attempt still reports, so its lane is never left marked busy.
        tokio::spawn(async move {
            let report = attempt.await.unwrap_or_else(|e| AttemptReport {
                job_id,
                account_id: account,
                result: AttemptResult::Failed(Outcome::Transient {
                    reason: TransientReason::ConnectionReset,
                    maybe_delivered: true,
                    detail: format!("the attempt stopped unexpectedly: {e}"),
                }),
                signals: Vec::new(),
                extra_requests: Vec::new(),
                dispatched_at: now,
                create_answered_at: None,
            });
            let _ = reports.send(report);
        });
    }

    pub(super) fn client_for(&mut self, account: i64) -> Option<PinterestClient> {
        if let Some(c) = self.clients.get(&account) {
            return Some(c.clone());
        }
        let env = self.db().account(account).ok()?.environment;
        let client = PinterestClient::new(env.api_base().ok()?, self.clock.clone());
        self.clients.insert(account, client.clone());
        Some(client)
    }

    fn forecast_now(&self, now: DateTime<Utc>) -> super::forecast::Forecast {
        let mut pending = Vec::new();
        for s in [JobState::Scheduled, JobState::Due, JobState::WaitingRetry] {
            pending.extend(self.db().jobs_in_state(s).unwrap_or_default());
        }
        let names = self.db().account_names().unwrap_or_default();
        super::forecast::forecast(&pending, &self.pacer, &names, now)
    }

    fn pause_all(&mut self, paused: bool, now: DateTime<Utc>) {
        self.paused_all = paused;
        let _ = self
            .db()
            .set_setting(crate::store::settings::keys::PAUSED_ALL, &paused);
        for lane in self.lane_snapshots(now) {
            self.emit(EngineEvent::Lane(lane));
        }
    }

    fn limits_changed(&mut self, account: i64, now: DateTime<Utc>) {
        let (user, app, sends) = {
            let db = self.db();
            let Ok(accounts) = db.accounts() else {
                tracing::warn!(account, "limits not applied: the accounts cannot be read");
                return;
            };
            let Some(a) = accounts.iter().find(|a| a.id == account) else {
                return;
            };
            // Without the request log the new windows could not be refilled: keep the old ones.
            let Ok(log) = db.recent_requests(now - chrono::TimeDelta::days(1)) else {
                tracing::warn!(
                    account,
                    "limits not applied: the request log cannot be read"
                );
                return;
            };
            let sends: Vec<_> = log
                .into_iter()
                .map(|r| (r.account_id, r.category, r.sent_at))
                .collect();
            let app = super::transitions::app_specs(&accounts, &self.config.app_limits);
            (a.limits.specs(), app, sends)
        };
        self.pacer.replace_limits(account, &user, &app, &sends);
        for lane in self.lane_snapshots(now) {
            self.emit(EngineEvent::Lane(lane));
        }
    }

    pub(super) fn emit(&self, event: EngineEvent) {
        self.events.emit(event);
    }
}
