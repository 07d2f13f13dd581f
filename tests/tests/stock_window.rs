//! The stock view in the real window, on the demo seller: one variation edited inline reaches
//! the sandbox as exactly one PUT that keeps every variation (their ids all sent) with the new
//! quantity; twenty ticked rows changed at once reach it too; Full listings show as read-only.

use std::time::Duration;

use fantoccini::{Client, Locator};
use mostrador_tests::window::{
    WAIT, app_path, click, free_port, launch, screenshot, text_of, type_into,
};
use mostrador_tests::{eventually, require_desktop_session};
use serde_json::Value;

async fn attr(client: &Client, css: &str, name: &str) -> String {
    let element = client.find(Locator::Css(css)).await.expect("the element");
    element
        .attr(name)
        .await
        .expect("its attribute")
        .unwrap_or_default()
}

async fn writes(http: &reqwest::Client, sandbox: &str) -> anyhow::Result<Vec<Value>> {
    Ok(http
        .get(format!("{sandbox}/_sandbox/writes"))
        .send()
        .await?
        .json()
        .await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn stock_is_edited_inline_and_in_bulk_from_the_window() {
    require_desktop_session();
    mostrador_tests::init_logging();
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sandbox = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let args: Vec<String> = [
        "--demo",
        "--demo-profile",
        "small",
        "--data-dir",
        &data_dir.path().display().to_string(),
        "--sandbox-port",
        &port.to_string(),
        // No simulated buyers: the sandbox's writes below are the window's only.
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
    ]
    .map(str::to_owned)
    .to_vec();
    let client = launch(&app_path(), &args).await;
    click(&client, "[data-testid=nav-stock]").await;
    let editable_varied = "[data-testid=stock-row]:has([data-testid=stock-open]):not(:has([data-testid=stock-readonly]))";
    eventually(Duration::from_secs(90), "the listings synced", || async {
        let shown = client.find_all(Locator::Css(editable_varied)).await?.len();
        Ok((shown > 0).then_some(()))
    })
    .await
    .unwrap();
    // Listings first stored by the questions poll gain their variations when the listings'
    // own sync has run: wait for it, so every row is what it will stay.
    let progress = format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('sync_progress', {{ accountId: {} }})
           .then((p) => done(p.some((r) => r.resource === 'listings' && r.initial_done)), () => done(false));",
        mostrador_sandbox::seed::SELLER_ID
    );
    eventually(Duration::from_secs(90), "the listings' sync", || async {
        Ok((client.execute_async(&progress, vec![]).await? == Value::Bool(true)).then_some(()))
    })
    .await
    .unwrap();
    // WebDriver's refresh returns once the new page has loaded: the click below cannot land
    // on the page being replaced (which would leave the reloaded window on the inbox).
    client.refresh().await.unwrap();
    click(&client, "[data-testid=nav-stock]").await;
    eventually(WAIT, "the listings again", || async {
        Ok((!client
            .find_all(Locator::Css(editable_varied))
            .await?
            .is_empty())
        .then_some(()))
    })
    .await
    .unwrap();
    screenshot(&client, "stock-window.png").await;

    // One variation, inline: open the listing, click its stock, type, Enter.
    let item = attr(&client, editable_varied, "data-key").await;
    let before: Value = http
        .get(format!("{sandbox}/items/{item}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let variations = before["variations"].as_array().unwrap().len();
    assert!(variations >= 2, "{before}");
    click(
        &client,
        &format!("{editable_varied} [data-testid=stock-open]"),
    )
    .await;
    let variation = format!("[data-testid=stock-variation][data-key^='{item}:']");
    let key = attr(&client, &variation, "data-key").await;
    let variation_id: i64 = key.rsplit(':').next().unwrap().parse().unwrap();
    click(
        &client,
        &format!("[data-testid=stock-variation][data-key='{key}'] [data-testid=stock-available]"),
    )
    .await;
    // The box opens focused with the current quantity selected: typing replaces it.
    let input = client
        .find(Locator::Css("[data-testid=stock-input]"))
        .await
        .unwrap();
    input
        .send_keys(&format!("17{}", char::from(fantoccini::key::Key::Enter)))
        .await
        .unwrap();
    screenshot(&client, "stock-window-edited.png").await;
    eventually(WAIT, "the variation's PUT", || async {
        let found = writes(&http, &sandbox).await?.iter().any(|w| {
            w["kind"] == "stock"
                && w["item_id"] == item.as_str()
                && w["variation_id"] == variation_id
                && w["available_quantity"] == 17
        });
        Ok(found.then_some(()))
    })
    .await
    .unwrap();
    let requests: std::collections::BTreeMap<String, u64> = http
        .get(format!("{sandbox}/_sandbox/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        requests.get(&format!("PUT /items/{item}")),
        Some(&1),
        "exactly one PUT"
    );
    let after: Value = http
        .get(format!("{sandbox}/items/{item}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        after["variations"].as_array().unwrap().len(),
        variations,
        "every variation's id was sent: none was deleted"
    );
    let kept = after["variations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == variation_id)
        .unwrap();
    assert_eq!(kept["available_quantity"], 17);
    eventually(WAIT, "the row no longer pending", || async {
        let pending = client
            .find_all(Locator::Css(&format!(
                "[data-testid=stock-variation][data-key='{key}'] [data-testid=stock-pending]"
            )))
            .await?
            .len();
        Ok((pending == 0).then_some(()))
    })
    .await
    .unwrap();

    // Twenty rows at once: listings without variations that are not read-only.
    click(&client, "[data-testid=stock-sort-title]").await;
    let plain = "[data-testid=stock-row]:not(:has([data-testid=stock-open])):not(:has([data-testid=stock-readonly]))";
    let mut ticked = Vec::new();
    for _ in 0..40 {
        if ticked.len() == 20 {
            break;
        }
        // Keys first, then each tick found again by its key (rows re-render as the list
        // refreshes).
        let mut keys = Vec::new();
        for row in client
            .find_all(Locator::Css(plain))
            .await
            .unwrap_or_default()
        {
            if let Ok(Some(key)) = row.attr("data-key").await {
                keys.push(key);
            }
        }
        for key in keys {
            if ticked.contains(&key) || ticked.len() == 20 {
                continue;
            }
            // Only listings Mercado Libre has without variations (a row first stored by the
            // questions poll may not show its variations yet).
            let item: Value = http
                .get(format!("{sandbox}/items/{key}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if item["variations"].as_array().is_some_and(|v| !v.is_empty()) {
                continue;
            }
            // Clicked in the page (not at screen coordinates, which move as the list scrolls).
            let clicked = client
                .execute(
                    "const box = document.querySelector(`[data-testid=stock-row][data-key='${arguments[0]}'] [data-testid=stock-tick]`);
                     if (!box) return false;
                     box.click();
                     return box.checked;",
                    vec![Value::String(key.clone())],
                )
                .await
                .unwrap();
            if clicked == Value::Bool(true) {
                ticked.push(key);
            }
        }
        client
            .execute(
                "const l = document.querySelector('[data-testid=stock-list]'); l.scrollTop += 400; return true",
                vec![],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(ticked.len(), 20, "twenty editable rows");
    let bulk = text_of(&client, "[data-testid=stock-bulk]").await;
    let checked = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=stock-tick]')].filter(b => b.checked).map(b => b.closest('[data-key]').getAttribute('data-key') + (b.closest('[data-testid=stock-row]') && b.closest('[data-testid=stock-row]').querySelector('[data-testid=stock-open]') ? '+open' : ''))",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        bulk.starts_with("20"),
        "{bulk} ticked {ticked:?} checked {checked}"
    );
    client
        .find(Locator::Css("[data-testid=stock-bulk-op]"))
        .await
        .unwrap()
        .select_by_value("set")
        .await
        .unwrap();
    type_into(&client, "[data-testid=stock-bulk-n]", "9").await;
    screenshot(&client, "stock-window-bulk.png").await;
    click(&client, "[data-testid=stock-bulk-apply]").await;
    eventually(WAIT, "twenty PUTs", || async {
        let all = writes(&http, &sandbox).await?;
        let landed = ticked
            .iter()
            .filter(|item| {
                all.iter().any(|w| {
                    w["kind"] == "stock"
                        && w["item_id"] == item.as_str()
                        && w["available_quantity"] == 9
                })
            })
            .count();
        Ok((landed == 20).then_some(()))
    })
    .await
    .unwrap();
    let notice = text_of(&client, "[data-testid=stock-notice]").await;
    assert!(notice.starts_with("20 "), "{notice}");

    // Linked stock: the owner links a SKU both accounts carry; an order on the shop's listing
    // reaches the outlet's as a decrement.
    click(&client, "[data-testid=stock-links-open]").await;
    let proposed = "[data-testid=stock-link][data-state=proposed]";
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(proposed))
        .await
        .expect("a proposed link");
    let sku = attr(&client, proposed, "data-sku").await;
    click(
        &client,
        &format!("[data-testid=stock-link][data-sku='{sku}'] [data-testid=stock-link-confirm]"),
    )
    .await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&format!(
            "[data-testid=stock-link][data-sku='{sku}'][data-state=confirmed]"
        )))
        .await
        .expect("the SKU linked");
    screenshot(&client, "stock-window-links.png").await;
    let groups = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('stock_links').then(done, (e) => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    let group = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["sku"] == sku.as_str())
        .unwrap()
        .clone();
    let member_on = |account: i64| {
        group["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["account_id"] == account)
            .map(|m| m["item_id"].as_str().unwrap_or_default().to_owned())
            .unwrap()
    };
    let shop = member_on(mostrador_sandbox::seed::SELLER_ID);
    let outlet = member_on(mostrador_sandbox::seed::OUTLET_ID);
    let quantity = group["quantity"].as_i64().unwrap();
    let remote = |item: String| {
        let http = http.clone();
        let sandbox = sandbox.clone();
        async move {
            let item: Value = http
                .get(format!("{sandbox}/items/{item}"))
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(item["available_quantity"].as_i64().unwrap_or(-1))
        }
    };
    eventually(
        Duration::from_secs(60),
        "both at the group's quantity",
        || async {
            Ok((remote(shop.clone()).await? == quantity
                && remote(outlet.clone()).await? == quantity)
                .then_some(()))
        },
    )
    .await
    .unwrap();
    http.post(format!("{sandbox}/_sandbox/orders"))
        .json(&serde_json::json!({ "item_id": shop }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    eventually(
        Duration::from_secs(60),
        "the outlet's listing taken down",
        || async { Ok((remote(outlet.clone()).await? == quantity - 1).then_some(())) },
    )
    .await
    .unwrap();
    click(&client, "[data-testid=stock-links-close]").await;

    // A Full listing says why it cannot be edited.
    click(&client, "[data-testid=stock-sort-title]").await;
    let full = "[data-testid=stock-readonly][data-reason=fulfillment]";
    eventually(WAIT, "a Full listing", || async {
        Ok((!client.find_all(Locator::Css(full)).await?.is_empty()).then_some(()))
    })
    .await
    .unwrap();
    let _ = client.close().await;
}
