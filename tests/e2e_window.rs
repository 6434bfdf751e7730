//! End-to-end test of the real PinPace window: the debug binary under Xvfb, driven through
//! tauri-driver and WebKitWebDriver. It reads text the engine produced off the page and saves a
//! screenshot under target/e2e/. `scripts/e2e.sh` (run by `make test`) starts Xvfb and the driver,
//! points the app at a temporary data directory, and then runs this test.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this through scripts/e2e.sh"))
}

async fn open_window() -> Client {
    let app = env("PINPACE_E2E_APP");
    let webdriver = env("PINPACE_WEBDRIVER_URL");
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    let http = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(http)
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .expect("connect to tauri-driver")
}

/// Lets the page paint what its DOM already holds (WebKitGTK under Xvfb can otherwise hand
/// back the previous frame), then saves a screenshot under target/e2e/.
async fn screenshot(client: &Client, name: &str) -> Vec<u8> {
    client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));",
            vec![],
        )
        .await
        .expect("the page paints");
    let shot = client.screenshot().await.expect("screenshot");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(name), &shot).unwrap();
    shot
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

#[tokio::test]
#[ignore = "needs Xvfb and tauri-driver: run through scripts/e2e.sh (make test does)"]
async fn main_window_shows_what_the_engine_reports() {
    let data_dir = PathBuf::from(env("PINPACE_DATA_DIR"));
    let client = open_window().await;

    let version = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=engine-version]"))
        .await
        .expect("the engine version appears")
        .text()
        .await
        .unwrap();
    let db_path = client
        .find(Locator::Css("[data-testid=database-path]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let title = client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let shot = screenshot(&client, "main-window.png").await;
    client.close().await.ok();

    assert_eq!(title, "PinPace");
    assert_eq!(version, pinpace_engine::VERSION);
    let expected_db = data_dir.join(pinpace_engine::DATABASE_FILE);
    assert_eq!(PathBuf::from(&db_path), expected_db);
    assert!(
        expected_db.exists(),
        "the app created its database at {db_path}"
    );
    assert!(shot.starts_with(b"\x89PNG"), "the screenshot is a PNG");
}

/// Issue 6 in the real window: connect an account on the built-in simulator (its consent page
/// approves at once), see it listed as connected with its boards, and read the settings guide.
#[tokio::test]
#[ignore = "needs Xvfb and tauri-driver: run through scripts/e2e.sh (make test does)"]
async fn an_account_is_connected_on_the_built_in_simulator_from_the_window() {
    let client = open_window().await;
    wait_for(&client, "[data-testid=connect]").await;
    let user = client
        .find(Locator::Css(
            "[data-testid=sim-user] option[value=demo_travel]",
        ))
        .await
        .expect("the simulator's users are offered");
    user.click().await.unwrap();
    client
        .find(Locator::Css("[data-testid=connect]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = wait_for(&client, "[data-testid=accounts-notice]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        notice.starts_with("Connected demo_travel with "),
        "the connect reports its result: {notice}"
    );
    let row = wait_for(&client, "[data-testid=account-row][data-status=active]").await;
    let row_text = row.text().await.unwrap();
    assert!(row_text.contains("demo_travel"), "{row_text}");
    assert!(row_text.contains("Connected"), "{row_text}");
    let boards = row
        .find(Locator::Css("[data-testid=account-boards]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        boards, "2 boards",
        "the simulator's demo_travel has two boards"
    );
    screenshot(&client, "accounts.png").await;

    client
        .find(Locator::Css("[data-testid=tab-settings]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let uri = wait_for(&client, "[data-testid=redirect-uri]")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(uri, "http://127.0.0.1:8085/callback");
    screenshot(&client, "settings.png").await;
    client.close().await.ok();
}
