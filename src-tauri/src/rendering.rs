//! How the Linux web view is set up to draw and cache, to keep its memory small.
//!
//! - WebKitGTK's cache model is "document viewer": the window shows this app's own pages only,
//!   never browses, so the browser-sized memory caches of the default model hold nothing worth
//!   keeping (measured: about 19 MB less in the web process, large demo seller, idle).
//! - On a machine with no GPU render node (`/dev/dri/renderD*`: a virtual machine, a remote
//!   desktop, a headless session), accelerated compositing would run on Mesa's software
//!   OpenGL; there the web view draws without it (measured: about 100 MB less in the web
//!   process). With a render node WebKitGTK keeps its own choice; `--gpu-compositing` keeps it
//!   always.
//!
//! Both are web view settings applied at run time, so nothing has to be in the environment
//! before WebKitGTK starts.

/// Whether a GPU render node is there to composite on.
#[cfg(target_os = "linux")]
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Sets up the main window's web view (Linux; elsewhere the platform's web view keeps its
/// defaults). `keep_compositing`: leave compositing to WebKitGTK even without a render node.
pub fn configure(app: &tauri::App, keep_compositing: bool) {
    #[cfg(target_os = "linux")]
    {
        use tauri::Manager;
        let Some(window) = app.get_webview_window("main") else {
            return;
        };
        let software = !keep_compositing && !has_render_node();
        let applied = window.with_webview(move |webview| {
            use webkit2gtk::{SettingsExt, WebContextExt, WebViewExt};
            let view = webview.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(webkit2gtk::CacheModel::DocumentViewer);
            }
            if software && let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(
                    webkit2gtk::HardwareAccelerationPolicy::Never,
                );
            }
        });
        match applied {
            Ok(()) => tracing::info!(
                accelerated_compositing = !software,
                "web view set up: document viewer cache"
            ),
            Err(e) => tracing::warn!(error = %e, "web view keeps WebKitGTK's defaults"),
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (app, keep_compositing);
}
