//! The sandbox's rules over real loopback HTTP: OAuth (PKCE, single-use refresh, expiry),
//! limits, statuses, scan/scroll, multiget, blocklist, stock updates, orders, rate limit, faults,
//! plus contract checks against Mercado Libre's documented JSON examples and a property test.

// A failed unwrap is a failed test, with its location; helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use mostrador_sandbox::seed::{Profile, SplitMix};
use mostrador_sandbox::{Sandbox, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Api {
    sandbox: Sandbox,
    http: reqwest::Client,
    token: String,
    seller: i64,
}

impl Api {
    async fn start(profile: Profile) -> Self {
        Self::start_as(profile, None).await
    }

    /// The sandbox, with the token of the seller `user_id` (the first seller's when none).
    async fn start_as(profile: Profile, user_id: Option<i64>) -> Self {
        let sandbox = Sandbox::start(SandboxConfig {
            profile,
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let http = reqwest::Client::new();
        let creds: Value = http
            .get(format!("{}/_sandbox/credentials", sandbox.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let first = creds["sellers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| user_id.is_none_or(|id| s["user_id"].as_i64() == Some(id)))
            .unwrap();
        Self {
            token: first["access_token"].as_str().unwrap().to_owned(),
            seller: first["user_id"].as_i64().unwrap(),
            sandbox,
            http,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn post_answer(&self, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, "/answers", body).await
    }

    async fn settings(&self, settings: Value) {
        self.http
            .post(self.url("/_sandbox/settings"))
            .json(&settings)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let r = self
            .http
            .post(self.url("/oauth/token"))
            .form(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    fn world(&self) -> std::sync::MutexGuard<'_, mostrador_sandbox::world::World> {
        self.sandbox.world().lock().unwrap()
    }
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Every field of the documented example is in the sandbox's response.
fn assert_has_fields(what: &str, example: &Value, actual: &Value) {
    let missing: Vec<String> = keys(example).difference(&keys(actual)).cloned().collect();
    assert!(
        missing.is_empty(),
        "{what}: fields of the documented example missing from the sandbox: {missing:?}"
    );
}

#[tokio::test]
async fn oauth_code_with_pkce_rotating_refresh_and_expiry() {
    let api = Api::start(Profile::Tiny).await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let redirect = mostrador_sandbox::REDIRECT_URI;
    let page = api
        .http
        .get(api.url("/authorization"))
        .query(&[
            ("response_type", "code"),
            ("client_id", mostrador_sandbox::CLIENT_ID),
            ("redirect_uri", redirect),
            ("state", "xyz 1"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let href = page
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.starts_with(&format!("{redirect}?code=TG-")), "{href}");
    assert!(href.ends_with("&state=xyz%201"), "state comes back: {href}");
    let code = href
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let base = [
        ("client_id", mostrador_sandbox::CLIENT_ID),
        ("client_secret", mostrador_sandbox::CLIENT_SECRET),
    ];
    let with = |extra: &[(&'static str, &str)]| -> Vec<(&str, String)> {
        base.iter()
            .chain(extra.iter())
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect()
    };
    let form = with(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", redirect),
        ("code_verifier", "wrong-verifier"),
    ]);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = api.token_request(&form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "wrong verifier"
    );

    // The code was burned by the failed attempt; a fresh one with the right verifier works.
    let code = mostrador_sandbox::routes::oauth::issue_code(
        &mut api.world(),
        api.seller,
        mostrador_sandbox::CLIENT_ID,
        redirect,
        Some((challenge.into(), "S256".into())),
    );
    let ok = with(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", redirect),
        ("code_verifier", verifier),
    ]);
    let ok: Vec<(&str, &str)> = ok.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, tokens) = api.token_request(&ok).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_has_fields(
        "token",
        &json!({"access_token":"","token_type":"","expires_in":0,"scope":"","user_id":0,"refresh_token":""}),
        &tokens,
    );
    assert_eq!(tokens["expires_in"], 21600);
    let (status, _) = api.token_request(&ok).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a code is single-use");

    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |t: &str| with(&[("grant_type", "refresh_token"), ("refresh_token", t)]);
    let r1 = refresh(&first_refresh);
    let r1: Vec<(&str, &str)> = r1.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, rotated) = api.token_request(&r1).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(
        rotated["refresh_token"], tokens["refresh_token"],
        "refresh rotates"
    );
    let (status, body) = api.token_request(&r1).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "refresh tokens are single-use"
    );

    // Access tokens die after 6 hours of simulated time.
    let access = rotated["access_token"].as_str().unwrap();
    let me = |t: String| {
        let http = api.http.clone();
        let url = api.url("/users/me");
        async move { http.get(url).bearer_auth(t).send().await.unwrap().status() }
    };
    assert_eq!(me(access.to_owned()).await, StatusCode::OK);
    api.http
        .post(api.url("/_sandbox/clock"))
        .json(&json!({"advance_seconds": 21_601}))
        .send()
        .await
        .unwrap();
    assert_eq!(me(access.to_owned()).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn questions_scan_covers_everything_once_and_offset_stops_at_1000() {
    let api = Api::start(Profile::Small).await;
    let total = api
        .world()
        .questions
        .values()
        .filter(|q| q.seller_id == api.seller)
        .count();
    assert!(total >= 1000, "the small profile has 1,000 questions");
    let (status, body) = api
        .get(&format!(
            "/questions/search?seller_id={}&api_version=4&offset=1001",
            api.seller
        ))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request"))
    );
    let (status, _) = api
        .get(&format!(
            "/questions/search?seller_id={}&api_version=4&limit=101",
            api.seller
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "limit is at most 100");

    let mut seen = BTreeSet::new();
    let mut path = format!(
        "/questions/search?seller_id={}&api_version=4&search_type=scan&limit=100",
        api.seller
    );
    let mut requests = 0;
    loop {
        let (status, page) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        requests += 1;
        for q in page["questions"].as_array().unwrap() {
            assert!(seen.insert(q["id"].as_i64().unwrap()), "no question twice");
        }
        match page["scroll_id"].as_str() {
            Some(id) => {
                path = format!(
                    "/questions/search?seller_id={}&api_version=4&scroll_id={id}&limit=100",
                    api.seller
                )
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    assert_eq!(requests, total.div_ceil(100), "scan pages are full");
    let (status, _) = api.get(&format!("{path}x")).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an unknown scroll id is refused"
    );
}

#[tokio::test]
async fn answers_respect_limits_statuses_and_the_blocklist() {
    let api = Api::start(Profile::Tiny).await;
    let open: Vec<(i64, i64)> = api
        .world()
        .questions
        .values()
        .filter(|q| q.status == "UNANSWERED" && q.seller_id == api.seller)
        .map(|q| (q.id, q.from_id))
        .collect();
    let (q1, _) = open[0];
    let (status, body) = api
        .post_answer(json!({"question_id": q1, "text": "a".repeat(2001)}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = api.post_answer(json!({"question": q1})).await;
    assert_eq!(body["error"], "invalid_post_body", "{status}");
    let (status, answered) = api
        .post_answer(json!({"question_id": q1, "text": "ñ".repeat(2000)}))
        .await;
    assert_eq!(status, StatusCode::OK, "2,000 characters are allowed");
    assert_eq!(answered["status"], "ANSWERED");
    let (_, again) = api
        .post_answer(json!({"question_id": q1, "text": "otra"}))
        .await;
    assert_eq!(again["error"], "invalid_question", "already answered");

    let (q2, asker) = open[1];
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            &format!("/users/{}/questions_blacklist", api.seller),
            json!({"user_id": asker}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = api
        .get(&format!("/users/{}/questions_blacklist", api.seller))
        .await;
    assert_eq!(list["users"], json!([{"id": asker}]));
    let (status, body) = api
        .post_answer(json!({"question_id": q2, "text": "hola"}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("blocked_user"))
    );
    let (status, _) = api
        .send(
            reqwest::Method::DELETE,
            &format!("/users/{}/questions_blacklist/{asker}", api.seller),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = api
        .send(
            reqwest::Method::DELETE,
            &format!("/questions/{q2}"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!(["Question deleted."]))
    );
    let (status, _) = api.get(&format!("/questions/{q2}?api_version=4")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a deleted question is gone");
    let (status, _) = api
        .post_answer(json!({"question_id": q2, "text": "hola"}))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a deleted question cannot be answered"
    );
    let (_, writes) = api.get("/_sandbox/writes").await;
    assert!(
        writes
            .as_array()
            .unwrap()
            .contains(&json!({"kind": "question_deleted", "question_id": q2})),
        "{writes}"
    );
    let (_, rt) = api
        .get(&format!("/users/{}/questions/response_time", api.seller))
        .await;
    assert_has_fields(
        "response_time",
        &json!({"user_id":1,"total":{},"weekend":{},"weekdays_working_hours":{},"weekdays_extra_hours":{}}),
        &rt,
    );
}

#[tokio::test]
async fn multiget_listing_search_and_stock_updates() {
    let api = Api::start(Profile::Small).await;
    let ids: Vec<String> = api
        .world()
        .items
        .values()
        .filter(|i| i.seller_id == api.seller)
        .map(|i| i.id.clone())
        .collect();
    let (status, _) = api
        .get(&format!("/items?ids={}", ids[..21].join(",")))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "multiget takes at most 20 ids"
    );
    let (_, entries) = api
        .get(&format!("/items?ids={},MLA1&attributes=id,title", ids[0]))
        .await;
    assert_eq!(entries[0]["code"], 200);
    assert_eq!(
        keys(&entries[0]["body"]),
        BTreeSet::from(["id".to_owned(), "title".to_owned()]),
        "attributes= selects fields"
    );
    assert_eq!(entries[1]["code"], 404);

    let (_, page) = api
        .get(&format!(
            "/users/{}/items/search?limit=100&offset=0",
            api.seller
        ))
        .await;
    assert_eq!(page["paging"]["total"], ids.len());
    assert_eq!(page["results"].as_array().unwrap().len(), 100);
    let (_, by_sku) = api
        .get(&format!(
            "/users/{}/items/search?seller_sku=SKU-00007",
            api.seller
        ))
        .await;
    assert_eq!(by_sku["results"].as_array().unwrap().len(), 1);

    let plain = api
        .world()
        .items
        .values()
        .find(|i| {
            i.seller_id == api.seller
                && i.variations.is_empty()
                && i.status == "active"
                && i.logistic_type != "fulfillment"
        })
        .unwrap()
        .id
        .clone();
    let (status, item) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{plain}"),
            json!({"available_quantity": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (item["status"].as_str(), item["sub_status"].clone()),
        (Some("paused"), json!(["out_of_stock"]))
    );
    let (_, item) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{plain}"),
            json!({"available_quantity": 4}),
        )
        .await;
    assert_eq!(
        (item["status"].as_str(), item["available_quantity"].as_i64()),
        (Some("active"), Some(4))
    );

    let varied = api
        .world()
        .items
        .values()
        .find(|i| {
            i.seller_id == api.seller
                && i.variations.len() >= 3
                && i.logistic_type != "fulfillment"
                && !i.catalog_listing
        })
        .cloned()
        .unwrap();
    let v = varied.variations[0].id;
    // Every variation's id is sent; only the first one's stock changes.
    let all: Vec<serde_json::Value> = varied
        .variations
        .iter()
        .map(|x| {
            if x.id == v {
                json!({"id": x.id, "available_quantity": 9})
            } else {
                json!({"id": x.id})
            }
        })
        .collect();
    api.settings(json!({"item_conflicts": 1})).await;
    let (status, body) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{}", varied.id),
            json!({ "variations": all }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, item) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{}", varied.id),
            json!({ "variations": all }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the retry after a 409 succeeds");
    let expected: i64 = 9 + varied.variations[1..]
        .iter()
        .map(|x| x.available_quantity)
        .sum::<i64>();
    assert_eq!(
        item["available_quantity"].as_i64(),
        Some(expected),
        "listing stock is the sum of its variations"
    );
    let (status, _) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{}", varied.id),
            json!({"available_quantity": 3}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a listing with variations is updated per variation"
    );

    // Mercado Libre's rule: a variation whose id a PUT leaves out is deleted.
    let (status, item) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{}", varied.id),
            json!({"variations": [{"id": v, "available_quantity": 5}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        item["variations"].as_array().map(Vec::len),
        Some(1),
        "the omitted variations are gone"
    );

    // Full listings refuse stock changes; catalog listings refuse variation changes.
    let (full, catalog) = {
        let w = api.world();
        let mine = || w.items.values().filter(|i| i.seller_id == api.seller);
        (
            mine()
                .find(|i| i.logistic_type == "fulfillment")
                .map(|i| i.id.clone())
                .unwrap(),
            mine()
                .find(|i| i.catalog_listing)
                .map(|i| (i.id.clone(), i.variations[0].id))
                .unwrap(),
        )
    };
    let (status, body) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{full}"),
            json!({"available_quantity": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"].as_str(),
        Some("item.available_quantity.not_modifiable"),
        "{body}"
    );
    let (status, body) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{}", catalog.0),
            json!({"variations": [{"id": catalog.1, "available_quantity": 2}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"].as_str(),
        Some("variations.not_updatable"),
        "{body}"
    );

    // Pausing and reactivating; a listing without stock cannot be activated.
    for wanted in ["paused", "active"] {
        let (status, item) = api
            .send(
                reqwest::Method::PUT,
                &format!("/items/{plain}"),
                json!({ "status": wanted }),
            )
            .await;
        assert_eq!(
            (status, item["status"].as_str()),
            (StatusCode::OK, Some(wanted))
        );
    }
    let (status, _) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{plain}"),
            json!({"available_quantity": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = api
        .send(
            reqwest::Method::PUT,
            &format!("/items/{plain}"),
            json!({"status": "active"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn orders_search_pages_filters_and_sorts() {
    let api = Api::start(Profile::Small).await;
    let mine: Vec<mostrador_sandbox::world::Order> = api
        .world()
        .orders
        .values()
        .filter(|o| o.seller_id == api.seller)
        .cloned()
        .collect();
    let (_, page) = api
        .get(&format!(
            "/orders/search?seller={}&sort=date_desc&limit=51",
            api.seller
        ))
        .await;
    assert_eq!(page["paging"]["total"], mine.len());
    let results = page["results"].as_array().unwrap();
    assert_eq!(results.len(), 51);
    let dates: Vec<&str> = results
        .iter()
        .map(|o| o["date_created"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "date_desc");
    let (status, _) = api
        .get(&format!("/orders/search?seller={}&limit=52", api.seller))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, cancelled) = api
        .get(&format!(
            "/orders/search?seller={}&order.status=cancelled&limit=51",
            api.seller
        ))
        .await;
    assert_eq!(
        cancelled["paging"]["total"],
        mine.iter().filter(|o| o.status == "cancelled").count()
    );
    let cut = mine.iter().map(|o| o.last_updated).max().unwrap() - chrono::Duration::days(10);
    let from = cut.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (_, recent) = api
        .get(&format!(
            "/orders/search?seller={}&order.date_last_updated.from={from}",
            api.seller
        ))
        .await;
    assert_eq!(
        recent["paging"]["total"],
        mine.iter().filter(|o| o.last_updated >= cut).count()
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let api = Api::start(Profile::Tiny).await;
    api.settings(json!({"rate_limit": 5})).await;
    let mut limited = None;
    for _ in 0..12 {
        let r = api
            .http
            .get(api.url("/users/me"))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((
                r.headers().get("retry-after").cloned(),
                r.json::<Value>().await.unwrap(),
            ));
            break;
        }
    }
    let (retry_after, body) = limited.expect("more than 5 requests in a second are limited");
    assert_eq!(retry_after.unwrap(), "1");
    assert_eq!(
        body,
        json!({"message": "Too Many Requests", "error": "too_many_requests", "status": 429, "cause": []})
    );
}

#[tokio::test]
async fn faults_5xx_dropped_connections_and_lost_write_responses() {
    let api = Api::start(Profile::Tiny).await;
    api.settings(json!({"error_rate": 1.0})).await;
    let (status, body) = api.get("/users/me").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("service_not_available")
        )
    );
    api.settings(json!({"drop_rate": 1.0})).await;
    let r = api
        .http
        .get(api.url("/users/me"))
        .bearer_auth(&api.token)
        .send()
        .await;
    let failed = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(failed, "a dropped connection fails on the client");
    api.settings(json!({"lose_write_rate": 1.0})).await;
    let q = api
        .world()
        .questions
        .values()
        .find(|q| q.status == "UNANSWERED" && q.seller_id == api.seller)
        .unwrap()
        .id;
    let r = api
        .http
        .post(api.url("/answers"))
        .bearer_auth(&api.token)
        .json(&json!({"question_id": q, "text": "Hola"}))
        .send()
        .await;
    let lost = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(lost, "the response of the write is lost");
    assert_eq!(
        api.world().questions[&q].status,
        "ANSWERED",
        "but the write was committed"
    );
}

#[tokio::test]
async fn responses_carry_every_field_of_the_documented_examples() {
    let api = Api::start(Profile::Tiny).await;
    // /questions/{id} (api_version=4), from Mercado Libre's questions documentation.
    let doc_question = json!({"id":11751825075_i64,"seller_id":179571326,"buyer_id":56801932,"item_id":"MLA739200576",
        "status":"ANSWERED","text":"...","date_created":"2021-02-08T17:51:21.746Z","last_updated":"...",
        "app_id":8304540643508652_i64,"hold":false,"deleted_from_listing":false,"suspected_spam":false,
        "answer":{"text":"","status":"BANNED","date_created":"2021-02-16T14:52:13.580-04:00"},"from":{"id":162981404}});
    let answered = api
        .world()
        .questions
        .values()
        .find(|q| q.status == "ANSWERED")
        .unwrap()
        .id;
    let (_, q) = api
        .get(&format!("/questions/{answered}?api_version=4"))
        .await;
    assert_has_fields("question", &doc_question, &q);
    assert_has_fields("question.answer", &doc_question["answer"], &q["answer"]);
    let doc_search = json!({"total":36,"limit":2,"questions":[],"filters":{},"available_filters":[],"available_sorts":[]});
    let (_, search) = api
        .get(&format!(
            "/questions/search?seller_id={}&api_version=4",
            api.seller
        ))
        .await;
    assert_has_fields("questions search", &doc_search, &search);
    let doc_user = json!({"id":0,"nickname":"","site_id":"","country_id":"","user_type":"","permalink":"","tags":[]});
    let (_, me) = api.get("/users/me").await;
    assert_has_fields("users/me", &doc_user, &me);
    let doc_items_search = json!({"seller_id":"","query":null,"paging":{},"results":[],"orders":[],"available_orders":[]});
    let (_, items) = api
        .get(&format!("/users/{}/items/search", api.seller))
        .await;
    assert_has_fields("items search", &doc_items_search, &items);
    let doc_item = json!({"id":"","site_id":"","title":"","seller_id":0,"category_id":"","price":0,"base_price":0,
        "original_price":null,"currency_id":"","initial_quantity":0,"available_quantity":0,"sold_quantity":0,
        "buying_mode":"","listing_type_id":"","condition":"","permalink":"","thumbnail":"","secure_thumbnail":"",
        "pictures":[],"status":"","sub_status":[],"tags":[],"variations":[],"date_created":"","last_updated":""});
    let first = items["results"][0].as_str().unwrap().to_owned();
    let (_, item) = api.get(&format!("/items/{first}")).await;
    assert_has_fields("item", &doc_item, &item);
    let doc_order = json!({"id":0,"status":"","status_detail":null,"date_created":"","date_closed":"","last_updated":"",
        "expiration_date":"","order_items":[],"total_amount":0,"paid_amount":0,"currency_id":"","buyer":{},"seller":{},
        "payments":[],"feedback":{},"context":{},"shipping":{},"pack_id":null,"mediations":[],"tags":[]});
    let (_, orders) = api
        .get(&format!("/orders/search?seller={}", api.seller))
        .await;
    assert_has_fields("orders search", &json!({"results":[],"paging":{}}), &orders);
    assert_has_fields("order", &doc_order, &orders["results"][0]);
    assert_has_fields(
        "order item",
        &json!({"item":{},"quantity":0,"unit_price":0,"currency_id":""}),
        &orders["results"][0]["order_items"][0],
    );
    let (status, unknown) = api.get("/items/MLA1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_has_fields(
        "error",
        &json!({"message":"","error":"","status":404,"cause":[]}),
        &unknown,
    );
}

/// Any sequence of answers, deletions and new questions keeps the sandbox consistent: answered
/// questions stay answered, every accepted answer is logged once, and searches count what the
/// world holds.
#[tokio::test]
async fn random_operation_sequences_keep_the_sandbox_consistent() {
    for seed in 1..=8u64 {
        let api = Api::start(Profile::Tiny).await;
        let mut rng = SplitMix::new(seed);
        let mut answered_by_us = BTreeSet::new();
        for step in 0..40 {
            let ids: Vec<i64> = api
                .world()
                .questions
                .values()
                .filter(|q| q.seller_id == api.seller)
                .map(|q| q.id)
                .collect();
            let target = *rng.pick(&ids);
            match rng.below(3) {
                0 => {
                    let (status, _) = api
                        .post_answer(json!({"question_id": target, "text": format!("r{step}")}))
                        .await;
                    if status == StatusCode::OK {
                        assert!(
                            answered_by_us.insert(target),
                            "a question is answered at most once"
                        );
                    }
                }
                1 => {
                    api.send(
                        reqwest::Method::DELETE,
                        &format!("/questions/{target}"),
                        json!({}),
                    )
                    .await;
                }
                _ => {
                    let r = api
                        .http
                        .post(api.url("/_sandbox/questions"))
                        .json(&json!({"text": format!("q{step}")}))
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success());
                }
            }
            for id in &answered_by_us {
                let status = api.world().questions[id].status.clone();
                assert!(
                    status == "ANSWERED" || status == "DELETED",
                    "seed {seed}: answered question {id} became {status}"
                );
            }
        }
        let (_, log) = api.get("/_sandbox/answers").await;
        assert_eq!(
            log.as_array().unwrap().len(),
            answered_by_us.len(),
            "seed {seed}: every accepted answer logged once"
        );
        for status in ["UNANSWERED", "ANSWERED", "DELETED"] {
            let (_, page) = api
                .get(&format!(
                    "/questions/search?seller_id={}&status={status}&api_version=4&limit=1",
                    api.seller
                ))
                .await;
            let held = api
                .world()
                .questions
                .values()
                .filter(|q| q.seller_id == api.seller && q.status == status)
                .count();
            assert_eq!(
                page["total"], held,
                "seed {seed}: search total for {status}"
            );
        }
    }
}

#[tokio::test]
async fn simulated_sales_create_orders_and_decrement_stock() {
    let sandbox = Sandbox::start(SandboxConfig {
        order_every: Some(std::time::Duration::from_millis(10)),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (orders_before, stock_before) = {
        let w = sandbox.world().lock().unwrap();
        let stock: i64 = w
            .items
            .values()
            .filter(|i| i.seller_id == w.seller_id)
            .map(|i| i.available_quantity)
            .sum();
        (w.orders.len(), stock)
    };
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let w = sandbox.world().lock().unwrap();
    let sold = w.orders.len() - orders_before;
    assert!(sold >= 5, "simulated buyers purchased ({sold} orders)");
    let stock: i64 = w
        .items
        .values()
        .filter(|i| i.seller_id == w.seller_id)
        .map(|i| i.available_quantity)
        .sum();
    assert_eq!(
        stock_before - stock,
        sold as i64,
        "each sale takes one unit of stock"
    );
    for item in w.items.values().filter(|i| !i.variations.is_empty()) {
        let sum: i64 = item.variations.iter().map(|v| v.available_quantity).sum();
        assert_eq!(
            item.available_quantity, sum,
            "{}: listing stock is the sum of its variations",
            item.id
        );
    }
    for item in w.items.values().filter(|i| i.available_quantity == 0) {
        assert_eq!(item.status, "paused", "{} sold out is paused", item.id);
    }
}

#[tokio::test]
async fn shipments_claims_and_the_computed_reputation() {
    let api = Api::start(Profile::Small).await;
    let (late, on_time) = {
        let w = api.world();
        let mine = w.shipments.values().filter(|s| s.seller_id == api.seller);
        let late = mine
            .clone()
            .find(|s| s.shipped_at.is_some_and(|at| at > s.handling_deadline))
            .unwrap()
            .id;
        let on_time = mine
            .clone()
            .find(|s| s.shipped_at.is_some_and(|at| at <= s.handling_deadline))
            .unwrap()
            .id;
        (late, on_time)
    };
    let (status, shipment) = api.get(&format!("/shipments/{late}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_has_fields(
        "shipment",
        &json!({"id":0,"status":"","substatus":null,"date_created":"","last_updated":"",
        "tracking_number":"","tracking_method":"","logistic":{},"lead_time":{},"origin":{},"destination":{},"tags":[],"dimensions":null}),
        &shipment,
    );
    let (_, sla) = api.get(&format!("/shipments/{late}/sla")).await;
    assert_eq!(sla["status"], "delayed");
    assert_has_fields(
        "sla",
        &json!({"status":"","service":"","expected_date":"","last_updated":""}),
        &sla,
    );
    let (_, delays) = api.get(&format!("/shipments/{late}/delays")).await;
    assert_eq!(delays["delays"][0]["type"], "handling_delayed");
    let (_, sla) = api.get(&format!("/shipments/{on_time}/sla")).await;
    assert_eq!(sla["status"], "on_time");
    let (status, none) = api.get(&format!("/shipments/{on_time}/delays")).await;
    assert_eq!(
        (status, none["message"].as_str()),
        (StatusCode::NOT_FOUND, Some("Delays Not Found for shipment"))
    );

    let (status, body) = api.get("/post-purchase/v1/claims/search").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("atLeastOneFilterProvided"))
    );
    let (_, claims) = api
        .get(&format!(
            "/post-purchase/v1/claims/search?player_role=respondent&player_user_id={}&limit=100",
            api.seller
        ))
        .await;
    let held = api
        .world()
        .claims
        .values()
        .filter(|c| c.seller_id == api.seller)
        .count();
    assert!(held > 0, "the small profile has claims");
    assert_eq!(claims["paging"]["total"], held);
    assert_has_fields(
        "claim",
        &json!({"id":0,"resource":"","resource_id":0,"status":"","type":"","stage":"","reason_id":"",
        "players":[],"site_id":"","date_created":"","last_updated":""}),
        &claims["data"][0],
    );

    let (_, me) = api.get("/users/me").await;
    let rep = &me["seller_reputation"];
    assert_has_fields(
        "seller_reputation",
        &json!({"level_id":"","power_seller_status":null,"transactions":{},"metrics":{}}),
        rep,
    );
    assert_has_fields(
        "metrics",
        &json!({"sales":{},"claims":{},"delayed_handling_time":{},"cancellations":{}}),
        &rep["metrics"],
    );
    let claims_value = rep["metrics"]["claims"]["value"].as_u64().unwrap();
    let sales = rep["metrics"]["sales"]["completed"].as_u64().unwrap();
    assert!(sales > 0 && claims_value > 0);
    let level = rep["level_id"].as_str().unwrap();
    assert!(
        ["5_green", "3_yellow", "2_orange", "1_red"].contains(&level),
        "{level}"
    );
    // A flood of cancellations must turn the thermometer red.
    {
        let mut w = api.world();
        let seller = api.seller;
        for o in w.orders.values_mut().filter(|o| o.seller_id == seller) {
            o.status = "cancelled".into();
        }
    }
    let (_, me) = api.get("/users/me").await;
    assert_eq!(me["seller_reputation"]["level_id"], "1_red");
}

#[tokio::test]
async fn post_sale_messages_limits_unread_and_no_seller_first_message() {
    let api = Api::start(Profile::Small).await;
    let (with_thread, without_thread) = {
        let w = api.world();
        let mine: Vec<_> = w
            .orders
            .values()
            .filter(|o| o.seller_id == api.seller && o.status == "paid")
            .collect();
        let pack = |o: &&mostrador_sandbox::world::Order| o.pack_id.unwrap_or(o.id);
        let with = mine
            .iter()
            .map(pack)
            .find(|p| w.messages.contains_key(p))
            .unwrap();
        let without = mine
            .iter()
            .map(pack)
            .find(|p| !w.messages.contains_key(p))
            .unwrap();
        (with, without)
    };
    let (_, unread) = api.get("/messages/unread?tag=post_sale").await;
    assert_eq!(unread["code"], "bad_request", "role has no default");
    let (_, unread) = api.get("/messages/unread?role=seller&tag=post_sale").await;
    let before = unread["results"].as_array().unwrap().len();

    let path = format!("/messages/packs/{with_thread}/sellers/{}", api.seller);
    let (_, thread) = api
        .get(&format!("{path}?tag=post_sale&mark_as_read=false"))
        .await;
    assert_eq!(thread["seller_max_message_length"], 350);
    assert_has_fields(
        "message",
        &json!({"id":"","site_id":"","client_id":0,"from":{},"to":{},"status":"","subject":null,"text":"",
        "message_date":{},"message_moderation":{},"message_attachments":null,"message_resources":[],"conversation_first_message":false}),
        &thread["messages"][0],
    );
    let (status, body) = api
        .send(
            reqwest::Method::POST,
            &format!("{path}?tag=post_sale"),
            json!({"text": "x".repeat(351)}),
        )
        .await;
    assert_eq!(
        (status, body["status_code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(400)),
        "{body}"
    );
    let (status, sent) = api
        .send(
            reqwest::Method::POST,
            &format!("{path}?tag=post_sale"),
            json!({"text": "¡Gracias por tu compra! Sale mañana."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let (_, writes) = api.get("/_sandbox/writes").await;
    assert!(writes.as_array().unwrap().contains(&json!({"kind": "message", "pack_id": with_thread, "text": "¡Gracias por tu compra! Sale mañana."})));

    let other = format!(
        "/messages/packs/{without_thread}/sellers/{}?tag=post_sale",
        api.seller
    );
    let (status, body) = api
        .send(reqwest::Method::POST, &other, json!({"text": "Hola"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::FORBIDDEN,
            Some("blocked_by_conversation_started_by_seller")
        )
    );

    // Reading without mark_as_read=false marks the buyer's messages read.
    api.get(&format!("{path}?tag=post_sale")).await;
    let (_, unread) = api.get("/messages/unread?role=seller&tag=post_sale").await;
    let after = unread["results"].as_array().unwrap();
    assert!(after.iter().all(|r| {
        !r["resource"]
            .as_str()
            .unwrap()
            .contains(&format!("/packs/{with_thread}/"))
    }));
    assert!(after.len() <= before);
}

#[tokio::test]
async fn visits_one_item_per_call_150_days_and_the_48h_lag() {
    let api = Api::start(Profile::Tiny).await;
    let item = api.world().items.keys().next().unwrap().clone();
    let today = chrono::Utc::now().date_naive();
    let (status, body) = api
        .get(&format!(
            "/items/visits?ids={item},{item}&date_from=2026-01-01&date_to=2026-01-31"
        ))
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("maximum amount of items to query is 1")
        )
    );
    let from = today - chrono::Duration::days(151);
    let (status, _) = api
        .get(&format!(
            "/users/{}/items_visits?date_from={from}&date_to={today}",
            api.seller
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "at most 150 days");
    let (_, series) = api
        .get(&format!(
            "/items/{item}/visits/time_window?last=30&unit=day"
        ))
        .await;
    let results = series["results"].as_array().unwrap();
    assert_eq!(results.len(), 30);
    assert_eq!(results[29]["total"], 0, "today has no data yet");
    assert_eq!(results[28]["total"], 0, "nor yesterday");
    let sum: u64 = results.iter().map(|r| r["total"].as_u64().unwrap()).sum();
    assert_eq!(series["total_visits"], sum);
    let (status, _) = api
        .get(&format!(
            "/items/{item}/visits/time_window?last=30&unit=week"
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unit=day only");
    let from = today - chrono::Duration::days(29);
    let (_, range) = api
        .get(&format!(
            "/items/visits?ids={item}&date_from={from}&date_to={today}"
        ))
        .await;
    assert_eq!(
        range[0]["total_visits"], sum,
        "the range and the series agree"
    );
    let (_, user) = api
        .get(&format!(
            "/users/{}/items_visits/time_window?last=30&unit=day",
            api.seller
        ))
        .await;
    assert!(user["total_visits"].as_u64().unwrap() >= sum);
}

#[test]
fn profiles_have_their_documented_sizes_and_content() {
    use mostrador_sandbox::seed::{SELLER_ID, world};
    for (profile, questions, orders, listings) in [
        (Profile::Large, 10_000, 5_000, 1_000),
        (Profile::Huge, 100_000, 50_000, 5_000),
    ] {
        let w = world(profile, 42, chrono::Utc::now());
        let q = w
            .questions
            .values()
            .filter(|q| q.seller_id == SELLER_ID)
            .count();
        let o = w
            .orders
            .values()
            .filter(|o| o.seller_id == SELLER_ID)
            .count();
        let l = w
            .items
            .values()
            .filter(|i| i.seller_id == SELLER_ID)
            .count();
        assert_eq!((q, o, l), (questions, orders, listings), "{profile:?}");
        if profile == Profile::Huge {
            assert!(
                w.items
                    .values()
                    .filter(|i| i.seller_id == SELLER_ID)
                    .all(|i| !i.variations.is_empty()),
                "every huge listing has variations"
            );
        }
        let texts: Vec<&str> = w.questions.values().map(|q| q.text.as_str()).collect();
        assert!(
            texts.iter().any(|t| t.contains("<script>")),
            "script-looking buyer text"
        );
        assert!(texts.iter().any(|t| t.contains('@')), "an e-mail address");
        assert!(
            texts.iter().any(|t| t.contains("5555-0123")),
            "a phone number"
        );
        assert!(
            texts.iter().any(|t| t.chars().count() > 1500),
            "a very long text"
        );
        assert!(texts.iter().any(|t| t.contains("Olá")), "Portuguese on MLB");
        let sites: BTreeSet<&str> = w
            .users
            .values()
            .filter(|u| w.seller_ids.contains(&u.id))
            .map(|u| u.site_id.as_str())
            .collect();
        assert_eq!(sites, BTreeSet::from(["MLA", "MLB", "MLM"]));
    }
    let a = world(Profile::Small, 7, chrono::DateTime::UNIX_EPOCH);
    let b = world(Profile::Small, 7, chrono::DateTime::UNIX_EPOCH);
    let texts = |w: &mostrador_sandbox::world::World| {
        w.questions
            .values()
            .map(|q| (q.id, q.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&a), texts(&b), "same seed, same world");
}

#[tokio::test]
async fn every_documented_question_status_is_served_and_only_unanswered_can_be_answered() {
    let api = Api::start(Profile::Small).await;
    for status in [
        "UNANSWERED",
        "ANSWERED",
        "CLOSED_UNANSWERED",
        "UNDER_REVIEW",
        "BANNED",
        "DISABLED",
    ] {
        let (_, page) = api
            .get(&format!(
                "/questions/search?seller_id={}&status={status}&api_version=4&limit=5",
                api.seller
            ))
            .await;
        let list = page["questions"].as_array().unwrap();
        assert!(!list.is_empty(), "the small profile has {status} questions");
        assert!(list.iter().all(|q| q["status"] == status));
        if status == "BANNED" {
            assert_eq!(
                list[0]["text"], "",
                "banned questions come back with empty text"
            );
            assert_eq!(list[0]["answer"]["status"], "BANNED");
        }
        if status != "UNANSWERED" {
            let id = list[0]["id"].as_i64().unwrap();
            let (code, body) = api
                .post_answer(json!({"question_id": id, "text": "Hola"}))
                .await;
            assert_eq!(
                (code, body["error"].as_str()),
                (StatusCode::BAD_REQUEST, Some("invalid_question")),
                "{status}"
            );
        }
    }
}

#[tokio::test]
async fn the_action_guide_opens_a_conversation_once_per_option() {
    let api = Api::start(Profile::Small).await;
    let pack = {
        let w = api.world();
        w.orders
            .values()
            .filter(|o| o.seller_id == api.seller && o.status == "paid")
            .filter(|o| {
                o.shipping_id
                    .and_then(|s| w.shipments.get(&s))
                    .is_some_and(|s| s.status == "handling" || s.status == "ready_to_ship")
            })
            .map(|o| o.pack_id.unwrap_or(o.id))
            .find(|p| !w.messages.contains_key(p))
            .unwrap()
    };
    let (_, guide) = api
        .get(&format!(
            "/messages/action_guide/packs/{pack}?tag=post_sale"
        ))
        .await;
    let ids: Vec<&str> = guide["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "REQUEST_VARIANTS",
            "REQUEST_BILLING_INFO",
            "SEND_INVOICE_LINK",
            "OTHER"
        ]
    );
    let path = format!("/messages/action_guide/packs/{pack}/option?tag=post_sale");
    let (status, body) = api
        .send(
            reqwest::Method::POST,
            &path,
            json!({"option_id": "OTHER", "text": "x".repeat(351)}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("limit_exceeded"))
    );
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            &path,
            json!({"option_id": "NOPE", "text": "hola"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            &path,
            json!({"option_id": "OTHER", "text": "¡Hola! ¿Qué color preferís?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            &path,
            json!({"option_id": "OTHER", "text": "otra vez"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "each option has a cap of one"
    );
    let (_, guide) = api
        .get(&format!(
            "/messages/action_guide/packs/{pack}?tag=post_sale"
        ))
        .await;
    assert_eq!(guide["options"][3]["cap_available"], 0);
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            &format!(
                "/messages/packs/{pack}/sellers/{}?tag=post_sale",
                api.seller
            ),
            json!({"text": "Te lo mando hoy."}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "after the guide the seller may write"
    );
}

#[tokio::test]
async fn simulated_after_sale_traffic_adds_messages_claims_and_delays() {
    let ms = std::time::Duration::from_millis(10);
    let sandbox = Sandbox::start(SandboxConfig {
        message_every: Some(ms),
        claim_every: Some(ms),
        delay_every: Some(ms),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let count = |s: &Sandbox| {
        let w = s.world().lock().unwrap();
        let now = w.now();
        (
            w.messages
                .values()
                .flatten()
                .filter(|m| m.read.is_none())
                .count(),
            w.claims.values().filter(|c| c.status == "opened").count(),
            w.shipments
                .values()
                .filter(|s| {
                    s.shipped_at.is_none() && s.status != "cancelled" && s.handling_deadline < now
                })
                .count(),
        )
    };
    let before = count(&sandbox);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after = count(&sandbox);
    assert!(
        after.0 > before.0,
        "new unread buyer messages: {before:?} → {after:?}"
    );
    assert!(
        after.1 > before.1,
        "new open claims: {before:?} → {after:?}"
    );
    assert!(
        after.2 > before.2,
        "shipments past their deadline: {before:?} → {after:?}"
    );
}

#[tokio::test]
async fn control_injections_follow_the_marketplace_rules() {
    let api = Api::start(Profile::Tiny).await;
    let post = |path: &'static str, body: Value| {
        let (http, url) = (api.http.clone(), api.url(path));
        async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let item = api
        .world()
        .items
        .values()
        .find(|i| {
            i.seller_id == api.seller
                && i.status == "active"
                && i.variations.is_empty()
                && i.available_quantity > 0
        })
        .cloned()
        .unwrap();
    let (status, order) = post("/_sandbox/orders", json!({"item_id": item.id})).await;
    assert_eq!(status, StatusCode::CREATED);
    let order_id = order["id"].as_i64().unwrap();
    assert_eq!(
        api.world().items[&item.id].available_quantity,
        item.available_quantity - 1,
        "a purchase takes one unit"
    );
    let (_, seen) = api.get(&format!("/orders/{order_id}")).await;
    assert_eq!(seen["status"], "paid");
    let shipment = seen["shipping"]["id"].as_i64().unwrap();
    let (_, s) = api.get(&format!("/shipments/{shipment}")).await;
    assert_eq!(
        s["status"], "handling",
        "a new order waits to be dispatched"
    );

    let (status, _) = post(
        "/_sandbox/messages",
        json!({"pack_id": order_id, "text": "¿Lo despachan hoy?"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, unread) = api.get("/messages/unread?role=seller&tag=post_sale").await;
    assert!(
        unread["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["resource"] == format!("/packs/{order_id}/sellers/{}", api.seller))
    );

    let (status, _) = post("/_sandbox/claims", json!({"order_id": order_id})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = post("/_sandbox/claims", json!({"order_id": order_id})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "one claim per order");

    let r = api
        .http
        .post(api.url(&format!("/_sandbox/shipments/{shipment}/delay")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, sla) = api.get(&format!("/shipments/{shipment}/sla")).await;
    assert_eq!(sla["status"], "delayed");

    let pack = api
        .world()
        .orders
        .values()
        .find(|o| o.seller_id == api.seller && o.pack_id.is_some())
        .map(|o| o.pack_id.unwrap())
        .unwrap();
    let (status, p) = api.get(&format!("/packs/{pack}")).await;
    assert_eq!(status, StatusCode::OK);
    let in_pack = api
        .world()
        .orders
        .values()
        .filter(|o| o.pack_id == Some(pack))
        .count();
    assert_eq!(p["orders"].as_array().unwrap().len(), in_pack);
}

#[tokio::test]
async fn a_protected_seller_shows_green_with_the_true_figures_excluded() {
    let api = Api::start(Profile::Tiny).await;
    let protected = mostrador_sandbox::seed::PROTECTED_SELLER_ID;
    let creds: Value = api
        .http
        .get(api.url("/_sandbox/credentials"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = creds["sellers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user_id"] == protected)
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    {
        let mut w = api.world();
        for o in w.orders.values_mut().filter(|o| o.seller_id == protected) {
            o.status = "cancelled".into();
        }
    }
    let me = |token: String| {
        let (http, url) = (api.http.clone(), api.url("/users/me"));
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let rep = me(token.clone()).await["seller_reputation"].clone();
    assert_eq!(
        rep["level_id"], "5_green",
        "protection keeps the shown level"
    );
    assert_eq!(rep["real_level"], "red", "the true colour");
    assert!(rep["protection_end_date"].is_string());
    let cancellations = &rep["metrics"]["cancellations"];
    assert_eq!(
        (
            cancellations["rate"].as_f64(),
            cancellations["value"].as_u64()
        ),
        (Some(0.0), Some(0))
    );
    assert_eq!(cancellations["excluded"]["real_rate"].as_f64(), Some(1.0));
    assert!(cancellations["excluded"]["real_value"].as_u64().unwrap() > 0);
    // Once protection ends, the true level shows and the protection fields go away.
    api.http
        .post(api.url("/_sandbox/clock"))
        .json(&json!({"advance_seconds": 46 * 86_400}))
        .send()
        .await
        .unwrap();
    let creds: Value = api
        .http
        .get(api.url("/_sandbox/credentials"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = creds["sellers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user_id"] == protected)
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let rep = me(token).await["seller_reputation"].clone();
    assert_eq!(rep["level_id"], "1_red");
    assert!(rep.get("real_level").is_none() && rep.get("protection_end_date").is_none());
    assert!(rep["metrics"]["cancellations"].get("excluded").is_none());
}

#[tokio::test]
async fn the_timeout_fault_hangs_then_answers_504() {
    let api = Api::start(Profile::Tiny).await;
    api.settings(json!({"timeout_rate": 1.0, "timeout_ms": 300}))
        .await;
    let started = std::time::Instant::now();
    let (status, body) = api.get("/users/me").await;
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(300),
        "the request hangs first"
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::GATEWAY_TIMEOUT, Some("gateway_timeout"))
    );
}

#[tokio::test]
async fn an_intermediated_conversation_goes_through_the_sites_agent_one_message_at_a_time() {
    const MLB_SELLER: i64 = 318_002_117;
    const MLB_AGENT: i64 = 3_037_675_074;
    let api = Api::start_as(Profile::Small, Some(MLB_SELLER)).await;
    assert_eq!(api.seller, MLB_SELLER);
    let pack = {
        let w = api.world();
        w.orders
            .values()
            .find(|o| o.seller_id == MLB_SELLER && o.status == "paid")
            .map(|o| o.pack_id.unwrap_or(o.id))
            .unwrap()
    };
    let control = |path: String, body: Value| {
        let http = api.http.clone();
        let url = api.url(&path);
        async move {
            http.post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap();
        }
    };
    control(format!("/_sandbox/conversations/{pack}/agent"), json!({})).await;
    control(
        "/_sandbox/messages".into(),
        json!({"pack_id": pack, "text": "Olá, quando chega?"}),
    )
    .await;
    let thread_path =
        format!("/messages/packs/{pack}/sellers/{MLB_SELLER}?tag=post_sale&mark_as_read=false");
    let (_, thread) = api.get(&thread_path).await;
    let path = thread["conversation_status"]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        path,
        format!("/packs/{pack}/sellers/{MLB_SELLER}/conversations/agent")
    );
    assert_eq!(
        thread["messages"][0]["from"]["user_id"], MLB_AGENT,
        "the buyer arrives through the agent"
    );

    // The old path is refused; the new one wants the agent as recipient.
    let body = |to: i64, text: &str| json!({"from": {"user_id": MLB_SELLER}, "to": {"user_id": to}, "text": text});
    let (status, err) = api
        .send(
            reqwest::Method::POST,
            &format!("/messages/packs/{pack}/sellers/{MLB_SELLER}?tag=post_sale"),
            body(MLB_AGENT, "Chega amanhã."),
        )
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("conversation_intermediated"))
    );
    let new_path = format!("/messages{path}?tag=post_sale");
    let buyer = api
        .world()
        .orders
        .values()
        .find(|o| o.pack_id.unwrap_or(o.id) == pack)
        .unwrap()
        .buyer_id;
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            &new_path,
            body(buyer, "Chega amanhã."),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the recipient is the agent, not the buyer"
    );
    let (status, sent) = api
        .send(
            reqwest::Method::POST,
            &new_path,
            body(MLB_AGENT, "Chega amanhã."),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(sent["to"]["user_id"], MLB_AGENT);
    // One at a time: the next after the agent answers.
    let (status, err) = api
        .send(
            reqwest::Method::POST,
            &new_path,
            body(MLB_AGENT, "Obrigado!"),
        )
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("one_message_at_a_time"))
    );
    control(
        "/_sandbox/messages".into(),
        json!({"pack_id": pack, "text": "Perfeito"}),
    )
    .await;
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            &new_path,
            body(MLB_AGENT, "Obrigado!"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn attachments_are_uploaded_then_sent_with_a_message() {
    let api = Api::start(Profile::Small).await;
    let upload = |name: &'static str, media: &'static str, bytes: Vec<u8>| {
        let (http, url, token) = (
            api.http.clone(),
            api.url("/messages/attachments?tag=post_sale&site_id=MLA"),
            api.token.clone(),
        );
        async move {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(name)
                .mime_str(media)
                .unwrap();
            let r = http
                .post(url)
                .bearer_auth(token)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = upload("virus.exe", "application/octet-stream", b"MZ".to_vec()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_file_type"))
    );
    let big = vec![0u8; 25 * 1024 * 1024 + 1];
    let (status, body) = upload("foto.jpg", "image/jpeg", big).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("file_too_large"))
    );
    let (status, body) = upload("factura.pdf", "application/pdf", b"%PDF-1.4".to_vec()).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["id"].as_str().unwrap().to_owned();

    // A conversation the buyer opened: the file goes with the message.
    let pack = {
        let w = api.world();
        w.orders
            .values()
            .find(|o| o.seller_id == api.seller && o.status == "paid")
            .map(|o| o.pack_id.unwrap_or(o.id))
            .unwrap()
    };
    api.http
        .post(api.url("/_sandbox/messages"))
        .json(&json!({"pack_id": pack, "text": "¿Factura?"}))
        .send()
        .await
        .unwrap();
    let path = format!(
        "/messages/packs/{pack}/sellers/{}?tag=post_sale",
        api.seller
    );
    let buyer = api
        .world()
        .orders
        .values()
        .find(|o| o.pack_id.unwrap_or(o.id) == pack)
        .unwrap()
        .buyer_id;
    let body = |ids: Vec<&str>| json!({"from": {"user_id": api.seller}, "to": {"user_id": buyer}, "text": "Ahí va", "attachments": ids});
    let (status, _) = api
        .send(reqwest::Method::POST, &path, body(vec!["nope"]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an unknown attachment");
    let (status, sent) = api
        .send(reqwest::Method::POST, &path, body(vec![&id]))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        sent["message_attachments"][0]["original_filename"],
        "factura.pdf"
    );
    assert_eq!(sent["message_attachments"][0]["type"], "application/pdf");
}
