//! `mostrador-sandbox` binary: run the Mercado Libre simulator on loopback for manual
//! exploration and benchmarks.
//!
//! Usage: `mostrador-sandbox [--port N] [--seed N] [--question-every SECS]`

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
            "-h" | "--help" => {
                println!(
                    "mostrador-sandbox [--port N] [--seed N] [--question-every SECS (0 = off)]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?} (try --help)"),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
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
