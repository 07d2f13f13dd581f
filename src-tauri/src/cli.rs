//! Command-line options of the desktop app.
//!
//! `mostrador [--demo] [--minimized] [--data-dir DIR] [--sandbox-port N] [--question-every SECS]
//! [--order-every SECS] [--message-every SECS] [--claim-every SECS] [--delay-every SECS] [--poll-ms N]
//! [--gpu-compositing]`

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

const USAGE: &str = "mostrador [--demo] [--minimized] [--data-dir DIR] [--sandbox-port N] \
                     [--question-every SECS] [--order-every SECS] [--message-every SECS] \
                     [--claim-every SECS] [--delay-every SECS] (demo traffic; 0 = off) \
                     [--poll-ms N] [--demo-profile tiny|small|large|huge] [--demo-latency-ms N] \
                     [--gpu-compositing] (keep WebKitGTK's compositing without a GPU render node)\n\
                     Environment: MOSTRADOR_API_BASE and MOSTRADOR_AUTH_BASE replace Mercado \
                     Libre's API and authorization addresses for real accounts (staging, tests).";

/// How often the demo's simulated buyers do each thing after the sale (`None`: never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traffic {
    /// A purchase (stock goes down).
    pub order_every: Option<Duration>,
    /// A post-sale message from a buyer.
    pub message_every: Option<Duration>,
    /// A claim.
    pub claim_every: Option<Duration>,
    /// A shipment passing its dispatch deadline.
    pub delay_every: Option<Duration>,
}

impl Default for Traffic {
    /// A pace at which every screen of the demo changes within a minute or two.
    fn default() -> Self {
        Self {
            order_every: Some(Duration::from_secs(30)),
            message_every: Some(Duration::from_secs(45)),
            claim_every: Some(Duration::from_secs(150)),
            delay_every: Some(Duration::from_secs(120)),
        }
    }
}

/// Parsed options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Run against the in-process sandbox with a seeded seller.
    pub demo: bool,
    /// Where the database and logs go (default: the OS app-data directory).
    pub data_dir: Option<PathBuf>,
    /// Port of the demo sandbox (0: any free one).
    pub sandbox_port: u16,
    /// Simulated buyers ask this often in demo mode (`None`: no questions).
    pub question_every: Option<Duration>,
    /// The rest of the demo's simulated traffic.
    pub traffic: Traffic,
    /// Time between polls for new questions while the window is focused or a question arrived
    /// recently.
    pub poll_interval: Duration,
    /// Time between polls otherwise.
    pub idle_poll_interval: Duration,
    /// Start hidden in the tray (passed by the login item).
    pub minimized: bool,
    /// Print the names of the window's commands and exit.
    pub list_commands: bool,
    /// Size of the demo seller.
    pub demo_profile: mostrador_sandbox::seed::Profile,
    /// Latency the demo sandbox adds to every response, in milliseconds.
    pub demo_latency_ms: u64,
    /// Keep WebKitGTK's accelerated compositing even on a machine without a GPU render node
    /// (see `rendering`).
    pub gpu_compositing: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            demo: false,
            data_dir: None,
            sandbox_port: 0,
            question_every: Some(Duration::from_secs(25)),
            traffic: Traffic::default(),
            poll_interval: Duration::from_secs(5),
            idle_poll_interval: Duration::from_secs(10),
            minimized: false,
            list_commands: false,
            demo_profile: mostrador_sandbox::seed::Profile::Tiny,
            demo_latency_ms: 0,
            gpu_compositing: false,
        }
    }
}

/// A traffic interval in seconds; 0 turns that traffic off.
fn every(value: &str, arg: &str) -> anyhow::Result<Option<Duration>> {
    let secs: f64 = value.parse().with_context(|| arg.to_owned())?;
    if !secs.is_finite() || secs < 0.0 {
        bail!("{arg} must be 0 or a positive number of seconds");
    }
    Ok((secs > 0.0).then(|| Duration::from_secs_f64(secs)))
}

/// Parses `args` (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> anyhow::Result<Options> {
    let mut o = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--demo" => o.demo = true,
            "--minimized" => o.minimized = true,
            "--list-commands" => o.list_commands = true,
            "--gpu-compositing" => o.gpu_compositing = true,
            "--data-dir" => o.data_dir = Some(PathBuf::from(value()?)),
            "--sandbox-port" => o.sandbox_port = value()?.parse().context("--sandbox-port")?,
            "--question-every" => o.question_every = every(&value()?, &arg)?,
            "--order-every" => o.traffic.order_every = every(&value()?, &arg)?,
            "--message-every" => o.traffic.message_every = every(&value()?, &arg)?,
            "--claim-every" => o.traffic.claim_every = every(&value()?, &arg)?,
            "--delay-every" => o.traffic.delay_every = every(&value()?, &arg)?,
            "--poll-ms" => {
                let ms: u64 = value()?.parse().context("--poll-ms")?;
                // An explicit interval holds whether or not the window has the focus.
                o.poll_interval = Duration::from_millis(ms.max(100));
                o.idle_poll_interval = o.poll_interval;
            }
            "--demo-profile" => {
                o.demo_profile = value()?.parse().map_err(anyhow::Error::msg)?;
            }
            "--demo-latency-ms" => {
                o.demo_latency_ms = value()?.parse().context("--demo-latency-ms")?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?} (try --help)"),
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_the_demo_options() {
        let o = parse(args(&[
            "--demo",
            "--minimized",
            "--question-every",
            "0",
            "--poll-ms",
            "50",
            "--demo-profile",
            "large",
            "--demo-latency-ms",
            "30",
            "--message-every",
            "0",
            "--order-every",
            "2.5",
        ]))
        .unwrap();
        assert_eq!(o.traffic.message_every, None);
        assert_eq!(o.traffic.order_every, Some(Duration::from_millis(2500)));
        assert_eq!(o.traffic.claim_every, Traffic::default().claim_every);
        assert_eq!(o.demo_profile, mostrador_sandbox::seed::Profile::Large);
        assert_eq!(o.demo_latency_ms, 30);
        assert!(o.demo && o.minimized);
        assert_eq!(o.question_every, None, "0 turns simulated buyers off");
        assert_eq!(
            o.poll_interval,
            Duration::from_millis(100),
            "polls are never faster than 100 ms"
        );
    }

    #[test]
    fn refuses_unknown_or_incomplete_arguments() {
        assert!(parse(args(&["--nope"])).is_err());
        assert!(parse(args(&["--demo-profile", "gigantic"])).is_err());
        assert!(parse(args(&["--claim-every", "-1"])).is_err());
        assert!(
            parse(args(&["--data-dir"]))
                .unwrap_err()
                .to_string()
                .contains("needs a value")
        );
    }
}
