//! The team in the real window (the built app in demo mode, driven through tauri-driver): the
//! owner adds an operator, the keyboard is handed to her, the owner's screens are no longer
//! offered, every owner-only command the app registers is refused through the IPC layer with
//! `forbidden` and changes nothing in the store, and her answer reaches Mercado Libre marked as
//! hers.

// A failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use fantoccini::Locator;
use mostrador_tests::window::{
    WAIT, app_path, click, free_port, invoke, launch, present, screenshot, text_of, type_into,
};
use mostrador_tests::{eventually, require_desktop_session};
use serde_json::{Value, json};

/// Ana's PIN (rare enough not to appear in the demo's data by chance).
const PIN: &str = "583917";

/// Owner-only commands with arguments of the right shape (so the refusal is the gate's, not a
/// decoding error).
fn owner_only() -> Vec<(&'static str, Value)> {
    vec![
        ("app_mode_set", json!({ "mode": "real" })),
        ("application_saved", json!({ "siteId": "MLA" })),
        ("update_install", json!({})),
        (
            "template_save",
            json!({ "id": null, "draft": { "title": "x", "text": "y", "item_id": null, "shortcut": null } }),
        ),
        ("template_delete", json!({ "id": 1 })),
        ("questions_delete", json!({ "questionIds": [1] })),
        ("buyers_block", json!({ "questionIds": [1] })),
        ("notifications_get", json!({})),
        (
            "notifications_set",
            json!({ "settings": { "enabled": false, "paused_until": null, "group_threshold": 1,
                                   "quiet_hours": [], "realert_minutes": 0,
                                   "realert_in_quiet_hours": false, "accounts": {} } }),
        ),
        ("notifications_pause", json!({ "minutes": 60 })),
        ("auto_rules_get", json!({ "accountId": 1 })),
        (
            "auto_rule_set",
            json!({ "accountId": 1, "trigger": "paid", "templateId": 1, "enabled": true }),
        ),
        (
            "auto_rules_preview",
            json!({ "accountId": 1, "trigger": "paid", "templateId": 1 }),
        ),
        (
            "stock_set",
            json!({ "target": { "item_id": "MLA1", "variation_id": null }, "quantity": 3 }),
        ),
        (
            "stock_bulk",
            json!({ "targets": [{ "item_id": "MLA1", "variation_id": null }],
                    "change": { "op": "add", "n": 1 } }),
        ),
        ("stock_link_confirm", json!({ "sku": "SKU-00000" })),
        ("metrics_series", json!({ "query": {} })),
        ("reputation_thermometers", json!({})),
        ("stock_link_undo", json!({ "sku": "SKU-00000" })),
        (
            "stock_threshold_set",
            json!({ "scope": null, "key": null, "threshold": 3 }),
        ),
        (
            "preferences_set",
            json!({ "preferences": { "start_at_login": false, "start_minimized": false,
                                     "language": null, "theme": "dark" } }),
        ),
        (
            "connect_begin",
            json!({ "request": { "site_id": "MLA", "client_id": "1", "client_secret": "s",
                                 "redirect_uri": "https://example.com/cb" } }),
        ),
        (
            "connect_finish",
            json!({ "landed": "https://example.com/cb?code=TG-1&state=x" }),
        ),
        ("account_disconnect", json!({ "accountId": 1 })),
        (
            "team_add",
            json!({ "draft": { "name": "Eve", "can_moderate": true } }),
        ),
        (
            "team_update",
            json!({ "memberId": 1, "draft": { "name": "Eve", "can_moderate": true } }),
        ),
        ("team_remove", json!({ "memberId": 1 })),
        ("team_set_pin", json!({ "memberId": 1, "pin": "1234" })),
        ("team_figures", json!({})),
    ]
}

/// Commands an operator may call: reading and answering.
const READ_AND_ANSWER: &[&str] = &[
    "app_mode",
    "template_render_order",
    "conversation_done",
    "orders_list",
    "contact_options",
    "contact_buyer",
    "conversation_suggestions",
    "update_status",
    "link_open",
    "inbox_list",
    "inbox_groups",
    "reply_send",
    "sync_now",
    "question_context",
    "listing_photo",
    "conversations_list",
    "conversation_get",
    "message_send",
    "waiting_list",
    "deadlines_list",
    "stock_page",
    "stock_links",
    "stock_ledger",
    "account_list",
    "sync_progress",
    "tray_status",
    "templates_list",
    "template_render",
    "template_used",
    "text_lint",
    "reply_suggestions",
    "preferences_get",
    "team_me",
    "team_members",
    "team_switch",
];

/// Every row of the tables an owner-only command could change.
fn snapshot(db: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    let mut out = String::new();
    for table in [
        "reply_templates",
        "auto_message_rules",
        "members",
        "settings",
        "accounts",
        "outbox",
        "stock_thresholds",
        "stock_links",
        "stock_ledger",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{table}: {}\n", row.unwrap().join(",")));
        }
    }
    out
}

/// Waits until every account's listings have had their first full pass and the stock links it
/// proposes have stopped changing.
async fn first_listings_pass_over(db: &std::path::Path) {
    let read = || {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.query_row(
            "SELECT (SELECT COUNT(*) FROM accounts a WHERE NOT EXISTS (
                         SELECT 1 FROM sync_cursors c WHERE c.account_id = a.id
                            AND c.resource = 'listings' AND c.initial_done = 1)),
                    (SELECT COUNT(*) FROM stock_links)",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .unwrap()
    };
    let mut last = None;
    eventually(WAIT, "the first listings pass over", || {
        let now = read();
        let settled = now.0 == 0 && last == Some(now);
        last = Some(now);
        async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Ok(settled.then_some(()))
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_answers_sees_only_the_inbox_and_is_refused_the_rest() {
    require_desktop_session();
    mostrador_tests::init_logging();
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sandbox = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut args: Vec<String> = vec![
        "--demo".into(),
        "--data-dir".into(),
        data_dir.path().display().to_string(),
        "--sandbox-port".into(),
        port.to_string(),
        "--poll-ms".into(),
        "500".into(),
    ];
    for traffic in [
        "--question-every",
        "--order-every",
        "--message-every",
        "--claim-every",
        "--delay-every",
    ] {
        args.extend([traffic.to_owned(), "0".to_owned()]);
    }
    let client = launch(&app_path(), &args).await;

    // The owner adds Ana, then hands her the keyboard.
    click(&client, "[data-testid=nav-team]").await;
    type_into(&client, "[data-testid=team-name]", "Ana").await;
    click(&client, "[data-testid=team-add]").await;
    eventually(WAIT, "Ana in the team", || async {
        let n = client
            .find_all(Locator::Css("[data-testid=team-member]"))
            .await?
            .len();
        Ok((n == 2).then_some(()))
    })
    .await
    .unwrap();
    // Her PIN, set by the owner; switching to her asks for it.
    let ana_row = "[data-testid=team-member]:last-child";
    click(&client, &format!("{ana_row} [data-testid=team-set-pin]")).await;
    type_into(&client, "[data-testid=team-pin]", PIN).await;
    click(&client, "[data-testid=team-pin-save]").await;
    eventually(WAIT, "the PIN saved", || async {
        Ok((!present(&client, "[data-testid=team-pin]").await).then_some(()))
    })
    .await
    .unwrap();
    screenshot(&client, "team.png").await;
    click(&client, "[data-testid=member-switch]").await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=member-option]"))
        .await
        .unwrap();
    let ana = client
        .find_all(Locator::Css("[data-testid=member-option]"))
        .await
        .unwrap()
        .pop()
        .unwrap();
    screenshot(&client, "member-switcher.png").await;
    ana.click().await.unwrap();
    type_into(&client, "[data-testid=member-pin]", "000000").await;
    click(&client, "[data-testid=member-pin-enter]").await;
    text_of(&client, "[data-testid=member-error]").await;
    type_into(&client, "[data-testid=member-pin]", PIN).await;
    click(&client, "[data-testid=member-pin-enter]").await;
    eventually(WAIT, "Ana at the keyboard", || async {
        Ok((text_of(&client, "[data-testid=member-current]").await == "Ana").then_some(()))
    })
    .await
    .unwrap();

    // Only the inbox and the stock (to read) are offered.
    eventually(WAIT, "the owner's screens gone", || async {
        let mut shown = Vec::new();
        for b in client
            .find_all(Locator::Css("nav button[data-testid^=nav-]"))
            .await?
        {
            shown.push(b.attr("data-testid").await?.unwrap_or_default());
        }
        Ok((shown == ["nav-inbox", "nav-stock"]).then_some(()))
    })
    .await
    .unwrap();
    assert!(!present(&client, "[data-testid=demo-connect]").await);
    screenshot(&client, "operator-view.png").await;

    // Every registered command is classified; each owner-only one is refused, changing nothing.
    let listed = Command::new(app_path())
        .arg("--list-commands")
        .output()
        .unwrap();
    let registered: BTreeSet<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let refused = owner_only();
    let classified: BTreeSet<String> = refused
        .iter()
        .map(|(c, _)| (*c).to_owned())
        .chain(READ_AND_ANSWER.iter().map(|c| (*c).to_owned()))
        .collect();
    assert_eq!(
        registered, classified,
        "every command the app registers is classified here (new commands must be added)"
    );
    let db = data_dir.path().join("demo").join("mostrador.db");
    // The first sync writes the proposed stock links once every account's listings are in: it
    // must be over before the snapshot, or its writes would be taken for a refused command's.
    first_listings_pass_over(&db).await;
    let before = snapshot(&db);
    for (command, args) in &refused {
        let answer = invoke(&client, command, args).await;
        assert_eq!(
            answer["err"]["code"], "forbidden",
            "{command} as an operator: {answer}"
        );
    }
    assert_eq!(snapshot(&db), before, "refused commands changed nothing");

    // Ana answers; Mercado Libre receives it, and the inbox says it was her.
    click(&client, "[data-testid=question-row]").await;
    let marker = format!("Ana-{}", std::process::id());
    let answer = format!("¡Hola! Sí, lo enviamos hoy. {marker}");
    type_into(&client, "[data-testid=answer-input]", &answer).await;
    eventually(WAIT, "the composer accepting the answer", || async {
        let send = client
            .find(Locator::Css("[data-testid=answer-send]"))
            .await?;
        Ok(send.is_enabled().await?.then_some(()))
    })
    .await
    .unwrap();
    click(&client, "[data-testid=answer-send]").await;
    let landed = eventually(
        Duration::from_secs(60),
        "the answer at the sandbox",
        || async {
            let answers: Vec<Value> = http
                .get(format!("{sandbox}/_sandbox/answers"))
                .send()
                .await?
                .json()
                .await?;
            Ok(answers
                .iter()
                .find(|a| a["text"].as_str() == Some(answer.as_str()))
                .and_then(|a| a["question_id"].as_i64()))
        },
    )
    .await;
    let question_id = match landed {
        Ok(id) => id,
        Err(e) => {
            screenshot(&client, "team-answer-not-received.png").await;
            panic!("{e}");
        }
    };
    let author: Option<String> = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT m.name FROM questions q JOIN members m ON m.id = q.answered_by
             WHERE q.answer_text = ?1 OR q.id IN (
                 SELECT CAST(target_id AS INTEGER) FROM outbox WHERE payload LIKE ?2)",
            rusqlite::params![answer, format!("%{marker}%")],
            |r| r.get(0),
        )
        .ok();
    assert_eq!(author.as_deref(), Some("Ana"), "the store records her");
    // Delivered, it left the unanswered list: find it among the answered ones.
    click(&client, "[data-testid=filter-answered]").await;
    click(
        &client,
        &format!("[data-testid=question-row][data-question-id='{question_id}']"),
    )
    .await;
    let by = text_of(&client, "[data-testid=answered-by]").await;
    assert!(by.ends_with("Ana"), "{by}");
    screenshot(&client, "answered-by.png").await;
    let _ = client.close().await;
    mostrador_tests::window::no_app_running().await;

    // The PIN never reaches the logs or the store in clear, and its hash is not logged either.
    let logs: Vec<std::path::PathBuf> = std::fs::read_dir(data_dir.path().join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!logs.is_empty());
    for file in logs {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(!text.contains(PIN), "{} holds the PIN", file.display());
        assert!(
            !text.contains("$argon2"),
            "{} holds a PIN hash",
            file.display()
        );
    }
    for file in ["mostrador.db", "mostrador.db-wal"] {
        let bytes = std::fs::read(data_dir.path().join("demo").join(file)).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(PIN),
            "{file} holds the PIN in clear"
        );
    }
}
