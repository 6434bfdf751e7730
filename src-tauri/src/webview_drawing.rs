//! How the window's WebKit draws. PinPace shows forms, a calendar and two small charts: nothing
//! that needs the GPU. WebKitGTK's default (hardware acceleration always on) creates a GL context
//! in the web process, which on a machine without a GPU driver (Xvfb, a VM, a remote desktop) is
//! Mesa's llvmpipe rendering in software: measured by `make footprint` (release app, demo
//! workspace, Xvfb) it cost 82 MB of proportional memory (336 → 254 MB over all processes) and
//! 11 points of one core while idle (12.6% → 1.2%). So the window is drawn without it
//! (`HardwareAccelerationPolicy::Never`, the same path as `WEBKIT_DISABLE_COMPOSITING_MODE=1`,
//! which Tauri users set to cure blank windows on some GPUs).
//! Also measured and not applied, because they changed nothing (±5 MB, within run-to-run noise):
//! the document-viewer cache model and no page cache (the page never navigates).
//! Known cost: WebKitWebDriver cannot take a screenshot of a window drawn this way (it waits
//! forever), so the e2e tests capture the X display instead (tests/e2e_window.rs `screenshot`).
//! Linux only: the other platforms' webviews have no such setting in reach.

#[cfg(target_os = "linux")]
pub fn draw_without_gpu(window: &tauri::WebviewWindow) {
    let done = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    match done {
        Ok(()) => tracing::info!("the window is drawn without hardware acceleration"),
        Err(e) => tracing::warn!("the window's drawing settings could not be applied: {e}"),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn draw_without_gpu(_window: &tauri::WebviewWindow) {}
