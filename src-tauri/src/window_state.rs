//! The main window's size and place, remembered in the settings table. Written by hand rather
//! than with tauri-plugin-window-state because that plugin keeps its file in the platform's
//! config directory, outside `PINPACE_DATA_DIR`: tests and the demo would write to the user's
//! real directories (DESIGN invariant 9). Saved when the window is closed (hidden to the tray)
//! and before quitting; restored when it is created, if it still fits the minimum size.

use pinpace_engine::Store;
use serde::{Deserialize, Serialize};
use tauri::{LogicalPosition, LogicalSize, WebviewWindow, WebviewWindowBuilder, Window, Wry};

const KEY: &str = "window_geometry";
const MIN: (f64, f64) = (800.0, 600.0);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Geometry {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub maximized: bool,
}

impl Geometry {
    fn usable(&self) -> bool {
        self.width >= MIN.0
            && self.height >= MIN.1
            && self.width < 20_000.0
            && self.height < 20_000.0
            && self.x.abs() < 50_000.0
            && self.y.abs() < 50_000.0
    }
}

/// Applies the remembered geometry to the window about to be built.
pub fn restore<'a>(
    builder: WebviewWindowBuilder<'a, Wry, tauri::AppHandle>,
    store: &Store,
) -> WebviewWindowBuilder<'a, Wry, tauri::AppHandle> {
    match store.setting::<Geometry>(KEY).filter(Geometry::usable) {
        Some(g) => builder
            .inner_size(g.width, g.height)
            .position(g.x, g.y)
            .maximized(g.maximized),
        None => builder,
    }
}

fn read(window: &Window) -> Option<Geometry> {
    let scale = window.scale_factor().ok()?;
    let pos: LogicalPosition<f64> = window.outer_position().ok()?.to_logical(scale);
    let size: LogicalSize<f64> = window.inner_size().ok()?.to_logical(scale);
    Some(Geometry {
        x: pos.x,
        y: pos.y,
        width: size.width,
        height: size.height,
        maximized: window.is_maximized().unwrap_or(false),
    })
}

/// Remembers the window's geometry now.
pub fn save(window: &Window, store: &Store) {
    if let Some(g) = read(window).filter(Geometry::usable) {
        if let Err(e) = store.set_setting(KEY, &g) {
            tracing::warn!("the window's size and place were not saved: {}", e.message);
        }
    }
}

/// The same, for the webview window handle the tray's Quit has.
pub fn save_webview(window: &WebviewWindow, store: &Store) {
    save(&window.as_ref().window(), store);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_sane_geometry_is_restored() {
        let store = Store::open_in_memory().unwrap();
        let good = Geometry {
            x: 10.0,
            y: 20.0,
            width: 1024.0,
            height: 700.0,
            maximized: false,
        };
        store.set_setting(KEY, &good).unwrap();
        assert_eq!(
            store.setting::<Geometry>(KEY).filter(Geometry::usable),
            Some(good)
        );
        let tiny = Geometry {
            width: 200.0,
            ..good
        };
        store.set_setting(KEY, &tiny).unwrap();
        assert_eq!(
            store.setting::<Geometry>(KEY).filter(Geometry::usable),
            None
        );
    }
}
