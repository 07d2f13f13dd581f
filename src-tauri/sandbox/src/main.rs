//! `mostrador-sandbox` binary: run the Mercado Libre simulator on loopback for manual
//! exploration and benchmarks.
//!
//! Usage: `mostrador-sandbox [--port N] [--profile tiny|small|large|huge] [--seed N]
//! [--question-every SECS] [--order-every SECS] [--message-every SECS] [--claim-every SECS] [--delay-every SECS] [--latency-ms N] [--jitter-ms N] [--rate-limit N]
//! [--faults error=0.05,timeout=0.01,drop=0.01,lose_write=0.02]`
//!
//! The first line of output is `listening on http://127.0.0.1:PORT`.

use std::time::Duration;

use anyhow::{Context, bail};
use mostrador_sandbox::{Sandbox, SandboxConfig};

fn parse_args() -> anyhow::Result<SandboxConfig> {
    let mut config = SandboxConfig {
        port: 8787,
        question_every: Some(Duration::from_secs(20)),
        ..SandboxConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => config.port = value()?.parse().context("--port")?,
            "--seed" => config.seed = value()?.parse().context("--seed")?,
            "--question-every" => {
                let secs: f64 = value()?.parse().context("--question-every")?;
                config.question_every = (secs > 0.0).then(|| Duration::from_secs_f64(secs));
            }
            "--order-every" => config.order_every = every(&value()?, &arg)?,
            "--message-every" => config.message_every = every(&value()?, &arg)?,
            "--claim-every" => config.claim_every = every(&value()?, &arg)?,
            "--delay-every" => config.delay_every = every(&value()?, &arg)?,
            "--profile" => config.profile = value()?.parse().map_err(anyhow::Error::msg)?,
            "--latency-ms" => {
                config.faults.latency_ms = value()?.parse().context("--latency-ms")?
            }
            "--jitter-ms" => config.faults.jitter_ms = value()?.parse().context("--jitter-ms")?,
            "--rate-limit" => {
                config.faults.rate_limit = value()?.parse().context("--rate-limit")?
            }
            "--faults" => parse_faults(&value()?, &mut config.faults)?,
            "-h" | "--help" => {
                println!(
                    "mostrador-sandbox [--port N] [--profile tiny|small|large|huge] [--seed N] \
                     [--question-every SECS (0 = off)] [--order-every SECS] [--message-every SECS] [--claim-every SECS] [--delay-every SECS] [--latency-ms N] [--jitter-ms N] \
                     [--rate-limit REQ_PER_S] [--faults error=F,timeout=F,drop=F,lose_write=F]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?} (try --help)"),
        }
    }
    Ok(config)
}

/// Seconds between simulated events; 0 turns them off.
fn every(value: &str, flag: &str) -> anyhow::Result<Option<Duration>> {
    let secs: f64 = value.parse().with_context(|| flag.to_owned())?;
    Ok((secs > 0.0).then(|| Duration::from_secs_f64(secs)))
}

fn parse_faults(spec: &str, faults: &mut mostrador_sandbox::world::Faults) -> anyhow::Result<()> {
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .context("--faults takes name=fraction pairs")?;
        let fraction: f64 = value.parse().with_context(|| format!("--faults {name}"))?;
        if !(0.0..=1.0).contains(&fraction) {
            bail!("--faults {name}: a fraction between 0 and 1");
        }
        match name {
            "error" => faults.error_rate = fraction,
            "timeout" => faults.timeout_rate = fraction,
            "drop" => faults.drop_rate = fraction,
            "lose_write" => faults.lose_write_rate = fraction,
            other => bail!("unknown fault {other:?} (error, timeout, drop, lose_write)"),
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let sandbox = Sandbox::start(parse_args()?).await?;
    println!("listening on {}", sandbox.url());
    tokio::signal::ctrl_c().await?;
    sandbox.stop().await;
    Ok(())
}
