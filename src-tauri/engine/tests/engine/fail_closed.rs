//! Failing closed (issue 14, points 4 and 5), on the paused clock against the simulator: a store
//! that cannot be read at start or in the loop stops all sending and says why, then sending
//! resumes by itself once it can be read; a keychain that is locked pauses the lane and never
//! turns into a disconnect.

use crate::support::engine_env;
use pinpace_engine::AccountId;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::TimeDelta;
use engine_env::{t0, test_config, World};
use pinpace_engine::pacing::PauseReason;
use pinpace_engine::pinterest::AppCredentials;
use pinpace_engine::scheduler::tokens::{TokenSet, TokenStore};
use pinpace_engine::scheduler::Engine;
use pinpace_engine::sim::SimConfig;
use pinpace_engine::store::accounts::AccountStatus;
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::{EngineError, ErrorCode};

fn posts(w: &World) -> u64 {
    w.sim
        .stats()
        .by_endpoint
        .get("POST /pins")
        .map_or(0, |m| m.values().sum())
}

fn break_table(w: &World, table: &str) {
    let sql = format!("ALTER TABLE {table} RENAME TO {table}_gone");
    crate::support::raw_sql::open(w.dir.path())
        .execute_batch(&sql)
        .unwrap();
}

fn mend_table(w: &World, table: &str) {
    let sql = format!("ALTER TABLE {table}_gone RENAME TO {table}");
    crate::support::raw_sql::open(w.dir.path())
        .execute_batch(&sql)
        .unwrap();
}

#[tokio::test]
async fn an_unreadable_request_log_at_start_sends_nothing_until_it_can_be_read() {
    let mut w = engine_env::world(SimConfig::default(), 1).await;
    w.queue(0, 2, t0(), "p");
    break_table(&w, "request_log");
    w.start(test_config());
    w.advance_for(TimeDelta::seconds(20), TimeDelta::seconds(1))
        .await;
    assert_eq!(posts(&w), 0, "nothing sent on a guess");
    let health = w.engine().health().await;
    let why = health.halted.expect("halted, and says why");
    assert!(why.contains("request log"), "{why}");
    assert!(health.retry_at.is_some());
    mend_table(&w, "request_log");
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(3), |w| {
        w.count(JobState::Published) == 2
    })
    .await;
    assert_eq!(w.engine().health().await.halted, None);
    assert_eq!(w.sim.created_pins().len(), 2);
    w.stop().await;
}

#[tokio::test]
async fn a_queue_that_cannot_be_read_in_the_loop_stops_sending_then_resumes() {
    let mut w = engine_env::world(SimConfig::default(), 1).await;
    w.queue(0, 1, t0(), "first");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(1), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    w.queue(0, 1, w.clock_now() + TimeDelta::seconds(5), "second");
    break_table(&w, "jobs");
    w.advance_for(TimeDelta::seconds(30), TimeDelta::seconds(1))
        .await;
    assert_eq!(posts(&w), 1, "nothing sent while the queue cannot be read");
    assert!(w.engine().health().await.halted.is_some());
    mend_table(&w, "jobs");
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(3), |w| {
        w.count(JobState::Published) == 2
    })
    .await;
    assert_eq!(w.sim.created_pins().len(), 2);
    w.stop().await;
}

/// The world's memory tokens behind a keychain that can be locked.
struct Lockable {
    locked: AtomicBool,
    inner: Arc<dyn TokenStore>,
}

impl Lockable {
    fn open(&self) -> Result<(), EngineError> {
        if self.locked.load(Ordering::SeqCst) {
            Err(EngineError::new(
                ErrorCode::KeychainUnavailable,
                "the login keyring is locked",
            ))
        } else {
            Ok(())
        }
    }
}

impl TokenStore for Lockable {
    fn read_tokens(&self, account: AccountId) -> Result<Option<TokenSet>, EngineError> {
        self.open()?;
        self.inner.read_tokens(account)
    }
    fn store_tokens(&self, account: AccountId, tokens: TokenSet) -> Result<(), EngineError> {
        self.open()?;
        self.inner.store_tokens(account, tokens)
    }
    fn read_app_credentials(&self, a: AccountId) -> Result<Option<AppCredentials>, EngineError> {
        self.open()?;
        self.inner.read_app_credentials(a)
    }
}

#[tokio::test]
async fn a_locked_keychain_pauses_the_lane_and_is_never_a_disconnect() {
    let mut w = engine_env::world(SimConfig::default(), 1).await;
    w.queue(0, 2, t0(), "p");
    let keychain = Arc::new(Lockable {
        locked: AtomicBool::new(true),
        inner: w.tokens.clone(),
    });
    // Launched at login, before the keyring is unlocked.
    w.engine = Some(Engine::spawn(
        w.store(),
        Arc::new(w.clock.clone()),
        keychain.clone(),
        test_config(),
    ));
    w.advance_for(TimeDelta::seconds(40), TimeDelta::seconds(1))
        .await;
    assert_eq!(posts(&w), 0);
    assert_eq!(w.count(JobState::NeedsReconnect), 0);
    assert_eq!(w.count(JobState::Failed), 0);
    let account = w.engine().store().account(w.lanes[0].id).unwrap();
    assert_eq!(account.status, AccountStatus::Active);
    let lanes = w.engine().lanes().await;
    assert_eq!(lanes[0].pause_reason, Some(PauseReason::SecretsLocked));
    keychain.locked.store(false, Ordering::SeqCst);
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(2), |w| {
        w.count(JobState::Published) == 2
    })
    .await;
    let job_attempts: Vec<i64> = w
        .engine()
        .store()
        .jobs_in_state(JobState::Published)
        .unwrap()
        .iter()
        .map(|j| j.attempt)
        .collect();
    assert_eq!(
        job_attempts,
        vec![1, 1],
        "the locked tries spent no attempt"
    );
    w.stop().await;
}
