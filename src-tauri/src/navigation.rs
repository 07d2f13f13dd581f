//! The main webview never navigates away from the app: a crafted link in synced data (a
//! listing's description, a buyer's message) cannot take over the window. Mercado Libre pages
//! open in the system browser through the `link_open` command instead.

use tauri::plugin::TauriPlugin;
use tauri::{Runtime, Url};

/// Whether `url` is one of the app's own pages (Tauri's custom protocol on each platform).
pub fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// A plugin whose navigation handler refuses everything but the app's own pages.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let allowed = is_app_page(url);
            if !allowed {
                tracing::warn!(%url, "refused a navigation away from the app");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_load_in_the_window() {
        let ok = [
            "tauri://localhost/",
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
        ];
        for u in ok {
            assert!(is_app_page(&Url::parse(u).expect("url")), "{u}");
        }
        let refused = [
            "https://articulo.mercadolibre.com.ar/MLA-1",
            "http://evil.example/",
            "tauri://evil/",
            "file:///etc/passwd",
            "http://tauri.localhost.evil.example/",
        ];
        for u in refused {
            assert!(!is_app_page(&Url::parse(u).expect("url")), "{u}");
        }
    }
}
