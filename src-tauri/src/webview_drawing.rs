//! How the window's WebKit draws. PinPace shows forms, a calendar and two small charts: nothing
//! that needs the GPU. WebKitGTK's default (hardware acceleration always on) creates a GL context
//! in the web process, which on a machine without a GPU driver (Xvfb, a VM, a remote desktop) is
//! Mesa's llvmpipe rendering in software: measured by `make footprint` (release app, demo
//! workspace, Xvfb) it cost 82 MB of proportional memory (336 → 254 MB over all processes) and
//! 11 points of one core while idle (12.6% → 1.2%). So the window is drawn without it
//! (`HardwareAccelerationPolicy::Never`, the same path as `WEBKIT_DISABLE_COMPOSITING_MODE=1`,
//! which Tauri users set to cure blank windows on some GPUs).
//!
//! Drawn that way, the app's own process has no use for GL at all, yet WebKit (its DMA-BUF
//! renderer, and a GL display it opens anyway) and GDK still load one: Mesa's driver and its
//! 20 MB of LLVM, in pinpace as in the web process. `before_start` keeps them out of pinpace
//! alone: it turns off the DMA-BUF renderer (`WEBKIT_DISABLE_DMABUF_RENDERER`, as many Tauri
//! apps do against EGL aborts) and GDK's GL (`GDK_GL=disable`), then asks libglvnd for the
//! default EGL display while `__EGL_VENDOR_LIBRARY_DIRS` names no vendor, so that this process's
//! EGL has no driver for good (libglvnd reads its vendors once), and takes that variable out of
//! the environment again before WebKit starts its web process, which aborts without EGL
//! ("Could not create default EGL display") and so keeps Mesa. Measured by `make footprint`:
//! see the README. A variable the user set is left as set; without libglvnd (a libEGL that is
//! Mesa's own) the display is simply Mesa's, as before.
//!
//! Also measured and not applied, because they changed nothing (±5 MB, within run-to-run noise):
//! the document-viewer cache model and no page cache (the page never navigates); nor is JSC's
//! JIT turned off (`JSC_useJIT=0`: −7 MB in the web process, at the cost of every script's speed).
//! Known cost: WebKitWebDriver cannot take a screenshot of a window drawn this way (it waits
//! forever), so the e2e tests capture the X display instead (tests/e2e_window.rs `screenshot`).
//! Linux only: the other platforms' webviews have no such setting in reach.

/// Before GTK and WebKit start: the first thing `run` does, while the process has one thread
/// (the environment is changed here, which is only sound then).
#[cfg(target_os = "linux")]
pub fn before_start() {
    set_unless_present("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    set_unless_present("GDK_GL", "disable");
    const VENDOR_DIRS: &str = "__EGL_VENDOR_LIBRARY_DIRS";
    const VENDOR_FILES: &str = "__EGL_VENDOR_LIBRARY_FILENAMES";
    if std::env::var_os(VENDOR_DIRS).is_some() || std::env::var_os(VENDOR_FILES).is_some() {
        return;
    }
    // A path that is never a directory of vendor files: libglvnd finds none.
    std::env::set_var(VENDOR_DIRS, "/dev/null");
    let opened = open_egl_display_without_vendors();
    std::env::remove_var(VENDOR_DIRS);
    // Logging is not started yet: what happened is kept for `draw_without_gpu` to log.
    let _ = EGL_IN_THIS_PROCESS.set(opened);
}

/// What `before_start` did to this process's EGL, logged once logging runs.
#[cfg(target_os = "linux")]
static EGL_IN_THIS_PROCESS: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();

#[cfg(target_os = "linux")]
fn open_egl_display_without_vendors() -> Result<(), String> {
    type GetDisplay = unsafe extern "C" fn(*mut std::ffi::c_void) -> *mut std::ffi::c_void;
    // SAFETY: libEGL.so.1 is already loaded (libwebkit2gtk links it), so this maps nothing new;
    // `eglGetDisplay` has this C signature, and with EGL_DEFAULT_DISPLAY (null) and no vendor it
    // only answers EGL_NO_DISPLAY.
    unsafe {
        let lib = libloading::Library::new("libEGL.so.1").map_err(|e| e.to_string())?;
        let get_display: libloading::Symbol<GetDisplay> =
            lib.get(b"eglGetDisplay\0").map_err(|e| e.to_string())?;
        get_display(std::ptr::null_mut());
        // Kept loaded: libglvnd's vendor list lives in it.
        std::mem::forget(lib);
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn set_unless_present(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        std::env::set_var(name, value);
    }
}

#[cfg(not(target_os = "linux"))]
pub fn before_start() {}

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
    match EGL_IN_THIS_PROCESS.get() {
        Some(Ok(())) => tracing::info!("this process opens no GL driver (the web process does)"),
        Some(Err(e)) => tracing::info!("this process's EGL is left as it is: {e}"),
        None => tracing::info!("this process's EGL is left as the user set it"),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn draw_without_gpu(_window: &tauri::WebviewWindow) {}
