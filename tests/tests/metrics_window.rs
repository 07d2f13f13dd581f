//! The metrics screen in the real window with the large demo seller: every chart drawn from the
//! store's figures, and each account's thermometer showing the `level_id` the sandbox reports
//! beside the app's own computation (with the note that explains a difference).

use std::time::Duration;

use fantoccini::Locator;
use mostrador_tests::window::{app_path, click, free_port, launch, screenshot};
use mostrador_tests::{eventually, require_desktop_session};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn the_metrics_screen_shows_the_sandbox_level_beside_the_apps_own() {
    require_desktop_session();
    mostrador_tests::init_logging();
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sandbox = format!("http://127.0.0.1:{port}");
    let args: Vec<String> = [
        "--demo",
        "--demo-profile",
        "large",
        "--data-dir",
        &data_dir.path().display().to_string(),
        "--sandbox-port",
        &port.to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    let client = launch(&app_path(), &args).await;
    click(&client, "[data-testid=nav-metrics]").await;
    let seller = mostrador_sandbox::seed::SELLER_ID;
    let shown = format!("[data-testid=thermometer-{seller}] [data-testid=shown-level]");
    // The reputation is read by the figures sync, the orders by theirs: the screen reads again
    // as the sync goes.
    let app = format!("[data-testid=thermometer-{seller}] [data-testid=app-level]");
    let waited = eventually(
        Duration::from_secs(180),
        "the thermometer with both levels",
        || async {
            if client.find_all(Locator::Css(&shown)).await?.is_empty() {
                click(&client, "[data-testid=range-60]").await;
                click(&client, "[data-testid=range-120]").await;
                return Ok(None);
            }
            let level = client
                .find(Locator::Css(&app))
                .await?
                .attr("data-level")
                .await?;
            Ok(level.filter(|l| l != "none").map(|_| ()))
        },
    )
    .await;
    if let Err(e) = waited {
        screenshot(&client, "metrics-window-waiting.png").await;
        let seen = client
            .execute_async(
                &format!(
                    "const done = arguments[arguments.length - 1];
                     const failure = [...document.querySelectorAll('figure')].map((f) => f.dataset.failure);
                     window.__TAURI_INTERNALS__.invoke('sync_progress', {{ accountId: {seller} }})
                       .then((p) => done({{ failure, p }}), (x) => done({{ failure, x: String(x) }}));"
                ),
                vec![],
            )
            .await;
        panic!("{e}: {seen:?}");
    }
    let remote: Value = reqwest::get(format!("{sandbox}/users/{seller}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let level_id = remote["seller_reputation"]["level_id"]
        .as_str()
        .unwrap_or("none")
        .to_owned();
    let shown_level = client
        .find(Locator::Css(&shown))
        .await
        .unwrap()
        .attr("data-level")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(
        shown_level, level_id,
        "the window shows the sandbox's level_id"
    );
    let app_level = client
        .find(Locator::Css(&app))
        .await
        .unwrap()
        .attr("data-level")
        .await
        .unwrap()
        .unwrap_or_default();
    let note = format!("[data-testid=thermometer-{seller}] [data-testid=difference]");
    let noted = !client
        .find_all(Locator::Css(&note))
        .await
        .unwrap()
        .is_empty();
    assert_eq!(
        noted,
        app_level != shown_level,
        "a note exactly when the levels differ ({app_level} vs {shown_level})"
    );
    // Every chart is drawn on a canvas, with its hidden table of 120 days.
    for chart in [
        "questions",
        "response",
        "sales",
        "amount",
        "claims_rate",
        "cancellations_rate",
        "delayed_rate",
    ] {
        let canvas = format!("[data-testid=chart-{chart}] canvas");
        let failure = format!("[data-testid=chart-{chart}]");
        eventually(Duration::from_secs(20), "the chart drawn", || async {
            let figure = client.find(Locator::Css(&failure)).await?;
            if let Some(why) = figure.attr("data-failure").await? {
                anyhow::bail!("not drawn: {why}");
            }
            Ok((!client.find_all(Locator::Css(&canvas)).await?.is_empty()).then_some(()))
        })
        .await
        .unwrap_or_else(|e| panic!("{chart}: {e}"));
        let rows = format!("[data-testid=chart-{chart}-table] tbody tr");
        assert_eq!(
            client.find_all(Locator::Css(&rows)).await.unwrap().len(),
            120
        );
    }
    // The hidden table is read as a screen reader would: its text, not its pixels.
    let asked = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=chart-questions-table] tbody tr')]
                 .map((r) => Number(r.querySelector('td').textContent.replace(/\\D/g, '')) || 0)
                 .reduce((a, b) => a + b, 0);",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(0);
    assert!(asked > 100, "only {asked} questions charted");
    screenshot(&client, "metrics-window-large.png").await;
    let _ = client.close().await;
}
