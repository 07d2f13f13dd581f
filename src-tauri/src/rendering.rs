//! How the window's web view draws. On Linux, WebKitGTK's accelerated compositing is switched
//! off: the inbox is lists and forms, which it draws as well without, and with it WebKitGTK
//! keeps a GL compositor and its buffers — on a machine without a usable GPU (a VM, a remote
//! desktop, software GL) that alone held about 130 MB of the web process and half a second of
//! the start (`cargo xtask bench`: `idle_pss_WebKitWebProces`, `cold_start_ms`). Setting
//! `MOSTRADOR_GPU_COMPOSITING=1` keeps WebKitGTK's own choice. The app is one local page, so
//! WebKitGTK's page caches are off too.

/// Applies the drawing policy to the main window's web view.
pub fn apply(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        if std::env::var_os("MOSTRADOR_GPU_COMPOSITING").is_some_and(|v| v == "1") {
            return;
        }
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
            };
            let view = webview.inner();
            if let Some(settings) = view.settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
            // One local page, never browsed away from: no back-forward or memory caches.
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = applied {
            tracing::warn!(error = %e, "the web view's drawing policy was not applied");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
