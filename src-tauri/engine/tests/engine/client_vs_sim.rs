//! The Pinterest client against the simulator over real loopback HTTP: every outcome class the
//! scheduler acts on, paging, rate-limit signals from real headers, the OAuth code and refresh
//! flows, the video flow, and tokens kept out of every printed value.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::clock::ManualClock;
use pinpace_engine::pinterest::oauth::authorize_url;
use pinpace_engine::pinterest::paging::{collect_all, ListingEnd, BOARDS};
use pinpace_engine::pinterest::types::*;
use pinpace_engine::pinterest::{
    AppCredentials, Outcome, PageRequest, PinterestClient, Secret, TransientReason,
};
use pinpace_engine::sim::{
    FaultKind, FaultRule, LimitCategory, LimitSpec, Preset, Scope, SimConfig, SimHandle, Simulator,
};
use pinpace_engine::PinText;
use url::Url;

struct Env {
    sim: SimHandle,
    clock: ManualClock,
    client: PinterestClient,
    account: String,
    token: Secret,
    board: Board,
}

fn start() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

async fn env(config: SimConfig) -> Env {
    let clock = ManualClock::new(start());
    let sim = Simulator::start(config, Arc::new(clock.clone()))
        .await
        .unwrap();
    let account = sim.add_account("studio");
    let board = sim.add_board(&account, "Recipes").unwrap();
    let token = Secret::new(sim.issue_tokens(&account).unwrap().access_token);
    let base = Url::parse(&format!("{}/", sim.base_url())).unwrap();
    let client = PinterestClient::with_timeouts(
        base,
        Arc::new(clock.clone()),
        Duration::from_millis(800),
        Duration::from_secs(2),
    );
    Env {
        sim,
        clock,
        client,
        account,
        token,
        board,
    }
}

fn quiet() -> SimConfig {
    SimConfig {
        preset: Preset::None,
        ..SimConfig::default()
    }
}

/// A pin of `title` for `board`, from an image URL (also the other app's pins in
/// `scheduler_vs_sim`).
pub(crate) fn pin(board: &str, title: &str) -> PinCreate {
    PinCreate {
        board_id: board.into(),
        board_section_id: None,
        text: PinText {
            title: Some(title.into()),
            description: Some("d".into()),
            link: Some("https://example.com/p".into()),
            alt_text: None,
        },
        dominant_color: None,
        media_source: MediaSource::ImageUrl {
            url: "https://example.com/p.jpg".into(),
        },
    }
}

#[tokio::test]
async fn a_pin_is_created_and_the_standard_headers_are_read() {
    let e = env(SimConfig::default()).await;
    let reply = e
        .client
        .create_pin(&e.token, &pin(&e.board.id, "Salad"))
        .await;
    let Outcome::Success(created) = reply.outcome else {
        panic!("{:?}", reply.outcome)
    };
    assert_eq!(created.board_id, e.board.id);
    assert_eq!(reply.status, Some(201));
    let s = &reply.signals;
    assert_eq!(s.remaining, Some(99));
    assert!(
        s.policies
            .iter()
            .any(|p| p.limit == 100 && p.window == Duration::from_secs(60)),
        "{s:?}"
    );
    assert!(
        s.policies
            .iter()
            .any(|p| p.limit == 100 && p.window == Duration::from_secs(1)),
        "{s:?}"
    );
    let record = e.sim.created_pins();
    assert_eq!(record.len(), 1);
    assert_eq!(record[0].id, created.id);
    let fetched = e.client.get_pin(&e.token, &created.id).await;
    assert!(
        matches!(fetched.outcome, Outcome::Success(ref p) if p.text.title.as_deref() == Some("Salad"))
    );
}

#[tokio::test]
async fn boards_are_paged_to_the_end_exactly_once() {
    let e = env(quiet()).await;
    for i in 0..300 {
        e.sim.add_board(&e.account, &format!("Board {i}")).unwrap();
    }
    let (boards, end) = collect_all(BOARDS, |page| async {
        Ok::<_, ()>(e.client.list_boards(&e.token, page).await)
    })
    .await
    .unwrap();
    assert!(matches!(end, ListingEnd::Complete(_)), "{end:?}");
    assert_eq!(boards.len(), 301);
    let mut ids: Vec<_> = boards.iter().map(|b| b.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 301, "no board twice");
    let sections = e
        .client
        .list_sections(&e.token, &e.board.id, PageRequest::default())
        .await;
    assert!(sections.outcome.is_success());
}

#[tokio::test]
async fn a_429_carries_the_wait_the_server_asked_for() {
    let mut config = quiet();
    config.limits = vec![LimitSpec {
        scope: Scope::User,
        category: LimitCategory::OrgWrite,
        limit: 2,
        window_secs: 60,
    }];
    let e = env(config).await;
    for i in 0..2 {
        assert!(e
            .client
            .create_pin(&e.token, &pin(&e.board.id, &format!("{i}")))
            .await
            .outcome
            .is_success());
    }
    let reply = e
        .client
        .create_pin(&e.token, &pin(&e.board.id, "third"))
        .await;
    match reply.outcome {
        Outcome::RateLimited {
            category,
            retry_at,
            spam_block,
            ..
        } => {
            assert_eq!(category, Category::OrgWrite);
            assert!(!spam_block);
            assert_eq!(retry_at, Some(start() + TimeDelta::seconds(60)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(reply.retry_after(start()), Some(Duration::from_secs(60)));
    assert_eq!(
        e.sim.created_pins().len(),
        2,
        "the refused pin was not created"
    );
}

#[tokio::test]
async fn a_spam_block_is_told_apart_from_pacing() {
    let e = env(quiet()).await;
    e.sim.set_spam_block(&e.account, true);
    let reply = e.client.create_pin(&e.token, &pin(&e.board.id, "x")).await;
    assert!(
        matches!(
            reply.outcome,
            Outcome::RateLimited {
                spam_block: true,
                ..
            }
        ),
        "{:?}",
        reply.outcome
    );
}

#[tokio::test]
async fn a_bare_429_has_no_wait_and_no_signals() {
    let e = env(quiet()).await;
    e.sim
        .add_fault(FaultRule::always(FaultKind::Burst429).times(1));
    let reply = e.client.create_pin(&e.token, &pin(&e.board.id, "x")).await;
    assert!(
        matches!(
            reply.outcome,
            Outcome::RateLimited {
                retry_at: None,
                spam_block: false,
                ..
            }
        ),
        "{:?}",
        reply.outcome
    );
    assert!(reply.signals.is_empty(), "{:?}", reply.signals);
}

#[tokio::test]
async fn transient_failures_say_whether_the_pin_may_exist() {
    let e = env(quiet()).await;
    let cases = [
        (
            FaultKind::ServerError { status: 503 },
            TransientReason::ServerError(503),
            0,
        ),
        (FaultKind::Drop, TransientReason::ConnectionReset, 0),
        (FaultKind::Malformed, TransientReason::MalformedBody, 1),
        (
            FaultKind::CreatedButLost,
            TransientReason::ConnectionReset,
            1,
        ),
        (
            FaultKind::Timeout { hold_ms: 60_000 },
            TransientReason::Timeout,
            1,
        ),
    ];
    let mut expected_created = 0;
    for (kind, reason, created) in cases {
        e.sim
            .add_fault(FaultRule::always(kind.clone()).on("POST /pins").times(1));
        let reply = e.client.create_pin(&e.token, &pin(&e.board.id, "t")).await;
        match reply.outcome {
            Outcome::Transient {
                reason: r,
                maybe_delivered,
                ..
            } => {
                assert_eq!(r, reason, "{kind:?}");
                assert!(
                    maybe_delivered,
                    "{kind:?}: a request that left may have landed"
                );
            }
            other => panic!("{kind:?}: {other:?}"),
        }
        expected_created += created;
        assert_eq!(e.sim.created_pins().len(), expected_created, "{kind:?}");
    }
}

#[tokio::test]
async fn terminal_answers_keep_pinterests_code_and_message() {
    let e = env(quiet()).await;
    let mut bad = pin(&e.board.id, "x");
    bad.text.title = Some("t".repeat(101));
    let reply = e.client.create_pin(&e.token, &bad).await;
    assert!(
        matches!(
            reply.outcome,
            Outcome::Terminal {
                status: 400,
                code: Some(_),
                ..
            }
        ),
        "{:?}",
        reply.outcome
    );
    let other = e.sim.add_account("someone-else");
    let theirs = e.sim.add_board(&other, "Theirs").unwrap();
    let reply = e.client.create_pin(&e.token, &pin(&theirs.id, "x")).await;
    assert!(
        matches!(
            reply.outcome,
            Outcome::Terminal {
                status: 403 | 404,
                ..
            }
        ),
        "{:?}",
        reply.outcome
    );
    e.sim.set_trial_production(true);
    let reply = e.client.create_pin(&e.token, &pin(&e.board.id, "x")).await;
    assert!(reply.outcome.is_trial_access_block(), "{:?}", reply.outcome);
    assert!(e.sim.created_pins().is_empty());
}

#[tokio::test]
async fn an_expired_token_is_an_auth_outcome_and_refresh_rotates() {
    let e = env(quiet()).await;
    let issued = e.sim.issue_tokens(&e.account).unwrap();
    let (id, secret) = e.sim.client_credentials();
    let app = AppCredentials {
        client_id: id,
        client_secret: Secret::new(secret),
    };
    e.sim.expire_access_tokens(&e.account);
    let reply = e
        .client
        .user_account(&Secret::new(issued.access_token.clone()))
        .await;
    assert!(
        matches!(reply.outcome, Outcome::Auth { .. }),
        "{:?}",
        reply.outcome
    );
    let old_refresh = Secret::new(issued.refresh_token.clone().unwrap());
    let refreshed = e.client.refresh(&app, &old_refresh).await;
    let Outcome::Success(fresh) = refreshed.outcome else {
        panic!("{:?}", refreshed.outcome)
    };
    assert_ne!(
        fresh.refresh_token.as_deref(),
        issued.refresh_token.as_deref(),
        "continuous refresh rotates"
    );
    assert!(e
        .client
        .user_account(&Secret::new(fresh.access_token.clone()))
        .await
        .outcome
        .is_success());
    let again = e.client.refresh(&app, &old_refresh).await;
    assert!(
        matches!(
            again.outcome,
            Outcome::Terminal { .. } | Outcome::Auth { .. }
        ),
        "{:?}",
        again.outcome
    );
    e.sim.revoke_refresh_tokens(&e.account);
    let revoked = e
        .client
        .refresh(&app, &Secret::new(fresh.refresh_token.unwrap()))
        .await;
    assert!(
        matches!(
            revoked.outcome,
            Outcome::Terminal { .. } | Outcome::Auth { .. }
        ),
        "{:?}",
        revoked.outcome
    );
    let wrong = AppCredentials {
        client_id: app.client_id.clone(),
        client_secret: Secret::new("wrong"),
    };
    let refused = e.client.refresh(&wrong, &old_refresh).await;
    assert!(
        matches!(
            refused.outcome,
            Outcome::Auth { .. } | Outcome::Terminal { .. }
        ),
        "{:?}",
        refused.outcome
    );
}

#[tokio::test]
async fn the_code_flow_ends_in_working_tokens() {
    let e = env(quiet()).await;
    let (id, secret) = e.sim.client_credentials();
    let app = AppCredentials {
        client_id: id.clone(),
        client_secret: Secret::new(secret),
    };
    let redirect = Url::parse("http://127.0.0.1:53682/callback").unwrap();
    let (url, state) =
        authorize_url(&Url::parse(&e.sim.authorize_url()).unwrap(), &id, &redirect).unwrap();
    assert!(url.as_str().contains("scope=boards%3Aread"), "{url}");
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let location = Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(q["state"], state.expose());
    let tokens = e
        .client
        .exchange_code(&app, &Secret::new(q["code"].clone()), redirect.as_str())
        .await;
    let Outcome::Success(tokens) = tokens.outcome else {
        panic!("{:?}", tokens.outcome)
    };
    assert!(tokens.refresh_token.is_some());
    let me = e
        .client
        .user_account(&Secret::new(tokens.access_token))
        .await;
    assert!(me.outcome.is_success(), "{:?}", me.outcome);
    let reused = e
        .client
        .exchange_code(&app, &Secret::new(q["code"].clone()), redirect.as_str())
        .await;
    assert!(!reused.outcome.is_success(), "a code works once");
}

#[tokio::test]
async fn a_stopped_server_is_offline_and_coming_back_works() {
    let e = env(quiet()).await;
    e.sim.stop().await;
    let reply = e.client.user_account(&e.token).await;
    assert!(
        matches!(reply.outcome, Outcome::Offline { .. }),
        "{:?}",
        reply.outcome
    );
    e.sim.restart().await.unwrap();
    assert!(e.client.user_account(&e.token).await.outcome.is_success());
}

#[tokio::test]
async fn the_video_flow_ends_in_a_video_pin() {
    let e = env(quiet()).await;
    e.sim.set_media_processing_polls(2);
    let reg = e.client.register_media(&e.token).await;
    let Outcome::Success(upload) = reg.outcome else {
        panic!("{:?}", reg.outcome)
    };
    let up = e
        .client
        .upload_media(&upload, "clip.mp4", vec![0u8; 4096])
        .await;
    assert!(up.outcome.is_success(), "{:?}", up.outcome);
    let clock = e.clock.clone();
    let advance = tokio::spawn(async move {
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            clock.advance(TimeDelta::seconds(5));
        }
    });
    let status = e
        .client
        .wait_for_media(&e.token, &upload.media_id, Duration::from_secs(5), 10)
        .await;
    advance.abort();
    assert!(
        matches!(status.outcome, Outcome::Success(ref m) if m.status == MediaStatus::Succeeded),
        "{:?}",
        status.outcome
    );
    let mut video = pin(&e.board.id, "Clip");
    video.media_source = MediaSource::VideoId {
        media_id: upload.media_id.clone(),
        cover_image_url: Some("https://example.com/cover.jpg".into()),
        cover_image_content_type: None,
        cover_image_data: None,
        cover_image_key_frame_time: None,
    };
    let created = e.client.create_pin(&e.token, &video).await;
    assert!(created.outcome.is_success(), "{:?}", created.outcome);
}

#[tokio::test]
async fn tokens_never_show_in_printed_values() {
    let e = env(quiet()).await;
    let secret = e.token.expose().to_string();
    e.sim.expire_access_tokens(&e.account);
    let reply = e.client.user_account(&e.token).await;
    let printed = format!("{:?} {:?} {:?}", reply, e.client, e.token);
    assert!(!printed.contains(&secret), "{printed}");
    e.sim.stop().await;
    let offline = e.client.user_account(&e.token).await;
    assert!(!format!("{offline:?}").contains(&secret));
}
