//! The app's footprint, measured on the release build in the desktop session: how long from
//! the app process's start to the inbox's first rows in the window (large demo seller; the
//! WebDriver launch before it is reported apart), and how much memory the
//! app and its WebKit processes hold once idle after that seller's sync: proportional set size
//! (PSS, shared pages split between the processes sharing them) and RSS, from
//! `/proc/<pid>/smaps_rollup`, per process.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::Value;

use crate::window::{free_port, launch_as_shipped};

/// One process's memory.
#[derive(Debug, Clone)]
pub struct ProcessMemory {
    /// Its name (`mostrador`, `WebKitWebProcess`, `WebKitNetworkProcess`).
    pub name: String,
    /// PSS in MB.
    pub pss_mb: f64,
    /// RSS in MB.
    pub rss_mb: f64,
    /// Of the PSS, anonymous memory (heaps, JIT, buffers) in MB.
    pub anon_mb: f64,
    /// The largest contributors to the PSS: a mapped file's name, or `[anon]`, `[heap]`,
    /// `[stack]`, with its PSS in MB, largest first.
    pub largest: Vec<(String, f64)>,
}

/// What was measured.
#[derive(Debug, Clone)]
pub struct Footprint {
    /// The app process's start to the first question row in the window, in ms (median of
    /// [`LAUNCHES`]).
    pub cold_start_ms: f64,
    /// Each launch's time to its first rows from the app process's start, in launch order.
    pub cold_starts_ms: Vec<f64>,
    /// The same from the WebDriver request that launched it (the driver's own start added).
    pub cold_start_with_driver_ms: f64,
    /// The processes after a minute idle.
    pub processes: Vec<ProcessMemory>,
}

/// How many launches the cold start is the median of (it varies by a few hundred ms from one
/// launch to the next on a 2-core machine).
const LAUNCHES: usize = 5;

/// Launches `app` in demo mode with the large seller [`LAUNCHES`] times, each on a fresh data
/// directory, and times its first rows; the last launch then waits for its sync to finish and
/// `idle`, and the memory of the app and its descendants is read.
pub async fn run(app: &Path, idle: Duration) -> anyhow::Result<Footprint> {
    let mut cold = Vec::new();
    let mut with_driver = Vec::new();
    let mut last = None;
    for n in 0..LAUNCHES {
        let (client, data, from_process, from_driver) = launch_to_rows(app).await?;
        cold.push(from_process);
        with_driver.push(from_driver);
        if n + 1 < LAUNCHES {
            let _ = client.close().await;
            drop(data);
        } else {
            last = Some((client, data));
        }
    }
    let (client, _data) = last.ok_or_else(|| anyhow::anyhow!("no launch"))?;
    let cold_starts_ms = cold.clone();
    let cold_start_ms = median(&mut cold);
    let cold_start_with_driver_ms = median(&mut with_driver);
    // The large seller's first sync, every resource.
    let done = format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('sync_progress', {{ accountId: {} }})
           .then((p) => done(p.length > 0 && p.every((r) => r.initial_done)), () => done(false));",
        mostrador_sandbox::seed::SELLER_ID
    );
    let synced = Instant::now();
    while client.execute_async(&done, vec![]).await? != Value::Bool(true) {
        anyhow::ensure!(
            synced.elapsed() < Duration::from_secs(600),
            "the sync never finished"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tokio::time::sleep(idle).await;
    let root = newest_pid("mostrador")?;
    let mut pids = vec![root];
    pids.extend(descendants(root));
    let mut processes = Vec::new();
    for pid in pids {
        if let Some(p) = memory(pid) {
            processes.push(p);
        }
    }
    let _ = client.close().await;
    Ok(Footprint {
        cold_start_ms,
        cold_starts_ms,
        cold_start_with_driver_ms,
        processes,
    })
}

fn newest_pid(name: &str) -> anyhow::Result<u32> {
    let out = std::process::Command::new("pgrep")
        .args(["-n", "-x", name])
        .output()?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| anyhow::anyhow!("no {name} process: {e}"))
}

/// Launches the app on a fresh data directory and waits for the inbox's first rows: the
/// window, its data directory, and the time to those rows from the app process's start and
/// from the WebDriver request, in ms.
async fn launch_to_rows(
    app: &Path,
) -> anyhow::Result<(fantoccini::Client, tempfile::TempDir, f64, f64)> {
    let data = tempfile::tempdir()?;
    let port = free_port();
    let args: Vec<String> = [
        "--demo",
        "--demo-profile",
        "large",
        "--data-dir",
        &data.path().display().to_string(),
        "--sandbox-port",
        &port.to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    let start = Instant::now();
    let client = launch_as_shipped(&app.display().to_string(), &args).await;
    loop {
        if !client
            .find_all(Locator::Css("[data-testid=question-row]"))
            .await?
            .is_empty()
        {
            break;
        }
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(120),
            "no rows painted"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let from_driver = start.elapsed().as_secs_f64() * 1000.0;
    let from_process = since_start(newest_pid("mostrador")?)?.as_secs_f64() * 1000.0;
    Ok((client, data, from_process, from_driver))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// How long ago process `pid` started: its start in clock ticks after boot
/// (`/proc/<pid>/stat`, field 22) against the time since boot (`/proc/uptime`), both to the
/// hundredth of a second.
fn since_start(pid: u32) -> anyhow::Result<Duration> {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")?
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .parse()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The name is in parentheses and may hold spaces: fields follow the last ')', the state
    // being field 3, so the start time (field 22) is the 20th after it.
    let ticks: f64 = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(19))
        .unwrap_or_default()
        .parse()?;
    // USER_HZ is 100 on Linux (`getconf CLK_TCK`).
    Ok(Duration::from_secs_f64((uptime - ticks / 100.0).max(0.0)))
}

/// Every process whose parent chain reaches `root`.
fn descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The name is in parentheses and may hold spaces: fields follow the last ')'.
            let rest = stat.rsplit_once(')')?.1;
            let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found.remove(0);
    found
}

fn memory(pid: u32) -> Option<ProcessMemory> {
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |key: &str| -> f64 {
        rollup
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    Some(ProcessMemory {
        name: name.trim().to_owned(),
        pss_mb: field("Pss:"),
        rss_mb: field("Rss:"),
        anon_mb: field("Pss_Anon:"),
        largest: largest_mappings(pid, 8),
    })
}

/// The `n` mappings holding the most PSS in `/proc/<pid>/smaps`, summed per file (a library's
/// text, data and relro segments together) or per kind of anonymous memory.
fn largest_mappings(pid: u32, n: usize) -> Vec<(String, f64)> {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return Vec::new();
    };
    let mut by_name: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    let mut current = String::from("[anon]");
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let Some(first) = fields.next() else { continue };
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            // A mapping's header: range, perms, offset, device, inode, then the name if any.
            let name = fields.nth(4).unwrap_or("[anon]");
            current = name.rsplit('/').next().unwrap_or(name).to_owned();
        } else if first == "Pss:" {
            let kb: f64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
            *by_name.entry(current.clone()).or_default() += kb / 1024.0;
        }
    }
    let mut all: Vec<(String, f64)> = by_name.into_iter().collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1));
    all.truncate(n);
    all
}
