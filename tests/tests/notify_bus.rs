//! The notification policy on a real session bus: notify-rust sends to the notification daemon
//! of the private D-Bus session, and `dbus-monitor` sees what arrives. Grouped texts, quiet
//! hours and single notifications are checked on the `Notify` calls themselves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Timelike;
use mostrador_core::notify::{Notification, Notifier, QuietHours};
use mostrador_core::secrets::MemoryStore;
use mostrador_tests::{Harness, Options, RecordingNotifier, eventually, require_desktop_session};

/// Sends through notify-rust to the session's daemon.
struct BusNotifier;

impl Notifier for BusNotifier {
    fn show(&self, n: Notification) {
        std::thread::spawn(move || {
            let _ = notify_rust::Notification::new()
                .appname("Mostrador")
                .summary(&n.summary)
                .body(&n.body)
                .show();
        });
    }
}

/// `dbus-monitor` on `Notify` calls; each call is the text of its lines joined.
struct Monitor {
    child: std::process::Child,
    calls: Arc<Mutex<Vec<String>>>,
}

impl Monitor {
    fn start() -> Self {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor runs (in the `cargo xtask test` session)");
        let calls = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = calls.clone();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let mut calls = sink.lock().unwrap_or_else(|e| e.into_inner());
                if line.contains("member=Notify") {
                    calls.push(String::new());
                } else if let Some(last) = calls.last_mut() {
                    last.push_str(&line);
                    last.push('\n');
                }
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        Self { child, calls }
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouped_quiet_and_single_notifications_on_the_session_bus() -> anyhow::Result<()> {
    require_desktop_session();
    let monitor = Monitor::start();
    let h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options::default(),
        Arc::new(BusNotifier),
        Arc::new(RecordingNotifier::default()),
    )
    .await?;
    let seller = h.seller_id;
    h.core.engine().poll_questions(seller).await?; // the baseline: nothing announced
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        monitor.calls().len(),
        0,
        "questions already waiting are not announced"
    );

    // Five at once: one grouped notification (the threshold is 3).
    for n in 0..5 {
        h.inject_question(&format!("¿Viene en caja? ({n})")).await?;
    }
    h.core.engine().poll_questions(seller).await?;
    let grouped = eventually(Duration::from_secs(10), "the grouped Notify", || {
        let calls = monitor.calls();
        async move { Ok((!calls.is_empty()).then_some(calls)) }
    })
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        monitor.calls().len(),
        1,
        "one notification for five questions"
    );
    assert!(
        grouped[0].contains("string \"5 preguntas nuevas\""),
        "{}",
        grouped[0]
    );
    assert!(
        grouped[0].contains("string \"en 1 publicación:"),
        "{}",
        grouped[0]
    );

    // Quiet hours around now: a new question is not announced.
    let minute = (chrono::Utc::now().hour() * 60 + chrono::Utc::now().minute()) as u16;
    let mut settings = h.owner().settings().notifications().await?;
    settings.quiet_hours = vec![QuietHours {
        days: (1..=7).collect(),
        start_minute: (minute + 1440 - 60) % 1440,
        end_minute: (minute + 60) % 1440,
    }];
    h.owner()
        .settings()
        .set_notifications(settings.clone())
        .await?;
    h.inject_question("¿Hacen factura A? (silencio)").await?;
    h.core.engine().poll_questions(seller).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(monitor.calls().len(), 1, "nothing during quiet hours");

    // Out of quiet hours again: one question, one notification with its text.
    settings.quiet_hours.clear();
    h.owner().settings().set_notifications(settings).await?;
    h.inject_question("¿Tienen el modelo azul?").await?;
    h.core.engine().poll_questions(seller).await?;
    let calls = eventually(Duration::from_secs(10), "the single Notify", || {
        let calls = monitor.calls();
        async move { Ok((calls.len() >= 2).then_some(calls)) }
    })
    .await?;
    assert_eq!(calls.len(), 2);
    assert!(
        calls[1].contains("string \"¿Tienen el modelo azul?\""),
        "{}",
        calls[1]
    );
    assert!(
        !calls.iter().any(|c| c.contains("silencio")),
        "the quiet-hours question is never announced later"
    );
    Ok(())
}
