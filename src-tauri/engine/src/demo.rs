//! The demo workspace: what `make run` opens on a fresh machine. The desktop starts a simulator
//! in-process (`builtin_sim_config`) with two demo Pinterest accounts; `seed_workspace` connects
//! both (through the same `register` a real connect uses), fetches their boards, and adds a few
//! drafts and scheduled pins, so the queue and the pacing have something to show.
//!
//! The built-in simulator keeps nothing when the app quits, so its accounts' tokens live in
//! memory and `issue_sim_tokens` hands them fresh ones at every start (real accounts' tokens
//! are in the keychain and never pass through here).

use crate::AccountId;
use parking_lot::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::accounts::connect::{register, Connection};
use crate::accounts::flow::{client_for, sync_boards};
use crate::accounts::read_pacing::{Patience, Reads};
use crate::compose::{compose, BoardTarget, ComposeRequest};
use crate::error::{EngineError, ErrorCode};
use crate::pin_text::PinText;
use crate::pinterest::types::UserAccount;
use crate::pinterest::{AppCredentials, Environment, Secret};
use crate::scheduler::tokens::TokenSet;
use crate::secrets::VaultTokens;
use crate::sim::{SimConfig, SimHandle};
use crate::Store;

/// The demo account the simulator holds to a low write limit, so that the live panel shows
/// pacing at work: 6 pins a minute, which the engine learns from the rate-limit headers.
pub const SLOW_DEMO_ACCOUNT: &str = "demo_kitchen";
pub const SLOW_DEMO_WRITES_PER_MINUTE: u32 = 6;
/// Pins the demo queues on the slow account a minute after the first start.
const DEMO_BATCH: usize = 18;

/// Holds the slow demo account to its low limit (call after each start of the simulator).
pub fn slow_down_demo_account(sim: &SimHandle) {
    sim.lower_limit(
        SLOW_DEMO_ACCOUNT,
        crate::sim::LimitCategory::OrgWrite,
        60,
        SLOW_DEMO_WRITES_PER_MINUTE,
    );
}

/// The built-in simulator: the demo accounts, consent granted at once, standard limits.
pub fn builtin_sim_config(port: u16) -> SimConfig {
    SimConfig {
        port,
        accounts: SimConfig::demo_accounts(),
        auto_approve: true,
        ..SimConfig::default()
    }
}

/// The environment of accounts that live on `sim`.
pub fn sim_environment(sim: &SimHandle) -> Environment {
    Environment::Simulator {
        base_url: sim.base_url(),
    }
}

pub fn sim_app(sim: &SimHandle) -> AppCredentials {
    let (client_id, secret) = sim.client_credentials();
    AppCredentials {
        client_id,
        client_secret: Secret::new(secret),
    }
}

fn sim_tokens(sim: &SimHandle, username: &str, now: DateTime<Utc>) -> Option<TokenSet> {
    let t = sim.issue_tokens(username)?;
    Some(TokenSet {
        expires_at: Some(t.expires_at(now)),
        access: Secret::new(t.access_token),
        refresh: t.refresh_token.map(Secret::new),
    })
}

/// Gives every account on `sim` fresh tokens (after a restart the simulator knows none of the
/// old ones). Returns the ids it served.
pub fn issue_sim_tokens(
    store: &Store,
    tokens: &VaultTokens,
    sim: &SimHandle,
    now: DateTime<Utc>,
) -> Result<Vec<AccountId>, EngineError> {
    let env = sim_environment(sim);
    let app = sim_app(sim);
    tokens.save_app(&app)?;
    let mut served = Vec::new();
    for account in store.accounts()? {
        if account.environment != env {
            continue;
        }
        let Some(username) = account.username.as_deref() else {
            continue;
        };
        if let Some(set) = sim_tokens(sim, username, now) {
            tokens.connect(account.id, set, &app.client_id, None)?;
            served.push(account.id);
        }
    }
    Ok(served)
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub accounts: Vec<AccountId>,
    pub drafts: usize,
    pub scheduled: usize,
}

const PINS: &[(&str, &str)] = &[
    (
        "Ten-minute tomato pasta",
        "A weeknight pasta with one pan and five ingredients.",
    ),
    (
        "Slow-rise sourdough",
        "A loaf that fits around a working day.",
    ),
    (
        "Knife care basics",
        "Three habits that keep an edge for months.",
    ),
    (
        "A weekend in Lisbon",
        "Trams, tiles and the best custard tarts.",
    ),
    (
        "Ridge walks near Kyoto",
        "Quiet trails an hour from the station.",
    ),
    ("Lemon drizzle cake", "Bright, soft and ready in an hour."),
];

/// Connects the simulator's demo accounts and fills a small queue. Does nothing (returns
/// `None`) when the workspace already has accounts: it is for a first run only.
pub async fn seed_workspace(
    store: &Mutex<Store>,
    tokens: &VaultTokens,
    sim: &SimHandle,
    now: DateTime<Utc>,
) -> Result<Option<DemoSummary>, EngineError> {
    if !lock(store).accounts()?.is_empty() {
        return Ok(None);
    }
    let env = sim_environment(sim);
    let app = sim_app(sim);
    let client = client_for(&env)?;
    let mut ids = Vec::new();
    for seed in SimConfig::demo_accounts() {
        let set = sim_tokens(sim, &seed.username, now).ok_or_else(|| {
            EngineError::new(ErrorCode::NotFound, "the simulator has no demo account")
        })?;
        let access = set.access.clone();
        let connection = Connection {
            tokens: set,
            user: UserAccount {
                id: None,
                username: seed.username.clone(),
                account_type: None,
                business_name: None,
            },
        };
        let id = register(&mut lock(store), tokens, &env, &app, connection, None, now)?;
        sync_boards(
            store,
            &client,
            id,
            &access,
            Reads::Local,
            Patience::Interactive,
        )
        .await?;
        ids.push(id);
    }
    let (mut drafts, mut scheduled) = (0, 0);
    // Local images, as a user's own photos would be: they show in the queue offline.
    let images = demo_images()?;
    for (i, (title, description)) in PINS.iter().enumerate() {
        let account = ids[i % ids.len()];
        let board = lock(store).boards(account)?.into_iter().nth(i % 2);
        let draft = i % 3 == 2;
        let req = ComposeRequest {
            text: PinText {
                title: Some(title.to_string()),
                description: Some(description.to_string()),
                link: Some(format!("https://example.com/demo/{}", i + 1)),
                alt_text: Some(format!("Photo for \"{title}\"")),
            },
            image_path: Some(images.path_of(i)),
            account_id: (!draft).then_some(account),
            boards: match (&board, draft) {
                (Some(b), false) => vec![BoardTarget {
                    board_id: b.board_id.clone(),
                    section_id: None,
                }],
                _ => vec![],
            },
            at: (!draft).then(|| now + TimeDelta::minutes(2 + 7 * i as i64)),
            draft,
            ..Default::default()
        };
        compose(&mut lock(store), &req, now)?;
        if draft {
            drafts += 1;
        } else {
            scheduled += 1;
        }
    }
    // A batch on the slow account: three minutes of pacing to watch in the live panel.
    let slow = ids[0];
    // (The guard must not live through the loop below, which locks again.)
    let first_board = lock(store).boards(slow)?.into_iter().next();
    if let Some(board) = first_board {
        for n in 1..=DEMO_BATCH {
            let req = ComposeRequest {
                text: PinText {
                    title: Some(format!("Batch cooking, day {n}")),
                    description: Some("One of a month of make-ahead meals.".into()),
                    link: Some(format!("https://example.com/demo/batch/{n}")),
                    ..Default::default()
                },
                image_path: Some(images.path_of(n)),
                account_id: Some(slow),
                boards: vec![BoardTarget {
                    board_id: board.board_id.clone(),
                    section_id: None,
                }],
                at: Some(now + TimeDelta::minutes(1)),
                ..Default::default()
            };
            compose(&mut lock(store), &req, now)?;
            scheduled += 1;
        }
    }
    Ok(Some(DemoSummary {
        accounts: ids,
        drafts,
        scheduled,
    }))
}

/// The demo's pictures (small generated PNGs compiled in), written to a temporary directory
/// that lives until seeding ends: compose copies each into the media store like any local file.
struct DemoImages(tempfile::TempDir);

const DEMO_PNGS: [&[u8]; 6] = [
    include_bytes!("demo_images/1.png"),
    include_bytes!("demo_images/2.png"),
    include_bytes!("demo_images/3.png"),
    include_bytes!("demo_images/4.png"),
    include_bytes!("demo_images/5.png"),
    include_bytes!("demo_images/6.png"),
];

fn demo_images() -> Result<DemoImages, EngineError> {
    let fail = |e: std::io::Error| {
        EngineError::new(
            ErrorCode::Storage,
            format!("cannot write the demo's images: {e}"),
        )
    };
    let dir = tempfile::tempdir().map_err(fail)?;
    for (i, png) in DEMO_PNGS.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{}.png", i + 1)), png).map_err(fail)?;
    }
    Ok(DemoImages(dir))
}

impl DemoImages {
    fn path_of(&self, n: usize) -> std::path::PathBuf {
        self.0
            .path()
            .join(format!("{}.png", n % DEMO_PNGS.len() + 1))
    }
}

fn lock(store: &Mutex<Store>) -> parking_lot::MutexGuard<'_, Store> {
    store.lock()
}
