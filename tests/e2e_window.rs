//! End-to-end test of the real PinPace window: the debug binary under Xvfb, driven through
//! tauri-driver and WebKitWebDriver. It reads text the engine produced off the page and saves a
//! screenshot under target/e2e/. `scripts/e2e.sh` (run by `make test`) starts Xvfb and the driver,
//! points the app at a temporary data directory, and then runs this test.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this through scripts/e2e.sh"))
}

#[tokio::test]
#[ignore = "needs Xvfb and tauri-driver: run through scripts/e2e.sh (make test does)"]
async fn main_window_shows_what_the_engine_reports() {
    let app = env("PINPACE_E2E_APP");
    let data_dir = PathBuf::from(env("PINPACE_DATA_DIR"));
    let webdriver = env("PINPACE_WEBDRIVER_URL");

    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    let http = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(http)
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .expect("connect to tauri-driver");

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

    // Let the page paint what its DOM already holds: WebKitGTK under Xvfb can otherwise hand
    // back the previous frame (the "Starting the engine…" one).
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
    std::fs::write(out.join("main-window.png"), &shot).unwrap();
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
