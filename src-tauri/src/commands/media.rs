//! Images for Compose: a local PNG/JPEG previewed as a data URL (the CSP allows `data:` images,
//! and no file-system access is granted to the page), and a native file dialog to pick one
//! (tauri-plugin-dialog, driven from Rust so the page needs no dialog permission).

use base64::Engine as _;
use pinpace_engine::store::media::{sniff_image, MAX_IMAGE_BYTES};
use pinpace_engine::{EngineError, ErrorCode};
use tauri_plugin_dialog::DialogExt;

fn bad(m: String) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, m)
}

/// The image at `path` as a `data:` URL, if it is a readable PNG or JPEG of at most 20 MB.
#[tauri::command]
pub fn image_preview(path: String) -> Result<String, EngineError> {
    let meta = std::fs::metadata(&path).map_err(|e| bad(format!("{path} cannot be read: {e}")))?;
    if meta.len() as usize > MAX_IMAGE_BYTES {
        return Err(bad(format!("{path} is larger than 20 MB")));
    }
    let bytes = std::fs::read(&path).map_err(|e| bad(format!("{path} cannot be read: {e}")))?;
    let mime = match sniff_image(&bytes) {
        Some(ct) => ct.mime(),
        None => return Err(bad(format!("{path} is not a PNG or JPEG image"))),
    };
    Ok(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// Opens the system's file dialog for a PNG or JPEG; `None` if the user cancelled.
#[tauri::command]
pub async fn pick_image(app: tauri::AppHandle) -> Result<Option<String>, EngineError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_png_and_jpeg_are_previewed() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\nrest").unwrap();
        let url = image_preview(png.to_string_lossy().into_owned()).unwrap();
        assert!(url.starts_with("data:image/png;base64,"), "{url}");
        let txt = dir.path().join("a.png.txt");
        std::fs::write(&txt, b"hello").unwrap();
        let err = image_preview(txt.to_string_lossy().into_owned()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        let missing = image_preview("/nope/none.png".into()).unwrap_err();
        assert_eq!(missing.code, ErrorCode::InvalidInput);
    }
}
