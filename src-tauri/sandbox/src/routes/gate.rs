//! What every request passes through before its handler: the request counter, the per-caller
//! rate limit (429 `too_many_requests` with `Retry-After`), injected latency with jitter, and
//! injected faults: 5xx, a hang that ends in 504, a connection dropped before the body, and on
//! writes "commit, then lose the response". Control endpoints (`/_sandbox/...`) are only counted.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::{Shared, lock};
use crate::api_error::api_error;

enum Fault {
    None,
    Error,
    Timeout(Duration),
    Drop,
}

/// A response whose body fails: the client sees the connection drop mid-response.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by the sandbox"))
    });
    Response::new(Body::from_stream(failing))
}

fn caller_key(req: &Request) -> String {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim_start_matches("Bearer ")
                .trim_start_matches("bearer ")
                .to_owned()
        })
        .unwrap_or_else(|| "anonymous".into())
}

/// The middleware.
pub async fn gate(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let key = format!("{} {}", req.method(), path);
    let write = matches!(*req.method(), Method::POST | Method::PUT | Method::DELETE);
    if path.starts_with("/_sandbox/") {
        lock(&shared).count(key);
        return next.run(req).await;
    }
    let query_has_ids = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("ids=")));
    let caller = caller_key(&req);
    let (limited, delay, fault, lose_write) = {
        let mut w = lock(&shared);
        w.count(key);
        let f = w.faults.clone();
        let limited = if f.rate_limit > 0 {
            let second = chrono::Utc::now().timestamp();
            let window = w.rate_windows.entry(caller).or_insert((second, 0));
            if window.0 != second {
                *window = (second, 0);
            }
            window.1 += 1;
            window.1 > f.rate_limit
        } else {
            false
        };
        let jitter = if f.jitter_ms > 0 {
            w.rng.below(f.jitter_ms as usize + 1) as u64
        } else {
            0
        };
        let roll = w.rng.unit();
        let fault = if roll < f.error_rate {
            Fault::Error
        } else if roll < f.error_rate + f.timeout_rate {
            Fault::Timeout(Duration::from_millis(f.timeout_ms))
        } else if roll < f.error_rate + f.timeout_rate + f.drop_rate {
            Fault::Drop
        } else {
            Fault::None
        };
        let lose_write = write && w.rng.unit() < f.lose_write_rate;
        (
            limited,
            Duration::from_millis(f.latency_ms + jitter),
            fault,
            lose_write,
        )
    };
    if limited {
        let mut r = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too Many Requests",
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match fault {
        Fault::Error => {
            return api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_not_available",
                "Service not available",
            );
        }
        Fault::Timeout(hang) => {
            tokio::time::sleep(hang).await;
            return api_error(
                StatusCode::GATEWAY_TIMEOUT,
                "gateway_timeout",
                "Gateway Timeout",
            );
        }
        Fault::Drop => return dropped(),
        Fault::None => {}
    }
    let response = next.run(req).await;
    let lose_next = write && response.status().is_success() && {
        let mut w = lock(&shared);
        let due = w.faults.lose_write_responses > 0;
        if due {
            w.faults.lose_write_responses -= 1;
        }
        due
    };
    if (lose_write || lose_next) && response.status().is_success() {
        // The write is committed; only its response is lost.
        return dropped();
    }
    let multiget = !write && (path == "/items" || path == "/users") && query_has_ids;
    if multiget && response.status().is_success() {
        let due = {
            let mut w = lock(&shared);
            let due = w.faults.corrupt_lookup_envelopes > 0;
            if due {
                w.faults.corrupt_lookup_envelopes -= 1;
            }
            due
        };
        if due {
            return corrupt_first_envelope(response).await;
        }
    }
    if !write && response.status().is_success() {
        let corrupt = {
            let mut w = lock(&shared);
            let due = w.faults.corrupt_entries > 0;
            if due {
                w.faults.corrupt_entries -= 1;
            }
            due
        };
        if corrupt {
            return corrupt_first_entry(response).await;
        }
    }
    response
}

/// Breaks the types of the first entry of a list response (or the body of a multiget's first
/// entry), leaving the rest of the page intact.
/// Replaces the first entry of a multiget's list with an envelope that is not `{code, body}`.
async fn corrupt_first_envelope(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return dropped();
    };
    let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Some(first) = json.as_array_mut().and_then(|l| l.first_mut()) {
        *first = serde_json::json!({"code": "ok", "body": 42});
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(
        parts,
        Body::from(serde_json::to_vec(&json).unwrap_or_default()),
    )
}

async fn corrupt_first_entry(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return dropped();
    };
    let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let list = if json.is_array() {
        json.as_array_mut()
    } else {
        ["questions", "results", "data", "messages"]
            .iter()
            .find(|k| json.get(**k).is_some_and(serde_json::Value::is_array))
            .copied()
            .and_then(|k| json.get_mut(k))
            .and_then(serde_json::Value::as_array_mut)
    };
    if let Some(first) = list.and_then(|l| l.first_mut()) {
        let target = if first.get("body").is_some_and(serde_json::Value::is_object) {
            first.get_mut("body")
        } else {
            Some(first)
        };
        if let Some(obj) = target.and_then(serde_json::Value::as_object_mut) {
            for key in ["status", "title", "date_created", "item_id"] {
                if obj.contains_key(key) {
                    obj.insert(key.into(), serde_json::json!(404));
                }
            }
        }
    }
    let body = serde_json::to_vec(&json).unwrap_or_default();
    let mut parts = parts;
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
