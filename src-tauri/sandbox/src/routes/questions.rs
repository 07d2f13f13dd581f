//! Questions: `GET /questions/search`, `GET /questions/{id}`, `POST /answers`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, authenticate, lock};
use crate::api_error::{api_error, not_found};
use crate::world::{Answer, AnswerRecord, Question, World};

/// Longest answer accepted, in characters.
pub const ANSWER_MAX_CHARS: usize = 2000;

fn site_of(world: &World, q: &Question) -> String {
    world
        .users
        .get(&q.seller_id)
        .map(|u| u.site_id.clone())
        .unwrap_or_else(|| "MLA".into())
}

/// A question in the api_version=4 shape; `full` adds the by-id fields.
pub fn question_json(world: &World, q: &Question, full: bool) -> Value {
    let site = site_of(world, q);
    let answered = world
        .questions
        .values()
        .filter(|o| o.from_id == q.from_id && o.answer.is_some())
        .count();
    let mut v = json!({
        "id": q.id,
        "seller_id": q.seller_id,
        "item_id": q.item_id,
        "status": q.status,
        "text": q.text,
        "date_created": world.format_time(q.date_created, &site),
        "deleted_from_listing": false,
        "hold": false,
        "suspected_spam": false,
        "answer": q.answer.as_ref().map(|a| json!({
            "text": a.text,
            "status": "ACTIVE",
            "date_created": world.format_time(a.date_created, &site),
        })),
        "from": {"id": q.from_id, "answered_questions": answered},
    });
    if full && let Some(map) = v.as_object_mut() {
        map.insert("buyer_id".into(), json!(q.from_id));
        map.insert("app_id".into(), json!(8_304_540_643_508_652_i64));
        map.insert(
            "last_updated".into(),
            json!(world.format_time(q.last_updated, &site)),
        );
    }
    v
}

/// `GET /questions/search?seller_id=|item=&status=&sort_fields=&sort_types=&limit=&offset=`.
pub async fn search(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let seller = q.get("seller_id").and_then(|s| s.parse::<i64>().ok());
    let item = q.get("item").or_else(|| q.get("item_id"));
    if seller.is_none() && item.is_none() {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "seller_id or item is required",
        );
    }
    let status = q.get("status").map(|s| s.to_uppercase());
    let limit: usize = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "limit must be between 1 and 100",
            );
        }
    };
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    if offset > 1000 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "offset exceeds 1000; use search_type=scan",
        );
    }
    let mut found: Vec<&Question> = world
        .questions
        .values()
        .filter(|x| seller.is_none_or(|s| x.seller_id == s))
        .filter(|x| item.is_none_or(|i| &x.item_id == i))
        .filter(|x| status.as_ref().is_none_or(|s| &x.status == s))
        .filter(|x| x.status != "DELETED")
        .collect();
    let descending = q
        .get("sort_types")
        .is_some_and(|t| t.eq_ignore_ascii_case("DESC"));
    found.sort_by_key(|x| (x.date_created, x.id));
    if descending {
        found.reverse();
    }
    let total = found.len();
    let page: Vec<Value> = found
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|x| question_json(&world, x, false))
        .collect();
    Json(json!({
        "total": total,
        "limit": limit,
        "questions": page,
        "filters": {
            "limit": limit, "offset": offset, "api_version": "4", "is_admin": false,
            "sorts": [], "caller": caller,
            "seller": seller.map(|s| s.to_string()),
        },
        "available_filters": [
            {"id": "status", "name": "Status", "type": "text",
             "values": ["ANSWERED", "BANNED", "CLOSED_UNANSWERED", "DELETED", "DISABLED", "UNANSWERED", "UNDER_REVIEW"]},
        ],
        "available_sorts": ["item_id", "from_id", "date_created", "seller_id"],
    }))
    .into_response()
}

/// `GET /questions/{id}`.
pub async fn one(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let world = lock(&shared);
    if let Err(r) = authenticate(&world, &headers) {
        return r.into_response();
    }
    match id
        .parse::<i64>()
        .ok()
        .and_then(|id| world.questions.get(&id))
    {
        Some(q) if q.status != "DELETED" => Json(question_json(&world, q, true)).into_response(),
        _ => not_found("question"),
    }
}

/// `POST /answers` with `{"question_id": int, "text": string}`.
pub async fn answer(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let parsed: Option<(i64, String)> = serde_json::from_slice::<Value>(&body).ok().and_then(|v| {
        Some((
            v.get("question_id")?.as_i64()?,
            v.get("text")?.as_str()?.to_owned(),
        ))
    });
    let Some((question_id, text)) = parsed else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_post_body",
            "Invalid JSON. Valid attributes are ... question_id and text",
        );
    };
    if text.trim().is_empty() || text.chars().count() > ANSWER_MAX_CHARS {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_text",
            &format!("The answer text must have between 1 and {ANSWER_MAX_CHARS} characters"),
        );
    }
    let now = world.now();
    let Some(q) = world.questions.get_mut(&question_id) else {
        return not_found("question");
    };
    if q.seller_id != caller {
        return api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "The question does not belong to the caller",
        );
    }
    if q.status != "UNANSWERED" {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_question",
            "Question is not active (already answered or closed)",
        );
    }
    q.status = "ANSWERED".into();
    q.last_updated = now;
    q.answer = Some(Answer {
        text: text.clone(),
        date_created: now,
    });
    world.answers.push(AnswerRecord {
        question_id,
        text,
        received_at: now.to_rfc3339(),
    });
    if world.faults.lose_answer_responses > 0 {
        world.faults.lose_answer_responses -= 1;
        return api_error(StatusCode::BAD_GATEWAY, "bad_gateway", "Bad Gateway");
    }
    let Some(q) = world.questions.get(&question_id) else {
        return not_found("question");
    };
    Json(question_json(&world, q, true)).into_response()
}
