//! Mostrador's benchmarks, run by `cargo xtask bench` (release build). Each figure is printed as
//! one line: `bench <name> <value> <unit>`.
//!
//! - `sandbox_rps`: requests per second the sandbox serves on loopback with no latency
//!   configured (authenticated `GET /questions/search`, 32 concurrent keep-alive clients in the
//!   same process, so the figure is a lower bound: the clients share the machine's 2 cores).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use mostrador_sandbox::{Sandbox, SandboxConfig};

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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rps = sandbox_rps().await?;
    println!("bench sandbox_rps {rps:.0} req/s");
    Ok(())
}
