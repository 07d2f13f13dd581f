//! Command-line options of the desktop app.
//!
//! `mostrador [--demo] [--minimized] [--data-dir DIR] [--sandbox-port N] [--question-every SECS] [--poll-ms N]`

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

const USAGE: &str = "mostrador [--demo] [--minimized] [--data-dir DIR] [--sandbox-port N] \
                     [--question-every SECS (0 = off)] [--poll-ms N]";

/// Parsed options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Run against the in-process sandbox with a seeded seller.
    pub demo: bool,
    /// Where the database and logs go (default: the OS app-data directory).
    pub data_dir: Option<PathBuf>,
    /// Port of the demo sandbox (0: any free one).
    pub sandbox_port: u16,
    /// Simulated buyers ask this often in demo mode (`None`: no traffic).
    pub question_every: Option<Duration>,
    /// Time between polls for new questions.
    pub poll_interval: Duration,
    /// Start hidden in the tray (passed by the login item).
    pub minimized: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            demo: false,
            data_dir: None,
            sandbox_port: 0,
            question_every: Some(Duration::from_secs(25)),
            poll_interval: Duration::from_secs(5),
            minimized: false,
        }
    }
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
            "--data-dir" => o.data_dir = Some(PathBuf::from(value()?)),
            "--sandbox-port" => o.sandbox_port = value()?.parse().context("--sandbox-port")?,
            "--question-every" => {
                let secs: f64 = value()?.parse().context("--question-every")?;
                o.question_every = (secs > 0.0).then(|| Duration::from_secs_f64(secs));
            }
            "--poll-ms" => {
                let ms: u64 = value()?.parse().context("--poll-ms")?;
                o.poll_interval = Duration::from_millis(ms.max(100));
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
        ]))
        .unwrap();
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
        assert!(
            parse(args(&["--data-dir"]))
                .unwrap_err()
                .to_string()
                .contains("needs a value")
        );
    }
}
