//! Images for Compose: a preview as a `data:` URL (`pinpace_engine::api::media`, bounded
//! reads), and a native file dialog to pick one (tauri-plugin-dialog, driven from Rust so the
//! page needs no dialog permission).

use pinpace_engine::{EngineError, ErrorCode};
use tauri::Runtime;
use tauri_plugin_dialog::DialogExt;

use super::Arg;

/// The image at `path` as a `data:` URL, if it is a readable PNG or JPEG of at most 20 MB.
#[tauri::command]
pub async fn image_preview(path: Arg<String>) -> Result<String, EngineError> {
    // Off the main thread: it reads up to 20 MB and runs as the user types the path.
    let path = path.0;
    tauri::async_runtime::spawn_blocking(move || pinpace_engine::api::media::image_preview(&path))
        .await
        .map_err(|e| EngineError::new(ErrorCode::Storage, format!("the read stopped: {e}")))?
}

/// Opens the system's file dialog for a PNG or JPEG; `None` if the user cancelled.
#[tauri::command]
pub async fn pick_image<R: Runtime>(
    app: tauri::AppHandle<R>,
) -> Result<Option<String>, EngineError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .add_filter("Images", &["png", "jpg", "jpeg"])
        .pick_file(move |file| {
            let _ = tx.send(file.and_then(|f| f.into_path().ok()));
        });
    let picked = rx.await.ok().flatten();
    Ok(picked.map(|p| p.to_string_lossy().into_owned()))
}
