//! The async runtime the app runs on: Tokio with one worker per core, as Tauri's own default,
//! and a small pool of threads for blocking calls instead of Tokio's 512.
//!
//! The blocking calls are the store's SQLite work (its pool holds four connections, so a fifth
//! thread only waits for one), the keyring and the notification server. With the default pool a
//! sync pass's burst of store calls starts a thread per call, and the threads stay as long as
//! work comes within ten seconds, which it always does while the app syncs: 18 such threads
//! were counted in an idle app. Each thread that allocates takes a glibc malloc arena of its own
//! (up to eight per core) and the memory freed in an arena stays with it; an idle app held
//! about 32 MB free across 15 arenas.

/// Threads for blocking calls: the store's four connections and room for the keyring and the
/// notification server beside them. Calls beyond it wait their turn.
const BLOCKING_THREADS: usize = 6;

/// Builds the runtime and makes it Tauri's; the caller keeps it for the life of the app.
pub fn install() -> std::io::Result<tokio::runtime::Runtime> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()?;
    tauri::async_runtime::set(runtime.handle().clone());
    Ok(runtime)
}
