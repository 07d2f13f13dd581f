//! Contract tests: Mercado Libre's documented JSON examples (recorded here in the shapes
//! `ML_API.md` describes) and the sandbox's live responses must both deserialize into the
//! sandbox's typed contract (`mostrador_sandbox::contract`), and the responses must carry every
//! field the examples have.

// A failed unwrap is a failed test, with its location; helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use mostrador_sandbox::contract;
use mostrador_sandbox::seed::Profile;
use mostrador_sandbox::{Sandbox, SandboxConfig};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A question as search results show it (no `buyer_id`, `app_id`, `last_updated`: by-id only).
fn doc_search_question() -> Value {
    let mut q = doc_question();
    for by_id_only in ["buyer_id", "app_id", "last_updated"] {
        q.as_object_mut().unwrap().remove(by_id_only);
    }
    q
}

fn doc_question() -> Value {
    json!({"id":11751825075_i64,"seller_id":179571326,"buyer_id":56801932,"item_id":"MLA739200576",
        "status":"ANSWERED","text":"Hola, ¿tenés en rojo?","date_created":"2021-02-08T17:51:21.746Z",
        "last_updated":"2021-02-16T14:52:13.580-04:00","app_id":8304540643508652_i64,"hold":false,
        "deleted_from_listing":false,"suspected_spam":false,
        "answer":{"text":"","status":"BANNED","date_created":"2021-02-16T14:52:13.580-04:00"},
        "from":{"id":162981404}})
}

/// Parses `value` as `T`, failing with what did not match.
fn conforms<T: DeserializeOwned>(what: &str, value: &Value) -> T {
    match serde_json::from_value(value.clone()) {
        Ok(v) => v,
        Err(e) => panic!("{what} does not match the contract: {e}\n{value:#}"),
    }
}

/// Every key of `example` (recursively through objects and first array elements) is in `actual`.
fn has_fields(what: &str, example: &Value, actual: &Value) {
    if let (Some(e), Some(a)) = (example.as_object(), actual.as_object()) {
        let missing: BTreeSet<&String> = e.keys().filter(|k| !a.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{what}: missing {missing:?}");
        for (k, v) in e {
            has_fields(&format!("{what}.{k}"), v, &a[k]);
        }
    }
    if let (Some(e), Some(a)) = (example.as_array(), actual.as_array())
        && let (Some(e0), Some(a0)) = (e.first(), a.first())
    {
        has_fields(&format!("{what}[0]"), e0, a0);
    }
}

struct Live {
    sandbox: Sandbox,
    http: reqwest::Client,
    token: String,
    seller: i64,
}

impl Live {
    async fn start() -> Self {
        let sandbox = Sandbox::start(SandboxConfig {
            profile: Profile::Small,
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
        Self {
            token: creds["sellers"][0]["access_token"]
                .as_str()
                .unwrap()
                .to_owned(),
            seller: creds["sellers"][0]["user_id"].as_i64().unwrap(),
            sandbox,
            http,
        }
    }

    async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.sandbox.url()))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Checks a documented example and a live response against the contract type `T`.
    async fn check<T: DeserializeOwned>(&self, what: &str, example: Value, path: &str) -> Value {
        conforms::<T>(&format!("documented {what}"), &example);
        let live = self.get(path).await;
        conforms::<T>(&format!("sandbox {what}"), &live);
        has_fields(what, &example, &live);
        live
    }
}

#[tokio::test]
async fn documented_examples_and_sandbox_responses_share_one_contract() {
    let live = Live::start().await;
    let seller = live.seller;
    let answered = live
        .sandbox
        .world()
        .lock()
        .unwrap()
        .questions
        .values()
        .find(|q| q.status == "ANSWERED" && q.seller_id == seller)
        .unwrap()
        .id;

    live.check::<contract::Question>(
        "question",
        doc_question(),
        &format!("/questions/{answered}?api_version=4"),
    )
    .await;
    let search = json!({"total":36,"limit":2,"questions":[doc_search_question()],
        "filters":{"limit":2,"offset":0,"api_version":"4","is_admin":false,"sorts":[],"caller":179571326,"seller":"179571326"},
        "available_filters":[{"id":"status","name":"Status","type":"text","values":["ANSWERED","UNANSWERED"]}],
        "available_sorts":["item_id","from_id","date_created","seller_id"]});
    live.check::<contract::QuestionSearch>(
        "questions search",
        search,
        &format!("/questions/search?seller_id={seller}&api_version=4&limit=2"),
    )
    .await;

    let reputation = json!({"level_id":"5_green","power_seller_status":"platinum",
        "transactions":{"canceled":981,"completed":6211,"period":"historic","ratings":{"negative":0.04,"neutral":0.08,"positive":0.88},"total":7192},
        "metrics":{"sales":{"period":"60 days","completed":244},
            "claims":{"period":"60 days","rate":0,"value":0},
            "delayed_handling_time":{"period":"60 days","rate":0,"value":0},
            "cancellations":{"period":"60 days","rate":0,"value":0}}});
    let user = json!({"id":179571326,"nickname":"TETE2870021","site_id":"MLA","seller_reputation":reputation});
    live.check::<contract::Seller>("seller", user, &format!("/users/{seller}"))
        .await;

    let item_ids = live.check::<contract::ItemSearch>("items search",
        json!({"seller_id":"179571326","query":null,"paging":{"limit":50,"offset":0,"total":2},"results":["MLA844702264","MLA844702265"],
               "orders":[{"id":"stop_time_asc","name":"Order by stop time asc"}],"available_orders":[]}),
        &format!("/users/{seller}/items/search")).await;
    let varied = live
        .sandbox
        .world()
        .lock()
        .unwrap()
        .items
        .values()
        .find(|i| i.seller_id == seller && !i.variations.is_empty())
        .unwrap()
        .id
        .clone();
    assert!(!item_ids["results"].as_array().unwrap().is_empty());
    let item = json!({"id":"MLA844702264","site_id":"MLA","title":"Mate Imperial","seller_id":179571326,"price":28990,
        "currency_id":"ARS","available_quantity":6,"sold_quantity":41,"status":"active",
        "permalink":"https://articulo.mercadolibre.com.ar/MLA-844702264-mate-imperial-_JM",
        "variations":[{"id":174997747229_i64,"price":28990,"available_quantity":3,"sold_quantity":10,
            "attribute_combinations":[{"id":"COLOR","name":"Color","value_id":"52049","value_name":"Negro"}],
            "picture_ids":[],"seller_custom_field":"SKU-1"}]});
    live.check::<contract::Item>("item", item, &format!("/items/{varied}"))
        .await;

    let order = json!({"id":2000003508419013_i64,"status":"paid","date_created":"2022-03-01T10:00:00.000-04:00",
        "date_closed":"2022-03-01T10:00:05.000-04:00","last_updated":"2022-03-02T10:00:00.000-04:00",
        "order_items":[{"item":{"id":"MLA844702264","title":"Mate Imperial","variation_id":null,"variation_attributes":[]},
            "quantity":1,"unit_price":28990,"currency_id":"ARS"}],
        "total_amount":28990,"paid_amount":28990,"currency_id":"ARS","buyer":{"id":1,"nickname":"BUYER"},"seller":{"id":179571326},
        "payments":[{"id":1,"transaction_amount":28990,"currency_id":"ARS","status":"approved"}],
        "feedback":{"purchase":null,"sale":null},"context":{"channel":"marketplace","site":"MLA","flows":[]},
        "shipping":{"id":41000000000_i64},"pack_id":null,"mediations":[],"tags":["paid"]});
    conforms::<contract::Order>("documented order", &order);
    let orders = live
        .get(&format!("/orders/search?seller={seller}&limit=1"))
        .await;
    conforms::<contract::Order>("sandbox order", &orders["results"][0]);
    has_fields("order", &order, &orders["results"][0]);

    let order_id = orders["results"][0]["id"].as_i64().unwrap();
    let shipment = live.sandbox.world().lock().unwrap().orders[&order_id]
        .shipping_id
        .unwrap();
    live.check::<contract::Sla>("sla",
        json!({"status":"on_time","service":"drop_off","expected_date":"2024-05-22T23:59:59-03:00","last_updated":"2024-05-21T10:00:00-03:00"}),
        &format!("/shipments/{shipment}/sla")).await;

    let claim = json!({"id":5000000001_i64,"resource":"order","resource_id":2000003508419013_i64,"status":"opened","type":"mediations",
        "stage":"claim","reason_id":"PDD9949","fulfilled":true,"quantity_type":"total",
        "players":[{"role":"complainant","type":"buyer","user_id":1,"available_actions":[]},
                   {"role":"respondent","type":"seller","user_id":179571326,"available_actions":[{"action":"send_message_to_complainant","due_date":"2024-05-22T23:59:59-03:00","mandatory":true}]}],
        "resolution":null,"site_id":"MLA","date_created":"2024-05-20T10:00:00.000-03:00","last_updated":"2024-05-20T10:00:00.000-03:00","parent_id":null});
    live.check::<contract::ClaimSearch>(
        "claims search",
        json!({"paging":{"total":1,"offset":0,"limit":50},"data":[claim]}),
        &format!("/post-purchase/v1/claims/search?player_role=respondent&player_user_id={seller}"),
    )
    .await;

    live.check::<contract::Unread>("unread",
        json!({"user_id":378136913,"results":[{"resource":"/packs/1977056109/sellers/378136913","count":1}]}),
        "/messages/unread?role=seller&tag=post_sale").await;
    let pack = {
        let w = live.sandbox.world().lock().unwrap();
        *w.messages
            .keys()
            .find(|p| {
                w.orders
                    .values()
                    .any(|o| o.seller_id == seller && o.pack_id.unwrap_or(o.id) == **p)
            })
            .unwrap()
    };
    let message = json!({"id":"0c0e3f62a6e44a2f8f38a1a8b0f5f7f1","site_id":"MLA","client_id":1,"from":{"user_id":1},"to":{"user_id":179571326},
        "status":"available","subject":null,"text":"Hola","message_date":{"received":"","available":"","notified":"","created":"","read":null},
        "message_moderation":{"status":"clean","reason":null,"source":null,"moderation_date":""},"message_attachments":null,
        "message_resources":[],"conversation_first_message":true});
    live.check::<contract::MessageThread>("message thread",
        json!({"paging":{"limit":10,"offset":0,"total":1},
               "conversation_status":{"path":"/packs/1/seller/2","status":"active","substatus":null,"status_date":null,"status_update_allowed":false,"claim_id":null,"shipping_id":null},
               "messages":[message],"seller_max_message_length":350,"buyer_max_message_length":3500}),
        &format!("/messages/packs/{pack}/sellers/{seller}?tag=post_sale&mark_as_read=false")).await;

    live.check::<contract::VisitsWindow>("visits time window",
        json!({"user_id":52366166,"date_from":"2021-07-07T00:00:00Z","date_to":"2021-08-06T00:00:00Z","total_visits":1234,"last":30,"unit":"day",
               "results":[{"date":"2021-07-07T00:00:00Z","total":40,"visits_detail":[{"company":"mercadolibre","quantity":40}]}]}),
        &format!("/users/{seller}/items_visits/time_window?last=30&unit=day")).await;

    live.check::<contract::ResponseTime>("response time",
        json!({"user_id":1111111,"total":{"response_time":22},"weekend":{"response_time":8,"sales_percent_increase":null},
               "weekdays_working_hours":{"response_time":8,"sales_percent_increase":null},
               "weekdays_extra_hours":{"response_time":72,"sales_percent_increase":10}}),
        &format!("/users/{seller}/questions/response_time")).await;

    live.check::<contract::ErrorBody>("error",
        json!({"message":"item with id MLA1 not found","error":"not_found","status":404,"cause":[]}), "/items/MLA1").await;
}

#[tokio::test]
async fn the_documented_token_response_and_the_sandbox_token_share_the_contract() {
    let live = Live::start().await;
    let doc = json!({"access_token":"APP_USR-761615972200605-061812-7987-146322322","token_type":"Bearer","expires_in":21600,
        "scope":"offline_access read write","user_id":146322322,"refresh_token":"TG-648f2c088bff590001df3ce5-146322322"});
    conforms::<contract::Token>("documented token", &doc);
    let creds = live.get("/_sandbox/credentials").await;
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", mostrador_sandbox::CLIENT_ID),
        ("client_secret", mostrador_sandbox::CLIENT_SECRET),
        (
            "refresh_token",
            creds["sellers"][0]["refresh_token"].as_str().unwrap(),
        ),
    ];
    let token: Value = live
        .http
        .post(format!("{}/oauth/token", live.sandbox.url()))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    conforms::<contract::Token>("sandbox token", &token);
    has_fields("token", &doc, &token);
}
