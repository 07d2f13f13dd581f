//! After the sale: shipments (`/shipments/{id}`, `/sla`, `/delays`), claims
//! (`/post-purchase/v1/claims/search`), and post-sale messages
//! (`/messages/packs/{pack}/sellers/{seller}`, `/messages/unread`). The messages API has its own
//! error shape (`{"status_code", "code", "message"}`) and a 350-character limit for sellers, and a
//! seller cannot start a conversation.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, authenticate, lock, scan};
use crate::api_error::{Rejection, api_error, not_found};
use crate::world::{Message, Shipment, World, Write};

/// Longest post-sale message a seller may send.
pub const SELLER_MESSAGE_MAX: usize = 350;

fn site(world: &World, seller: i64) -> String {
    world
        .users
        .get(&seller)
        .map(|u| u.site_id.clone())
        .unwrap_or_else(|| "MLA".into())
}

fn shipment_json(world: &World, s: &Shipment) -> Value {
    let site = site(world, s.seller_id);
    let t = |d| world.format_time(d, &site);
    json!({
        "id": s.id,
        "order_id": s.order_id,
        "status": s.status,
        "substatus": s.substatus,
        "date_created": t(s.date_created),
        "last_updated": t(s.last_updated),
        "tracking_number": s.shipped_at.map(|_| format!("TRK{}", s.id)),
        "tracking_method": "standard",
        "logistic": {"mode": "me2", "type": "drop_off", "direction": "forward"},
        "lead_time": {"estimated_delivery_time": {"date": t(s.handling_deadline + chrono::Duration::days(3))}},
        "origin": {"type": "selling_address"},
        "destination": {"type": "buyer_address"},
        "tags": [],
        "dimensions": null,
    })
}

fn own_shipment<'a>(
    world: &'a World,
    headers: &HeaderMap,
    id: &str,
) -> Result<&'a Shipment, Rejection> {
    let caller = authenticate(world, headers)?;
    match id
        .parse::<i64>()
        .ok()
        .and_then(|id| world.shipments.get(&id))
    {
        Some(s) if s.seller_id == caller => Ok(s),
        Some(_) => Err(Rejection::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        )),
        None => Err(Rejection::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "shipment not found",
        )),
    }
}

/// `GET /shipments/{id}`.
pub async fn shipment(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let world = lock(&shared);
    match own_shipment(&world, &headers, &id) {
        Ok(s) => Json(shipment_json(&world, s)).into_response(),
        Err(r) => r.into_response(),
    }
}

/// `GET /shipments/{id}/sla`: the dispatch deadline and whether it is met.
pub async fn sla(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let world = lock(&shared);
    let s = match own_shipment(&world, &headers, &id) {
        Ok(s) => s,
        Err(r) => return r.into_response(),
    };
    if s.status == "cancelled" {
        return not_found("sla");
    }
    let now = world.now();
    let status = match s.shipped_at {
        Some(at) if at <= s.handling_deadline => "on_time",
        Some(_) => "delayed",
        None if now > s.handling_deadline => "delayed",
        None => "on_time",
    };
    let site = site(&world, s.seller_id);
    Json(json!({
        "status": status,
        "service": "drop_off",
        "expected_date": world.format_time(s.handling_deadline, &site),
        "last_updated": world.format_time(s.last_updated, &site),
    }))
    .into_response()
}

/// `GET /shipments/{id}/delays`.
pub async fn delays(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let world = lock(&shared);
    let s = match own_shipment(&world, &headers, &id) {
        Ok(s) => s,
        Err(r) => return r.into_response(),
    };
    let late = s.shipped_at.map_or(
        world.now() > s.handling_deadline && s.status != "cancelled",
        |a| a > s.handling_deadline,
    );
    if !late {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            "Delays Not Found for shipment",
        );
    }
    let site = site(&world, s.seller_id);
    Json(json!({
        "shipment_id": s.id,
        "delays": [{"type": "handling_delayed", "date": world.format_time(s.handling_deadline, &site)}],
    }))
    .into_response()
}

/// `GET /post-purchase/v1/claims/search` (at least one filter; limit ≤ 100; offset < 10,000).
pub async fn claims(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    const FILTERS: &[&str] = &[
        "id",
        "type",
        "stage",
        "status",
        "resource_id",
        "resource",
        "reason_id",
        "site_id",
        "player_role",
        "player_user_id",
        "order_id",
    ];
    if !FILTERS.iter().any(|f| q.contains_key(*f)) {
        return api_error(
            StatusCode::BAD_REQUEST,
            "atLeastOneFilterProvided",
            "At least one filter must be provided",
        );
    }
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(30);
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    if limit == 0 || limit > 100 || offset >= 10_000 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "limit must be 1..100 and offset below 10000",
        );
    }
    let user = q
        .get("player_user_id")
        .and_then(|u| u.parse::<i64>().ok())
        .unwrap_or(caller);
    let respondent = q.get("player_role").is_none_or(|r| r == "respondent");
    let mut found: Vec<_> = world
        .claims
        .values()
        .filter(|c| {
            if respondent {
                c.seller_id == user
            } else {
                c.buyer_id == user
            }
        })
        .filter(|c| c.seller_id == caller)
        .filter(|c| q.get("status").is_none_or(|s| &c.status == s))
        .filter(|c| q.get("stage").is_none_or(|s| &c.stage == s))
        .filter(|c| {
            q.get("order_id")
                .or(q.get("resource_id"))
                .is_none_or(|o| c.order_id.to_string() == *o)
        })
        .collect();
    found.sort_by_key(|c| std::cmp::Reverse((c.last_updated, c.id)));
    let site = site(&world, caller);
    let (start, total) =
        scan::offset_window(found.len(), offset, limit, world.faults.endless_pages);
    let data: Vec<Value> = found.iter().skip(start).take(limit).map(|c| json!({
        "id": c.id,
        "resource": "order",
        "resource_id": c.order_id,
        "status": c.status,
        "type": "mediations",
        "stage": c.stage,
        "parent_id": null,
        "reason_id": c.reason_id,
        "fulfilled": true,
        "quantity_type": "total",
        "players": [
            {"role": "complainant", "type": "buyer", "user_id": c.buyer_id, "available_actions": []},
            {"role": "respondent", "type": "seller", "user_id": c.seller_id, "available_actions": if c.status == "opened" {
                json!([{"action": "send_message_to_complainant", "due_date": world.format_time(c.date_created + chrono::Duration::days(2), &site), "mandatory": true}])
            } else { json!([]) }},
        ],
        "resolution": if c.status == "closed" { json!({"reason": "item_returned", "closed_by": "mediator"}) } else { json!(null) },
        "site_id": site,
        "date_created": world.format_time(c.date_created, &site),
        "last_updated": world.format_time(c.last_updated, &site),
    })).collect();
    Json(json!({"paging": {"total": total, "offset": offset, "limit": limit}, "data": data}))
        .into_response()
}

fn messages_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"status_code": status.as_u16(), "code": code, "message": message})),
    )
        .into_response()
}

fn message_json(world: &World, m: &Message, site: &str) -> Value {
    let t = |d| world.format_time(d, site);
    json!({
        "id": m.id,
        "site_id": site,
        "client_id": 8_304_540_643_508_652_i64,
        "from": {"user_id": m.from},
        "to": {"user_id": m.to},
        "status": "available",
        "subject": null,
        "text": m.text,
        "message_date": {"received": t(m.date), "available": t(m.date), "notified": t(m.date), "created": t(m.date), "read": m.read.map(t)},
        "message_moderation": {"status": "clean", "reason": null, "source": null, "moderation_date": t(m.date)},
        "message_attachments": world.message_files.get(&m.id).map(|files| files.iter().map(|f| json!({
            "filename": format!("{}_{}", f.id, f.name), "original_filename": f.name,
            "type": f.media_type, "size": f.bytes.len(), "potential_security_threat": false,
        })).collect::<Vec<_>>()),
        "message_resources": [],
        "conversation_first_message": false,
    })
}

/// The pack's (or order's) seller and buyer, if the pack exists.
fn pack_parties(world: &World, pack: i64) -> Option<(i64, i64, String)> {
    world
        .orders
        .values()
        .find(|o| o.pack_id == Some(pack) || (o.pack_id.is_none() && o.id == pack))
        .map(|o| (o.seller_id, o.buyer_id, o.status.clone()))
}

/// `GET /messages/packs/{pack}/sellers/{seller}?tag=post_sale[&mark_as_read=false]`.
pub async fn thread(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path((pack, seller)): Path<(i64, i64)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    if caller != seller {
        return messages_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        );
    }
    if q.get("tag").map(String::as_str) != Some("post_sale") {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "tag=post_sale is required",
        );
    }
    if pack_parties(&world, pack).is_none_or(|(s, _, _)| s != seller) {
        return messages_error(StatusCode::NOT_FOUND, "not_found", "pack not found");
    }
    if world.faults.forbidden_threads.contains(&pack) {
        return messages_error(
            StatusCode::FORBIDDEN,
            "blocked_by_mediation",
            "the conversation is blocked",
        );
    }
    let now = world.now();
    // Reading marks the buyer's messages read, unless mark_as_read=false.
    if q.get("mark_as_read").map(String::as_str) != Some("false")
        && let Some(list) = world.messages.get_mut(&pack)
    {
        for m in list
            .iter_mut()
            .filter(|m| m.to == seller && m.read.is_none())
        {
            m.read = Some(now);
        }
    }
    let site = site(&world, seller);
    let all: Vec<Value> = world
        .messages
        .get(&pack)
        .map(|l| l.iter().map(|m| message_json(&world, m, &site)).collect())
        .unwrap_or_default();
    // Paged like Mercado Libre: `limit` (10 by default, 100 at most) from `offset`.
    let limit = q
        .get("limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let offset = q
        .get("offset")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let total = all.len();
    let list: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
    let blocked = conversation_block(&world, pack);
    let paging = if world.faults.thread_without_total {
        json!({"limit": limit, "offset": offset})
    } else {
        json!({"limit": limit, "offset": offset, "total": total})
    };
    Json(json!({
        "paging": paging,
        "conversation_status": {"path": conversation_path(&world, pack, seller),
                                "status": if blocked.is_some() { "blocked" } else { "active" },
                                "substatus": blocked,
                                "status_date": null, "status_update_allowed": false, "claim_id": null, "shipping_id": null},
        "messages": list,
        "seller_max_message_length": SELLER_MESSAGE_MAX,
        "buyer_max_message_length": 3500,
    }))
    .into_response()
}

/// The conversation's path: an intermediated one has its own, where the seller writes.
fn conversation_path(world: &World, pack: i64, seller: i64) -> String {
    if world.agent_conversations.contains(&pack) {
        format!("/packs/{pack}/sellers/{seller}/conversations/{AGENT_KIND}")
    } else {
        format!("/packs/{pack}/sellers/{seller}")
    }
}

/// The `{type}` of an intermediated conversation's path.
const AGENT_KIND: &str = "agent";

/// Why the seller may not write in `pack`'s conversation, if so (the blocks the sandbox was
/// told of through `/_sandbox/conversations/{pack}/block`).
fn conversation_block(world: &World, pack: i64) -> Option<String> {
    world.blocked_conversations.get(&pack).cloned()
}

/// `POST /messages/packs/{pack}/sellers/{seller}?tag=post_sale` with `{from, to, text}`.
pub async fn send(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path((pack, seller)): Path<(i64, i64)>,
    body: axum::body::Bytes,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let Some((owner, buyer, status)) = pack_parties(&world, pack) else {
        return messages_error(StatusCode::NOT_FOUND, "not_found", "pack not found");
    };
    if caller != seller || owner != seller {
        return messages_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        );
    }
    let body = serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    let text = body.get("text").and_then(Value::as_str).map(str::to_owned);
    // Files uploaded before (`POST /messages/attachments`), by id.
    let mut files = Vec::new();
    for id in body
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match id.as_str().and_then(|id| world.uploads.get(id)) {
            Some(upload) => files.push(upload.clone()),
            None => {
                return messages_error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    &format!("unknown attachment {id}"),
                );
            }
        }
    }
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return messages_error(StatusCode::BAD_REQUEST, "bad_request", "text is required");
    };
    if text.chars().count() > SELLER_MESSAGE_MAX {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "The message content is too long, max characters allowed are 350",
        );
    }
    if world.agent_conversations.contains(&pack) {
        return messages_error(
            StatusCode::FORBIDDEN,
            "conversation_intermediated",
            "Mercado Libre's agent intermediates this conversation: write on its path",
        );
    }
    if status == "cancelled" {
        return messages_error(
            StatusCode::FORBIDDEN,
            "blocked_conversation_send_message_forbidden",
            "the order was cancelled",
        );
    }
    if let Some(reason) = conversation_block(&world, pack) {
        return messages_error(
            StatusCode::FORBIDDEN,
            "blocked_conversation_send_message_forbidden",
            &format!("the conversation is blocked ({reason})"),
        );
    }
    let buyer_wrote = world
        .messages
        .get(&pack)
        .is_some_and(|l| l.iter().any(|m| m.from == buyer));
    // The action guide is how a seller may open a conversation.
    let guided = world.guide_used.contains_key(&pack);
    if !buyer_wrote && !guided {
        return messages_error(
            StatusCode::FORBIDDEN,
            "blocked_by_conversation_started_by_seller",
            "the seller cannot start the conversation; use the action guide",
        );
    }
    let text = if world.faults.normalise_messages {
        normalise(&text)
    } else {
        text
    };
    let now = world.now();
    let id = world.token("MSG", seller);
    let message = Message {
        id,
        from: seller,
        to: buyer,
        text: text.clone(),
        date: now,
        read: None,
    };
    let site = site(&world, seller);
    if !files.is_empty() {
        world.message_files.insert(message.id.clone(), files);
    }
    let out = message_json(&world, &message, &site);
    world.messages.entry(pack).or_default().push(message);
    world.writes.push(Write::Message {
        pack_id: pack,
        text,
    });
    (StatusCode::CREATED, Json(out)).into_response()
}

/// The largest file an upload accepts, in bytes (25 MB).
pub const ATTACHMENT_MAX: usize = 25 * 1024 * 1024;

/// `POST /messages/attachments?tag=post_sale&site_id=…`, multipart with a `file` part: a file
/// for a post-sale message (JPG, PNG, PDF or TXT, at most 25 MB) → `{"id"}`.
pub async fn upload(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    mut form: axum::extract::Multipart,
) -> Response {
    let caller = match authenticate(&lock(&shared), &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    if q.get("tag").map(String::as_str) != Some("post_sale") || !q.contains_key("site_id") {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "tag=post_sale and site_id are required",
        );
    }
    let mut found = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_owned();
        let media_type = field.content_type().unwrap_or("").to_owned();
        match field.bytes().await {
            Ok(bytes) => found = Some((name, media_type, bytes.to_vec())),
            Err(_) => {
                return messages_error(StatusCode::BAD_REQUEST, "bad_request", "unreadable file");
            }
        }
    }
    let Some((name, media_type, bytes)) = found else {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the file part is required",
        );
    };
    if bytes.len() > ATTACHMENT_MAX {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "file_too_large",
            "the file is larger than 25 MB",
        );
    }
    if !["image/jpeg", "image/png", "application/pdf", "text/plain"].contains(&media_type.as_str())
    {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "invalid_file_type",
            "only JPG, PNG, PDF and TXT files are accepted",
        );
    }
    let mut world = lock(&shared);
    let id = world.token("ATT", caller);
    world.uploads.insert(
        id.clone(),
        crate::world::Upload {
            id: id.clone(),
            name,
            media_type,
            bytes,
        },
    );
    (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
}

/// A seller's text as a normalising server stores it: trimmed, runs of spaces collapsed to one,
/// characters outside ISO-8859-1 removed.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| u32::from(*c) <= 0xFF)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `GET /messages/unread?role=seller&tag=post_sale`.
pub async fn unread(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    if q.get("role").map(String::as_str) != Some("seller")
        && q.get("role").map(String::as_str) != Some("buyer")
    {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "role is required (seller or buyer)",
        );
    }
    let results: Vec<Value> = world
        .messages
        .iter()
        .filter_map(|(pack, list)| {
            let count = list
                .iter()
                .filter(|m| m.to == caller && m.read.is_none())
                .count();
            (count > 0).then(
                || json!({"resource": format!("/packs/{pack}/sellers/{caller}"), "count": count}),
            )
        })
        .take(500)
        .collect();
    Json(json!({"user_id": caller, "results": results})).into_response()
}

const GUIDE_OPTIONS: &[(&str, &str)] = &[
    ("REQUEST_VARIANTS", "template"),
    ("REQUEST_BILLING_INFO", "template"),
    ("SEND_INVOICE_LINK", "template"),
    ("OTHER", "free_text"),
];

/// The text Mercado Libre sends for a template option of the action guide.
fn guide_template_text(option: &str) -> &'static str {
    match option {
        "REQUEST_VARIANTS" => {
            "Hola, para preparar tu compra necesitamos que nos indiques el color o la variante que elegiste."
        }
        "REQUEST_BILLING_INFO" => {
            "Hola, para emitir la factura de tu compra necesitamos tus datos de facturación."
        }
        _ => "Hola, ya podés descargar la factura de tu compra desde el detalle de la compra.",
    }
}

fn delivered(world: &World, pack: i64) -> bool {
    world
        .orders
        .values()
        .filter(|o| o.pack_id == Some(pack) || o.id == pack)
        .any(|o| {
            o.shipping_id
                .and_then(|s| world.shipments.get(&s))
                .is_some_and(|s| s.status == "delivered")
        })
}

/// `GET /messages/action_guide/packs/{pack}?tag=post_sale`: how a seller may open a conversation.
pub async fn action_guide(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(pack): Path<i64>,
) -> Response {
    let world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    if pack_parties(&world, pack).is_none_or(|(s, _, _)| s != caller) {
        return messages_error(StatusCode::NOT_FOUND, "not_found", "pack not found");
    }
    let used = world.guide_used.get(&pack).cloned().unwrap_or_default();
    let is_delivered = delivered(&world, pack);
    let options: Vec<Value> = GUIDE_OPTIONS
        .iter()
        .map(|(id, kind)| {
            let cap = if used.iter().any(|u| u == id) { 0 } else { 1 };
            let enabled = cap > 0 && !(*id == "OTHER" && is_delivered);
            json!({
                "id": id,
                "type": kind,
                "templates": if *kind == "template" { json!([{"id": format!("TEMPLATE___{id}___1"), "vars": []}]) } else { json!([]) },
                "char_limit": SELLER_MESSAGE_MAX,
                "cap_available": cap,
                "enabled": enabled,
                "actionable": enabled,
            })
        })
        .collect();
    Json(json!({ "options": options })).into_response()
}

/// `POST /messages/action_guide/packs/{pack}/option?tag=post_sale` with
/// `{"option_id", "text"}` or `{"option_id", "template_id"}`.
pub async fn action_guide_send(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(pack): Path<i64>,
    body: axum::body::Bytes,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let Some((seller, buyer, _)) = pack_parties(&world, pack).filter(|(s, _, _)| *s == caller)
    else {
        return messages_error(StatusCode::NOT_FOUND, "not_found", "pack not found");
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(option) = body
        .get("option_id")
        .and_then(Value::as_str)
        .filter(|o| GUIDE_OPTIONS.iter().any(|(id, _)| id == o))
    else {
        return messages_error(StatusCode::NOT_FOUND, "not_found", "invalid option_id");
    };
    if world
        .guide_used
        .get(&pack)
        .is_some_and(|u| u.iter().any(|x| x == option))
    {
        return messages_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "cap for this option already used",
        );
    }
    if option == "OTHER" && delivered(&world, pack) {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "blocked_by_excepted_case",
            "OTHER is not available once the shipment was delivered",
        );
    }
    let text = match (
        body.get("text").and_then(Value::as_str),
        body.get("template_id").and_then(Value::as_str),
    ) {
        (Some(t), _) if t.chars().count() > SELLER_MESSAGE_MAX => {
            return messages_error(
                StatusCode::BAD_REQUEST,
                "limit_exceeded",
                "The message content is too long, max characters allowed are 350",
            );
        }
        (Some(t), _) if !t.trim().is_empty() => t.to_owned(),
        (None, Some(template)) if template == format!("TEMPLATE___{option}___1") => {
            guide_template_text(option).to_owned()
        }
        (None, Some(_)) => {
            return messages_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "unknown template_id",
            );
        }
        _ => {
            return messages_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "text or template_id is required",
            );
        }
    };
    let now = world.now();
    let id = world.token("MSG", seller);
    world.messages.entry(pack).or_default().push(Message {
        id,
        from: seller,
        to: buyer,
        text: text.clone(),
        date: now,
        read: None,
    });
    world
        .guide_used
        .entry(pack)
        .or_default()
        .push(option.to_owned());
    world.writes.push(Write::Message {
        pack_id: pack,
        text,
    });
    (
        StatusCode::CREATED,
        Json(json!({"option_id": option, "status": "sent"})),
    )
        .into_response()
}

/// `POST /messages/packs/{pack}/sellers/{seller}/conversations/{type}?tag=post_sale` with
/// `{from, to, text}`: the seller writes in a conversation Mercado Libre's AI agent
/// intermediates. The recipient must be the site's agent, and the seller writes one message
/// at a time (the next once the agent has answered).
pub async fn send_to_agent(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path((pack, seller, kind)): Path<(i64, i64, String)>,
    body: axum::body::Bytes,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let Some((owner, _, _)) = pack_parties(&world, pack) else {
        return messages_error(StatusCode::NOT_FOUND, "not_found", "pack not found");
    };
    if caller != seller || owner != seller {
        return messages_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        );
    }
    if kind != AGENT_KIND || !world.agent_conversations.contains(&pack) {
        return messages_error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such conversation for this pack",
        );
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let agent = crate::world::agent_id(&site(&world, seller));
    if body.pointer("/to/user_id").and_then(Value::as_i64) != Some(agent) {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "to.user_id must be the agent of the site",
        );
    }
    let Some(text) = body
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(str::to_owned)
    else {
        return messages_error(StatusCode::BAD_REQUEST, "bad_request", "text is required");
    };
    if text.chars().count() > SELLER_MESSAGE_MAX {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "The message content is too long, max characters allowed are 350",
        );
    }
    let waiting_for_agent = world
        .messages
        .get(&pack)
        .and_then(|l| l.last())
        .is_some_and(|m| m.from == seller);
    if waiting_for_agent {
        return messages_error(
            StatusCode::BAD_REQUEST,
            "one_message_at_a_time",
            "wait for the agent's reply before writing again",
        );
    }
    let now = world.now();
    let id = world.token("MSG", seller);
    let message = Message {
        id,
        from: seller,
        to: agent,
        text: normalise(&text),
        date: now,
        read: None,
    };
    let site = site(&world, seller);
    let out = message_json(&world, &message, &site);
    world.messages.entry(pack).or_default().push(message);
    world.writes.push(Write::Message {
        pack_id: pack,
        text,
    });
    (StatusCode::CREATED, Json(out)).into_response()
}
