//! The real window, end to end: the built app in demo mode under Xvfb, driven through
//! tauri-driver and WebKitWebDriver, with the notification daemon on the private session bus.
//!
//! A simulated buyer asks (sandbox control endpoint) → exactly one `Notify` call carries the
//! listing title and the question → the question appears in the inbox → the test answers it
//! from the window → the sandbox records exactly that answer → the question shows as answered.

// A failed unwrap is a failed test, with its location; helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::Duration;

use fantoccini::{Client, Locator};
use mostrador_tests::window::{
    BusMonitor, app_path, appears, click, free_port, invoke, launch, present, screenshot, text_of,
    type_into,
};
use mostrador_tests::{eventually, require_desktop_session};
use serde_json::{Value, json};

use mostrador_tests::window::WAIT;

async fn row_ids(client: &Client, selector: &str) -> anyhow::Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for row in client.find_all(Locator::Css(selector)).await? {
        let id = row
            .attr("data-question-id")
            .await?
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        let status = row.attr("data-status").await?.unwrap_or_default();
        out.push((id, status));
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_buyer_asks_the_seller_is_notified_and_answers_from_the_window() {
    require_desktop_session();
    mostrador_tests::init_logging();
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sandbox = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let monitor = BusMonitor::start();
    let args: Vec<String> = [
        "--demo",
        "--data-dir",
        &data_dir.path().display().to_string(),
        "--sandbox-port",
        &port.to_string(),
        // Only the buyers this test injects: the notification counts below are exact.
        "--question-every",
        "0",
        "--order-every",
        "0",
        "--message-every",
        "0",
        "--claim-every",
        "0",
        "--delay-every",
        "0",
        "--poll-ms",
        "500",
    ]
    .map(str::to_owned)
    .to_vec();
    let client = launch(&app_path(), &args).await;

    // The seeded unanswered questions show up.
    let seeded: Vec<i64> = eventually(WAIT, "the demo sandbox", || async {
        let Ok(resp) = http
            .get(format!("{sandbox}/_sandbox/questions"))
            .send()
            .await
        else {
            return Ok(None);
        };
        let list: Vec<Value> = resp.json().await?;
        Ok(Some(
            list.iter()
                .filter(|q| q["status"] == "UNANSWERED")
                .filter(|q| q["seller_id"] == mostrador_sandbox::seed::SELLER_ID)
                .filter_map(|q| q["id"].as_i64())
                .collect(),
        ))
    })
    .await
    .unwrap();
    assert!(!seeded.is_empty());
    eventually(WAIT, "the seeded questions in the inbox", || async {
        let mut shown: Vec<i64> = row_ids(&client, "[data-testid=question-row]")
            .await?
            .into_iter()
            .map(|r| r.0)
            .collect();
        shown.sort_unstable();
        let mut want = seeded.clone();
        want.sort_unstable();
        Ok((shown == want).then_some(()))
    })
    .await
    .unwrap();
    screenshot(&client, "inbox-seeded.png").await;

    // A buyer asks.
    close_notifications();
    let marker = format!("e2e-{}", std::process::id());
    let text = format!("Hola, ¿hacen envíos a Ushuaia? <b>urgente</b> ({marker})");
    let injected: Value = http
        .post(format!("{sandbox}/_sandbox/questions"))
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = injected["id"].as_i64().unwrap();
    let row = format!("[data-testid=question-row][data-question-id='{id}']");
    appears(&client, &row, "the new question appears in the inbox").await;

    // Exactly one Notify call, with the listing title and the question.
    let item_id = injected["item_id"].as_str().unwrap().to_owned();
    let listing: Value = http
        .get(format!("{sandbox}/items/{item_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let title = listing["title"].as_str().unwrap().to_owned();
    let calls = eventually(WAIT, "the Notify call on the session bus", || async {
        let calls: Vec<String> = monitor
            .notify_calls()
            .into_iter()
            .filter(|c| c.contains(&marker))
            .collect();
        Ok((!calls.is_empty()).then_some(calls))
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await; // a few more polls: no repeat
    let calls_after: Vec<String> = monitor
        .notify_calls()
        .into_iter()
        .filter(|c| c.contains(&marker))
        .collect();
    assert_eq!(
        calls_after.len(),
        1,
        "exactly one notification for the question: {calls_after:#?}"
    );
    // The demo has two accounts: the summary names the account after the listing's title.
    let summary = format!("{title} · {}", mostrador_sandbox::seed::SELLER_NICKNAME);
    assert!(
        calls[0].contains(&format!("string \"{summary}\"")),
        "summary is {summary:?}: {}",
        calls[0]
    );
    assert!(calls[0].contains(&marker), "body carries the question");
    assert!(
        calls[0].contains("&lt;b&gt;urgente&lt;/b&gt;"),
        "buyer markup reaches the daemon escaped, never as markup: {}",
        calls[0]
    );

    // Clicking the notification opens that conversation: select another question first, then
    // invoke the notification's default action in the daemon (the D-Bus ActionInvoked signal).
    client
        .find(Locator::Css("[data-testid=question-row]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let detail = format!("[data-testid=question-detail][data-question-id='{id}']");
    click_notification(
        &client,
        &detail,
        "the notification click opened the question",
    )
    .await;

    // What the tray shows before answering: the question is counted.
    let unanswered_before = tray_unanswered(&client).await;
    assert!(
        unanswered_before >= 1,
        "the tray counts the waiting question"
    );

    // Answer it from the window.
    client
        .find(Locator::Css(&row))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    appears(&client, &detail, "the question opens").await;
    let answer = format!("¡Hola! Sí, enviamos a todo el país por Mercado Envíos. ({marker})");
    let input = client
        .find(Locator::Css("[data-testid=answer-input]"))
        .await
        .unwrap();
    input.send_keys(&answer).await.unwrap();
    screenshot(&client, "inbox-answering.png").await;
    client
        .find(Locator::Css("[data-testid=answer-send]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let received = eventually(WAIT, "the sandbox to receive the answer", || async {
        let list: Vec<Value> = http
            .get(format!("{sandbox}/_sandbox/answers"))
            .send()
            .await?
            .json()
            .await?;
        let mine: Vec<String> = list
            .iter()
            .filter(|a| a["question_id"].as_i64() == Some(id))
            .filter_map(|a| a["text"].as_str().map(str::to_owned))
            .collect();
        Ok((!mine.is_empty()).then_some(mine))
    })
    .await
    .unwrap();
    assert_eq!(received, vec![answer.clone()], "exactly that answer, once");
    eventually(WAIT, "the tray count to go down", || async {
        Ok((tray_unanswered(&client).await < unanswered_before).then_some(()))
    })
    .await
    .unwrap();

    // The question shows as answered.
    client
        .find(Locator::Css("[data-testid=filter-answered]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let answered_row =
        format!("[data-testid=question-row][data-question-id='{id}'][data-status=ANSWERED]");
    appears(&client, &answered_row, "the question is listed as answered").await;
    client
        .find(Locator::Css(&answered_row))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=answer-text]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(shown, answer);
    screenshot(&client, "inbox-answered.png").await;
    client
        .find(Locator::Css("[data-testid=nav-settings]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    appears(
        &client,
        "[data-testid=settings-save]",
        "the settings screen opens",
    )
    .await;
    screenshot(&client, "settings.png").await;

    template_flow(&client, &http, &sandbox).await;
    message_flow(&client, &http, &sandbox, &monitor).await;
    contact_flow(&client, &http, &sandbox).await;
    delayed_flow(
        &client,
        &http,
        &sandbox,
        &data_dir.path().join("demo").join("mostrador.db"),
    )
    .await;
    accounts_flow(&client).await;

    // Closing the window hides it to the tray: the app keeps syncing and notifying.
    client
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('plugin:window|close', { label: 'main' })",
            vec![],
        )
        .await
        .expect("the window closes");
    let after_close = format!("{marker}-after-close");
    http.post(format!("{sandbox}/_sandbox/questions"))
        .json(&json!({ "text": format!("¿Abren el domingo? ({after_close})") }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    eventually(
        WAIT,
        "a notification after the window was closed",
        || async {
            Ok(monitor
                .notify_calls()
                .iter()
                .any(|c| c.contains(&after_close))
                .then_some(()))
        },
    )
    .await
    .unwrap();
    let _ = client.close().await;
}

/// Closes every notification on screen, so that the next one is the daemon's first: dunst
/// lists the oldest first, and an alert shown earlier (a dispatch deadline due within the hour,
/// depending on the time of day) would otherwise be the one `dunstctl action 0` clicks.
fn close_notifications() {
    let closed = Command::new("dunstctl")
        .arg("close-all")
        .status()
        .expect("dunstctl runs");
    assert!(closed.success());
}

/// Invokes the default action of the notification on top in the daemon (the D-Bus
/// `ActionInvoked` signal), then waits for `opened` in the window.
async fn click_notification(client: &Client, opened: &str, what: &str) {
    let clicked = Command::new("dunstctl")
        .args(["action", "0"])
        .status()
        .expect("dunstctl runs");
    assert!(clicked.success());
    appears(client, opened, what).await;
}

/// A buyer writes after a purchase; the seller clicks the notification, which opens that
/// conversation, and answers from the keyboard; the sandbox receives exactly that message for
/// that pack.
async fn message_flow(
    client: &Client,
    http: &reqwest::Client,
    sandbox: &str,
    monitor: &BusMonitor,
) {
    let order: Value = http
        .post(format!("{sandbox}/_sandbox/orders"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    // An order without a pack: its conversation is keyed by the order id.
    let pack = order["id"].as_i64().expect("order id");
    let marker = format!("msg{}", std::process::id());
    http.post(format!("{sandbox}/_sandbox/messages"))
        .json(&json!({ "pack_id": pack, "text": format!("Hola, ¿cuándo despachan? <i>{marker}</i>") }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    close_notifications();
    // Orders and messages come with the bulk pass: ask for one now rather than wait a minute
    // (again until it shows: a request during a running pass only wakes idle loops).
    let announced = eventually(WAIT, "the message's notification", || async {
        if monitor.notify_calls().iter().any(|c| c.contains(&marker)) {
            return Ok(Some(()));
        }
        client
            .execute(
                "return window.__TAURI_INTERNALS__.invoke('sync_now')",
                vec![],
            )
            .await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(None)
    })
    .await;
    if let Err(e) = announced {
        screenshot(client, "inbox-message-missing.png").await;
        panic!("{e}");
    }
    // The seller is looking at the questions; the click brings up that conversation.
    click(client, "[data-testid=kind-questions]").await;
    let detail = format!("[data-testid=conversation-detail][data-pack-id='{pack}']");
    click_notification(
        client,
        &detail,
        "the notification click opened the buyer's conversation",
    )
    .await;
    let body = client.find(Locator::Css("body")).await.unwrap();
    let shown = eventually(WAIT, "the buyer's message in the thread", || async {
        let texts: Vec<String> = client
            .execute(
                "return [...document.querySelectorAll('[data-testid=thread-message] .bubble')]
                   .map((b) => b.textContent)",
                vec![],
            )
            .await?
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        Ok(texts.into_iter().find(|t| t.contains(&marker)))
    })
    .await
    .unwrap();
    assert_eq!(
        shown,
        format!("Hola, ¿cuándo despachan? <i>{marker}</i>"),
        "as text"
    );
    // The message can arrive before its sale: the app reads the orders at once, and the
    // conversation shows the sale when they are in.
    eventually(WAIT, "the sale shown with the conversation", || async {
        let total = text_of(client, "[data-testid=order-total]").await;
        Ok((total != "—").then_some(()))
    })
    .await
    .unwrap();
    // `1`: the first post-sale quick reply (the demo's "Factura"), filled by the core with this
    // sale's order; the seller adds a word and sends with Ctrl+Enter.
    body.send_keys("1").await.unwrap();
    let input = client
        .find(Locator::Css("[data-testid=message-input]"))
        .await
        .unwrap();
    let filled = eventually(WAIT, "the post-sale reply inserted", || async {
        let v = input.prop("value").await?.unwrap_or_default();
        Ok((!v.is_empty()).then_some(v))
    })
    .await;
    let filled = match filled {
        Ok(v) => v,
        Err(e) => {
            screenshot(client, "inbox-message-template-missing.png").await;
            panic!("{e}");
        }
    };
    assert!(
        filled.contains(&format!("compra #{pack}")) && !filled.contains('{'),
        "filled with the order's values: {filled}"
    );
    input.send_keys(&format!(" ({marker})")).await.unwrap();
    let reply = format!("{filled} ({marker})");
    screenshot(client, "inbox-message.png").await;
    input.send_keys("\u{E009}\u{E007}\u{E000}").await.unwrap();
    eventually(WAIT, "the sandbox to receive the message", || async {
        let writes: Vec<Value> = http
            .get(format!("{sandbox}/_sandbox/writes"))
            .send()
            .await?
            .json()
            .await?;
        Ok(writes
            .iter()
            .any(|w| w == &json!({"kind": "message", "pack_id": pack, "text": reply}))
            .then_some(()))
    })
    .await
    .unwrap();
    // The next waiting conversation opened; among the answered, this one shows the message
    // delivered (the seller's, no longer sending).
    click(client, "[data-testid=conversation-filter-answered]").await;
    let row = format!("[data-testid=conversation-row][data-pack-id='{pack}']");
    appears(client, &row, "the conversation among the answered").await;
    click(client, &row).await;
    eventually(WAIT, "the sent message settled in the thread", || async {
        let sending = client
            .find_all(Locator::Css("[data-testid=message-sending]"))
            .await?
            .len();
        let texts: Vec<Value> = client
            .execute(
                "return [...document.querySelectorAll('[data-testid=thread-message] .bubble')]
                   .map((b) => b.textContent)",
                vec![],
            )
            .await?
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(
            (sending == 0 && texts.iter().any(|t| t.as_str() == Some(reply.as_str())))
                .then_some(()),
        )
    })
    .await
    .unwrap();
    screenshot(client, "inbox-message-sent.png").await;
    click(client, "[data-testid=kind-questions]").await;
}

/// The seller writes first to a buyer who has not written, from the sales list, through the
/// action guide: the reasons Mercado Libre allows are offered, the free text reaches the
/// sandbox on the guide's path, and the reason is used up for that sale.
async fn contact_flow(client: &Client, http: &reqwest::Client, sandbox: &str) {
    click(client, "[data-testid=kind-sales]").await;
    appears(client, "[data-testid=sales-list]", "the sales list").await;
    screenshot(client, "sales-to-dispatch.png").await;
    click(client, "[data-testid=sales-filter-all]").await;
    appears(client, "[data-testid=sale-row]", "the sales").await;
    // The first sale nobody has written about.
    let rows = client
        .find_all(Locator::Css("[data-testid=sale-row]"))
        .await
        .unwrap();
    let mut pack = None;
    for row in rows {
        row.click().await.unwrap();
        if eventually(Duration::from_secs(2), "the contact button", || async {
            Ok(present(client, "[data-testid=sale-contact]")
                .await
                .then_some(()))
        })
        .await
        .is_ok()
        {
            pack = row.attr("data-pack-id").await.unwrap();
            break;
        }
    }
    let pack: i64 = pack
        .expect("a sale without a conversation")
        .parse()
        .unwrap();
    click(client, "[data-testid=sale-contact]").await;
    eventually(WAIT, "the guide's reasons", || async {
        let n = client
            .find_all(Locator::Css(
                "[data-testid=contact-option][data-enabled=true]",
            ))
            .await?
            .len();
        Ok((n == 4).then_some(()))
    })
    .await
    .unwrap();
    click(client, "[data-testid=contact-option][data-option=OTHER]").await;
    let text = format!("¿Lo preferís con envoltorio de regalo? ({pack})");
    type_into(client, "[data-testid=contact-text]", &text).await;
    screenshot(client, "contact-dialog.png").await;
    click(client, "[data-testid=contact-send]").await;
    eventually(WAIT, "the sandbox to receive the first message", || async {
        let writes: Vec<Value> = http
            .get(format!("{sandbox}/_sandbox/writes"))
            .send()
            .await?
            .json()
            .await?;
        let mine = writes
            .iter()
            .filter(|w| **w == json!({"kind": "message", "pack_id": pack, "text": text}))
            .count();
        Ok((mine == 1).then_some(()))
    })
    .await
    .unwrap();
    // The conversation opened with it; the reason is used up for this sale.
    appears(
        client,
        "[data-testid=conversation-detail]",
        "the conversation",
    )
    .await;
    screenshot(client, "contact-sent.png").await;
    let options = invoke(client, "contact_options", &json!({ "packId": pack })).await;
    let other = options["ok"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "OTHER")
        .cloned()
        .unwrap();
    assert_eq!(
        (other["enabled"].clone(), other["cap_available"].clone()),
        (json!(false), json!(0))
    );
    click(client, "[data-testid=kind-questions]").await;
}

/// A shipment Mercado Libre reports late shows its chip on the sale's conversation (the demo
/// seller has some among its sales; the buyer of one writes, so it has a conversation).
async fn delayed_flow(
    client: &Client,
    http: &reqwest::Client,
    sandbox: &str,
    db: &std::path::Path,
) {
    let (pack, order): (i64, i64) = {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.query_row(
            "SELECT COALESCE(o.pack_id, o.id), o.id FROM shipments s
             JOIN orders o ON o.id = s.order_id
             WHERE s.delayed AND s.status NOT IN ('delivered', 'cancelled', 'not_delivered')
               AND o.status = 'paid'
             ORDER BY o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a late shipment among the demo's sales")
    };
    http.post(format!("{sandbox}/_sandbox/messages"))
        .json(&json!({ "pack_id": pack, "text": "¿Por qué no llega mi compra?" }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    click(client, "[data-testid=kind-messages]").await;
    click(client, "[data-testid=conversation-filter-all]").await;
    type_into(
        client,
        "[data-testid=conversation-search]",
        &order.to_string(),
    )
    .await;
    let row = format!("[data-testid=conversation-row][data-pack-id='{pack}']");
    appears(client, &row, "the late sale's conversation").await;
    click(client, &row).await;
    appears(client, "[data-testid=shipment-delayed]", "the late chip").await;
    screenshot(client, "conversation-delayed.png").await;
    client
        .find(Locator::Css("[data-testid=conversation-search]"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    click(client, "[data-testid=kind-questions]").await;
}

/// The accounts screen in the demo: every resource's progress, and the demo seller labelled.
async fn accounts_flow(client: &Client) {
    click(client, "[data-testid=nav-accounts]").await;
    eventually(WAIT, "every resource synced once", || async {
        let bars = client
            .find_all(Locator::Css(
                "[data-testid=sync-progress] [role=progressbar]",
            ))
            .await?;
        let mut full = 0;
        for b in &bars {
            if b.attr("aria-valuenow").await?.as_deref() == Some("100") {
                full += 1;
            }
        }
        // Seven resources for each of the demo seller's two accounts.
        Ok((bars.len() == 14 && full == 14).then_some(()))
    })
    .await
    .unwrap();
    screenshot(client, "accounts.png").await;

    // The demo seller is labelled as simulated, never as a connected account, and the screen
    // offers connecting the seller's real one instead of a connect form.
    client
        .find(Locator::Css("[data-testid=account-demo]"))
        .await
        .expect("the demo account is labelled");
    assert!(
        client
            .find_all(Locator::Css(
                "[data-testid=account-connected], [data-testid=connect-guide]"
            ))
            .await
            .unwrap()
            .is_empty(),
        "no real-account affordances in the demo"
    );
    client
        .find(Locator::Css("[data-testid=accounts-connect-mine]"))
        .await
        .expect("the way to the real account");
}

/// The unanswered count the tray shows, through the app's `tray_status` command.
async fn tray_unanswered(client: &Client) -> i64 {
    let status = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('tray_status').then(done, () => done(null));",
            vec![],
        )
        .await
        .expect("tray_status");
    status["unanswered"].as_i64().unwrap_or(-1)
}

/// Answers a new question with the keyboard only: `j` down to it, `1` inserts the first quick
/// reply filled with the question's values, Ctrl+Enter sends. The sandbox gets the filled text.
async fn template_flow(client: &Client, http: &reqwest::Client, sandbox: &str) {
    let saved = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('template_save', { id: null, draft: {
               title: 'Stock', text: '{site_greeting} {buyer}, sí: quedan {stock} unidades.',
               item_id: null, shortcut: null } }).then(done, (e) => done({ error: e }));",
            vec![],
        )
        .await
        .expect("template_save");
    assert!(saved.as_i64().is_some(), "template saved: {saved}");
    click(client, "[data-testid=nav-inbox]").await;
    // The inbox kept the tab it was left on; the new question waits among the unanswered.
    click(client, "[data-testid=filter-unanswered]").await;
    let marker = format!("tpl-{}", std::process::id());
    let injected: Value = http
        .post(format!("{sandbox}/_sandbox/questions"))
        .json(&json!({ "text": format!("¿Queda stock? ({marker})") }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = injected["id"].as_i64().expect("question id");
    // Keyboard only from here: / to search, the marker, Enter back to the list (its only row
    // opens once the question is synced), 1 for the quick reply, Ctrl+Enter to send.
    let body = client.find(Locator::Css("body")).await.unwrap();
    body.send_keys("/").await.unwrap();
    let search = client
        .find(Locator::Css("[data-testid=inbox-search]"))
        .await
        .unwrap();
    search
        .send_keys(&format!("{marker}\u{E007}"))
        .await
        .unwrap();
    let detail = format!("[data-testid=question-detail][data-question-id='{id}']");
    appears(client, &detail, "the search opened the new question").await;
    appears(
        client,
        "[data-testid=template-chip]",
        "the quick reply is offered",
    )
    .await;
    // The listing's photo, fetched by the core from the sandbox's image host and shown from a
    // data: URL (the CSP lets the window load nothing remote).
    let photo = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=listing-photo]"))
        .await
        .expect("the listing photo shows")
        .attr("src")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        photo.starts_with("data:image/png;base64,"),
        "a local PNG: {}",
        &photo[..photo.len().min(40)]
    );
    body.send_keys("1").await.unwrap();
    let input = client
        .find(Locator::Css("[data-testid=answer-input]"))
        .await
        .unwrap();
    let filled = eventually(WAIT, "the quick reply inserted", || async {
        let v = input.prop("value").await?.unwrap_or_default();
        Ok((!v.is_empty()).then_some(v))
    })
    .await
    .unwrap();
    screenshot(client, "inbox-template.png").await;
    // Ctrl+Enter: WebDriver's Control (U+E009) held while Enter (U+E007) is pressed, in the
    // composer that holds the draft.
    let input = client
        .find(Locator::Css("[data-testid=answer-input]"))
        .await
        .unwrap();
    assert_eq!(
        input.prop("value").await.unwrap().unwrap_or_default(),
        filled
    );
    input.send_keys("\u{E009}\u{E007}\u{E000}").await.unwrap();
    let received = eventually(WAIT, "the sandbox to receive the filled reply", || async {
        let list: Vec<Value> = http
            .get(format!("{sandbox}/_sandbox/answers"))
            .send()
            .await?
            .json()
            .await?;
        Ok(list
            .iter()
            .find(|a| a["question_id"].as_i64() == Some(id))
            .and_then(|a| a["text"].as_str().map(str::to_owned)))
    })
    .await
    .unwrap();
    assert_eq!(received, filled, "exactly the text shown in the composer");
    assert!(
        received.starts_with("Hola ")
            && received.contains(", sí: quedan ")
            && !received.contains('{'),
        "every variable filled: {received}"
    );
}
