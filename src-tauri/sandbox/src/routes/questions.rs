//! Questions: `GET /questions/search`, `GET /questions/{id}`, `POST /answers`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, authenticate, lock, scan};
use crate::api_error::{api_error, not_found};
use crate::world::{Answer, AnswerRecord, Question, World, Write};

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
    render(world, q, full, &answered_by(world, &[q.from_id]))
}

/// How many answered questions each of `askers` has (`from.answered_questions`), counted in one
/// pass over the world, so a page costs one pass rather than one per question.
fn answered_by(world: &World, askers: &[i64]) -> HashMap<i64, usize> {
    let mut counts: HashMap<i64, usize> = askers.iter().map(|a| (*a, 0)).collect();
    for o in world.questions.values().filter(|o| o.answer.is_some()) {
        if let Some(n) = counts.get_mut(&o.from_id) {
            *n += 1;
        }
    }
    counts
}

/// Renders a page of questions (search shape).
fn page_json<'a>(world: &World, page: impl Iterator<Item = &'a Question>) -> Vec<Value> {
    let page: Vec<&Question> = page.collect();
    let askers: Vec<i64> = page.iter().map(|q| q.from_id).collect();
    let counts = answered_by(world, &askers);
    page.into_iter()
        .map(|q| render(world, q, false, &counts))
        .collect()
}

fn render(world: &World, q: &Question, full: bool, answered: &HashMap<i64, usize>) -> Value {
    let site = site_of(world, q);
    let answered = answered.get(&q.from_id).copied().unwrap_or(0);
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
            "status": if q.answer_banned { "BANNED" } else { "ACTIVE" },
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
    let mut world = lock(&shared);
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
    let matching = |w: &World| -> Vec<i64> {
        let mut found: Vec<&Question> = w
            .questions
            .values()
            .filter(|x| seller.is_none_or(|s| x.seller_id == s))
            .filter(|x| item.is_none_or(|i| &x.item_id == i))
            .filter(|x| status.as_ref().is_none_or(|s| &x.status == s))
            .filter(|x| x.status != "DELETED" || status.as_deref() == Some("DELETED"))
            .collect();
        found.sort_by_key(|x| (x.date_created, x.id));
        if q.get("sort_types")
            .is_some_and(|t| t.eq_ignore_ascii_case("DESC"))
        {
            found.reverse();
        }
        found.into_iter().map(|x| x.id).collect()
    };
    if scan::is_scan(&q) {
        let page = match scan::page(&mut world, &q, |w| {
            matching(w).iter().map(i64::to_string).collect()
        }) {
            Ok(p) => p,
            Err(r) => return r.into_response(),
        };
        let questions = page_json(
            &world,
            page.ids
                .iter()
                .filter_map(|id| world.questions.get(&id.parse::<i64>().ok()?)),
        );
        return Json(json!({
            "total": page.total,
            "limit": questions.len(),
            "questions": questions,
            "scroll_id": page.scroll_id,
            "filters": {"api_version": "4", "caller": caller, "search_type": "scan"},
        }))
        .into_response();
    }
    let limit = match scan::limit(&q) {
        Ok(l) => l,
        Err(r) => return r.into_response(),
    };
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    if offset > 1000 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "offset exceeds 1000; use search_type=scan",
        );
    }
    let ids = matching(&world);
    let total = ids.len();
    let page = page_json(
        &world,
        ids.iter()
            .skip(offset)
            .take(limit)
            .filter_map(|id| world.questions.get(id)),
    );
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
    let (seller, asker) = (q.seller_id, q.from_id);
    if q.status != "UNANSWERED" {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_question",
            "Question is not active (already answered or closed)",
        );
    }
    if world
        .blocked
        .get(&seller)
        .is_some_and(|b| b.contains(&asker))
    {
        return api_error(
            StatusCode::FORBIDDEN,
            "blocked_user",
            "The buyer is blocked by the seller",
        );
    }
    let Some(q) = world.questions.get_mut(&question_id) else {
        return not_found("question");
    };
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

/// `DELETE /questions/{id}` → `["Question deleted."]`.
pub async fn delete(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let now = world.now();
    let Some(q) = id
        .parse::<i64>()
        .ok()
        .and_then(|id| world.questions.get_mut(&id))
    else {
        return not_found("question");
    };
    if q.seller_id != caller {
        return api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "The question does not belong to the caller",
        );
    }
    if q.status == "DELETED" {
        // Recorded too: a client that deletes twice (a retry after a lost response that did not
        // look first) shows in `/_sandbox/writes`.
        let question_id = q.id;
        world.writes.push(Write::QuestionDeleted { question_id });
        return not_found("question");
    }
    q.status = "DELETED".into();
    q.last_updated = now;
    let question_id = q.id;
    world.writes.push(Write::QuestionDeleted { question_id });
    Json(json!(["Question deleted."])).into_response()
}

/// `GET /users/{id}/questions/response_time`: minutes to the first answer over the last 14 days
/// (unanswered ones count until now, capped at a week), overall and by the seller's local time
/// bands (weekdays 09–18, weekdays 18–24, weekend).
pub async fn response_time(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let world = lock(&shared);
    let Ok(user_id) = id.parse::<i64>() else {
        return not_found("user");
    };
    let now = world.now();
    let since = now - chrono::Duration::days(14);
    let cap = chrono::Duration::weeks(1);
    let mut bands: [Vec<i64>; 4] = Default::default();
    let mut seen = std::collections::HashSet::new();
    for q in world
        .questions
        .values()
        .filter(|q| q.seller_id == user_id && q.date_created >= since)
    {
        if !seen.insert((q.from_id, q.item_id.clone())) {
            continue;
        }
        let answered = q.answer.as_ref().map(|a| a.date_created).unwrap_or(now);
        let minutes = (answered - q.date_created).min(cap).num_minutes().max(0);
        let local = q.date_created - chrono::Duration::hours(3);
        use chrono::{Datelike, Timelike};
        let band = match (local.weekday().number_from_monday(), local.hour()) {
            (6..=7, _) => 3,
            (_, 9..=17) => 1,
            (_, 18..=23) => 2,
            _ => 0,
        };
        bands[band].push(minutes);
        bands[0].push(minutes);
    }
    if bands[0].is_empty() {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("Response time not found for user id: {user_id}"),
        );
    }
    let avg = |v: &[i64]| {
        if v.is_empty() {
            0
        } else {
            v.iter().sum::<i64>() / v.len() as i64
        }
    };
    let band = |v: &[i64]| {
        let rt = avg(v);
        json!({"response_time": rt, "sales_percent_increase": if rt > 60 { json!(10) } else { json!(null) }})
    };
    Json(json!({
        "user_id": user_id,
        "total": {"response_time": avg(&bands[0])},
        "weekend": band(&bands[3]),
        "weekdays_working_hours": band(&bands[1]),
        "weekdays_extra_hours": band(&bands[2]),
    }))
    .into_response()
}
