//! Mostrador's benchmarks, run by `cargo xtask bench` (release build, inside the private desktop
//! session). Each figure is printed as one line: `bench <name> <value> <unit>`.
//!
//! - `sandbox_rps`: requests per second the sandbox serves on loopback with no latency
//!   configured (authenticated `GET /questions/search`, 32 concurrent keep-alive clients in the
//!   same process, so the figure is a lower bound: the clients share the machine's 2 cores).
//! - `notify_latency_p95_ms` (and `_p50_ms`, `_max_ms`): from a question injected in the sandbox
//!   to the `org.freedesktop.Notifications.Notify` call observed on the session bus, with the
//!   core polling at the app's default interval; `notify_poll_interval_ms` and the goal ratio
//!   `notify_latency_p95_vs_goal` (goal: interval + 1,000 ms) are printed beside it.
//! - `idle_requests_per_poll`: API requests per poll while nothing changes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use mostrador_core::notify::{Notification, Notifier};
use mostrador_core::secrets::MemoryStore;
use mostrador_sandbox::{Sandbox, SandboxConfig};
use mostrador_tests::Harness;

/// The app's default interval between polls for new questions.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
const LATENCY_SAMPLES: usize = 12;

async fn sandbox_rps() -> anyhow::Result<f64> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let creds: serde_json::Value = http
        .get(format!("{}/_sandbox/credentials", sandbox.url()))
        .send()
        .await?
        .json()
        .await?;
    let token = creds["sellers"][0]["access_token"]
        .as_str()
        .context("token")?
        .to_owned();
    let seller = creds["sellers"][0]["user_id"].as_i64().context("seller")?;
    let url = format!(
        "{}/questions/search?seller_id={seller}&status=UNANSWERED&api_version=4",
        sandbox.url()
    );
    let done = Arc::new(AtomicU64::new(0));
    let warmup = Duration::from_millis(500);
    let window = Duration::from_secs(4);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (http, url, token, done) = (http.clone(), url.clone(), token.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while start.elapsed() < warmup + window {
                let ok = http
                    .get(&url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .map(|r| r.status().is_success());
                if matches!(ok, Ok(true)) && start.elapsed() > warmup {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    sandbox.stop().await;
    Ok(done.load(Ordering::Relaxed) as f64 / window.as_secs_f64())
}

/// Sends through notify-rust to the session's notification daemon, as the desktop app does.
struct BusNotifier;

impl Notifier for BusNotifier {
    fn show(&self, n: Notification) {
        std::thread::spawn(move || {
            let _ = notify_rust::Notification::new()
                .summary(&n.summary)
                .body(&n.body)
                .show();
        });
    }
}

/// Lines read from `dbus-monitor`, each with the instant it was read.
type BusLines = Arc<Mutex<Vec<(Instant, String)>>>;

/// Watches the session bus for `Notify` calls.
fn watch_bus() -> anyhow::Result<(std::process::Child, BusLines)> {
    let mut child = Command::new("dbus-monitor")
        .args([
            "--session",
            "interface='org.freedesktop.Notifications',member='Notify'",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("dbus-monitor (run through `cargo xtask bench`)")?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let stdout = child.stdout.take().context("stdout")?;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((Instant::now(), line));
        }
    });
    Ok((child, seen))
}

struct Latency {
    p50: f64,
    p95: f64,
    max: f64,
    idle_requests_per_poll: f64,
}

async fn notify_latency() -> anyhow::Result<Latency> {
    let (mut monitor, seen) = watch_bus()?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut h = Harness::start_with(
        Arc::new(MemoryStore::default()),
        POLL_INTERVAL,
        Arc::new(BusNotifier),
        Default::default(),
    )
    .await?;
    h.run().await?;
    tokio::time::sleep(Duration::from_secs(1)).await; // baseline poll

    // Idle cost: requests over three idle polls.
    let before_total: u64 = total_requests(&h).await?;
    let before_polls = h.request_count("GET /questions/search").await?;
    tokio::time::sleep(POLL_INTERVAL * 3 + Duration::from_millis(200)).await;
    let polls = h.request_count("GET /questions/search").await? - before_polls;
    let idle = (total_requests(&h).await? - before_total) as f64 / polls.max(1) as f64;

    let mut samples = Vec::new();
    for n in 0..LATENCY_SAMPLES {
        // Spread injections across the poll cycle.
        let offset = POLL_INTERVAL.as_millis() as u64 * (n as u64 * 7 % LATENCY_SAMPLES as u64)
            / LATENCY_SAMPLES as u64;
        tokio::time::sleep(Duration::from_millis(offset)).await;
        let marker = format!("bench-{n}-{}", std::process::id());
        let injected = Instant::now();
        h.inject_question(&format!("¿Hay stock? ({marker})"))
            .await?;
        let deadline = injected + POLL_INTERVAL * 3;
        loop {
            let hit = seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .find(|(_, line)| line.contains(&marker))
                .map(|(at, _)| *at);
            if let Some(at) = hit {
                samples.push(at.duration_since(injected).as_secs_f64() * 1000.0);
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "no Notify call for {marker}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    h.stop().await;
    let _ = monitor.kill();
    samples.sort_by(f64::total_cmp);
    let pick =
        |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    Ok(Latency {
        p50: pick(0.5),
        p95: pick(0.95),
        max: pick(1.0),
        idle_requests_per_poll: idle,
    })
}

async fn total_requests(h: &Harness) -> anyhow::Result<u64> {
    let map: std::collections::BTreeMap<String, u64> = h
        .http
        .get(format!("{}/_sandbox/requests", h.sandbox.url()))
        .send()
        .await?
        .json()
        .await?;
    Ok(map
        .iter()
        .filter(|(k, _)| !k.contains("/_sandbox/"))
        .map(|(_, v)| v)
        .sum())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rps = sandbox_rps().await?;
    println!("bench sandbox_rps {rps:.0} req/s");
    let l = notify_latency().await?;
    let interval = POLL_INTERVAL.as_millis() as f64;
    println!("bench notify_poll_interval_ms {interval:.0} ms");
    println!("bench notify_latency_p50_ms {:.0} ms", l.p50);
    println!("bench notify_latency_p95_ms {:.0} ms", l.p95);
    println!("bench notify_latency_max_ms {:.0} ms", l.max);
    println!(
        "bench notify_latency_p95_vs_goal {:.2} ratio",
        l.p95 / (interval + 1000.0)
    );
    println!(
        "bench idle_requests_per_poll {:.2} req/poll",
        l.idle_requests_per_poll
    );
    Ok(())
}
