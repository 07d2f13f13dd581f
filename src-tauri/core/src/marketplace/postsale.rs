//! After the sale: shipments with their dispatch SLA, claims, and post-sale messages.
//!
//! Threads are always read with `mark_as_read=false`: syncing must never mark a buyer's message
//! as read on Mercado Libre.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Deserialize;

use super::{Session, dto};
use crate::error::{Error, Result};
use crate::store::claims::Claim;
use crate::store::messages::Message;
use crate::store::shipments::Shipment;

/// Page size of a claims search (the endpoint's maximum).
pub const CLAIMS_PAGE: usize = 100;

/// Page size of a thread read.
const THREAD_PAGE: usize = 100;
/// The most pages read of one thread (a server that never says "no more" cannot keep the sync
/// reading forever).
const MAX_THREAD_PAGES: usize = 100;

fn malformed(resource: &str, e: impl ToString) -> Error {
    Error::Malformed {
        resource: resource.to_owned(),
        detail: e.to_string(),
    }
}

fn time(resource: &str, t: Option<String>) -> Result<Option<DateTime<Utc>>> {
    t.map(|t| dto::parse_time(resource, &t)).transpose()
}

#[derive(Debug, Deserialize)]
struct ShipmentDto {
    id: i64,
    order_id: Option<i64>,
    status: String,
    substatus: Option<String>,
    date_created: Option<String>,
    last_updated: Option<String>,
    tracking_number: Option<String>,
    tracking_method: Option<String>,
    lead_time: Option<LeadTimeDto>,
}

#[derive(Debug, Deserialize)]
struct LeadTimeDto {
    estimated_delivery_time: Option<EstimatedDto>,
}

#[derive(Debug, Deserialize)]
struct EstimatedDto {
    date: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SlaDto {
    status: Option<String>,
    expected_date: Option<String>,
}

/// Shipment statuses before dispatch, when the SLA matters.
const PENDING_DISPATCH: &[&str] = &["pending", "handling", "ready_to_ship"];

/// A shipment, with its SLA while it is not dispatched yet (one or two requests).
pub async fn shipment(session: &Session, id: i64) -> Result<Shipment> {
    let resource = format!("shipment {id}");
    let raw: serde_json::Value = session
        .call("shipment", |api| {
            Ok(api
                .request(Method::GET, &format!("/shipments/{id}"))?
                .header("x-format-new", "true"))
        })
        .await?;
    let d: ShipmentDto = serde_json::from_value(raw).map_err(|e| malformed(&resource, e))?;
    let sla: Option<SlaDto> = if !PENDING_DISPATCH.contains(&d.status.as_str()) {
        None
    } else {
        match session
            .call::<serde_json::Value, _>("shipment sla", |api| {
                api.request(Method::GET, &format!("/shipments/{id}/sla"))
            })
            .await
        {
            Ok(raw) => serde_json::from_value::<SlaDto>(raw)
                .map_err(|e| tracing::warn!(shipment_id = id, error = %e, "malformed SLA; skipped"))
                .ok(),
            Err(Error::Api { status: 404, .. }) => None,
            Err(e) => return Err(e),
        }
    };
    let sla_status = sla.as_ref().and_then(|s| s.status.clone());
    // On its way, the SLA says nothing more: Mercado Libre's delays say whether it is late.
    let on_its_way_late = if d.status == "shipped" {
        match session
            .call::<serde_json::Value, _>("shipment delays", |api| {
                api.request(Method::GET, &format!("/shipments/{id}/delays"))
            })
            .await
        {
            Ok(raw) => raw["delays"].as_array().is_some_and(|d| !d.is_empty()),
            // "Delays Not Found for shipment": none.
            Err(Error::Api { status: 404, .. }) => false,
            Err(e) => return Err(e),
        }
    } else {
        false
    };
    Ok(Shipment {
        id: d.id,
        account_id: session.account_id(),
        order_id: d.order_id,
        status: d.status,
        substatus: d.substatus,
        date_created: time(&resource, d.date_created)?,
        last_updated: time(&resource, d.last_updated)?,
        delayed: sla_status.as_deref() == Some("delayed") || on_its_way_late,
        sla_status,
        sla_expected_date: time(&resource, sla.and_then(|s| s.expected_date))?,
        tracking_number: d.tracking_number,
        carrier: d.tracking_method,
        estimated_delivery: time(
            &resource,
            d.lead_time
                .and_then(|l| l.estimated_delivery_time)
                .and_then(|e| e.date),
        )?,
    })
}

#[derive(Debug, Deserialize)]
struct ClaimSearchDto {
    #[serde(default)]
    data: Vec<serde_json::Value>,
    paging: ClaimPagingDto,
}

#[derive(Debug, Deserialize)]
struct ClaimPagingDto {
    total: i64,
}

#[derive(Debug, Deserialize)]
struct ClaimDto {
    id: i64,
    resource_id: Option<i64>,
    status: String,
    stage: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    reason_id: Option<String>,
    date_created: String,
    last_updated: Option<String>,
}

/// One page of claims against the seller, most recently updated first.
#[derive(Debug, Default)]
pub struct ClaimPage {
    /// Converted claims.
    pub claims: Vec<Claim>,
    /// Entries on the page.
    pub entries: usize,
    /// Malformed entries skipped.
    pub skipped: usize,
    /// All matching claims.
    pub total: i64,
}

/// Claims where the seller is the respondent, most recently updated first.
pub async fn claims(session: &Session, offset: usize) -> Result<ClaimPage> {
    let seller = session.account_id().to_string();
    let page: ClaimSearchDto = session
        .call("claims search", |api| {
            Ok(api
                .request(Method::GET, "/post-purchase/v1/claims/search")?
                .query(&[
                    ("player_role", "respondent"),
                    ("player_user_id", seller.as_str()),
                    ("sort", "last_updated:desc"),
                    ("limit", &CLAIMS_PAGE.to_string()),
                    ("offset", &offset.to_string()),
                ]))
        })
        .await?;
    let mut out = ClaimPage {
        entries: page.data.len(),
        total: page.paging.total,
        ..ClaimPage::default()
    };
    for raw in page.data {
        let hint = raw.get("id").map(|v| v.to_string()).unwrap_or_default();
        let resource = format!("claim {hint}");
        let converted = serde_json::from_value::<ClaimDto>(raw)
            .map_err(|e| malformed(&resource, e))
            .and_then(|d| {
                Ok(Claim {
                    id: d.id,
                    account_id: session.account_id(),
                    resource_id: d.resource_id,
                    status: d.status,
                    stage: d.stage,
                    kind: d.kind,
                    reason_id: d.reason_id,
                    date_created: dto::parse_time(&resource, &d.date_created)?,
                    last_updated: time(&resource, d.last_updated)?,
                })
            });
        match converted {
            Ok(c) => out.claims.push(c),
            Err(e) => {
                out.skipped += 1;
                tracing::warn!(error = %e, "skipping malformed claim");
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct UnreadDto {
    #[serde(default)]
    results: Vec<UnreadEntryDto>,
}

#[derive(Debug, Deserialize)]
struct UnreadEntryDto {
    resource: String,
    count: i64,
}

/// Packs with messages the seller has not read: `(pack id, unread count)`.
pub async fn unread(session: &Session) -> Result<Vec<(i64, i64)>> {
    let raw: UnreadDto = session
        .call("messages unread", |api| {
            Ok(api
                .request(Method::GET, "/messages/unread")?
                .query(&[("role", "seller"), ("tag", "post_sale")]))
        })
        .await?;
    Ok(raw
        .results
        .into_iter()
        .filter_map(|e| {
            // "/packs/{pack}/sellers/{seller}"
            let pack = e.resource.split('/').nth(2)?.parse().ok();
            if pack.is_none() {
                tracing::warn!(
                    resource = e.resource,
                    "unread entry not understood; skipped"
                );
            }
            Some((pack?, e.count))
        })
        .collect())
}

#[derive(Debug, Deserialize)]
struct ThreadDto {
    #[serde(default)]
    messages: Vec<serde_json::Value>,
    paging: Option<ThreadPagingDto>,
    conversation_status: Option<ConversationStatusDto>,
}

#[derive(Debug, Deserialize)]
struct ConversationStatusDto {
    status: Option<String>,
    substatus: Option<String>,
    path: Option<String>,
}

/// Whether the seller may write in a conversation, as its thread says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationStatus {
    /// `active` or `blocked` (verbatim).
    pub status: String,
    /// Why, when blocked (verbatim: `blocked_by_time`, `blocked_by_buyer`, …).
    pub substatus: Option<String>,
    /// The conversation's own path when Mercado Libre's AI agent intermediates it
    /// (`/packs/{pack}/sellers/{seller}/conversations/{type}`): where the seller writes.
    pub agent_path: Option<String>,
}

/// The conversation's own path when `path` is an intermediated one.
fn agent_path(path: Option<String>) -> Option<String> {
    path.filter(|p| p.starts_with("/packs/") && p.contains("/conversations/"))
}

/// A thread as read: its messages, how many were malformed and skipped, and its status.
#[derive(Debug, Clone)]
pub struct Thread {
    /// Every message, oldest first as sent.
    pub messages: Vec<Message>,
    /// Malformed messages skipped.
    pub skipped: usize,
    /// The conversation's status, when the thread carried one.
    pub status: Option<ConversationStatus>,
    /// The names of the files each message carries (messages with none are left out).
    pub attachments: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Deserialize)]
struct ThreadPagingDto {
    total: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct MessageDto {
    id: String,
    #[serde(default)]
    message_attachments: Option<Vec<AttachmentDto>>,
    from: UserRefDto,
    to: Option<UserRefDto>,
    #[serde(default)]
    text: String,
    status: Option<String>,
    message_date: MessageDateDto,
}

#[derive(Debug, Deserialize)]
struct AttachmentDto {
    original_filename: Option<String>,
    filename: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UserRefDto {
    user_id: i64,
}

#[derive(Debug, Deserialize)]
struct MessageDateDto {
    created: Option<String>,
    received: Option<String>,
    read: Option<String>,
}

/// Every message of a pack's post-sale thread, without marking anything as read.
pub async fn thread(session: &Session, pack_id: i64) -> Result<(Vec<Message>, usize)> {
    thread_with_status(session, pack_id)
        .await
        .map(|t| (t.messages, t.skipped))
}

/// [`thread`], with the conversation's status.
pub async fn thread_with_status(session: &Session, pack_id: i64) -> Result<Thread> {
    let path = format!("/messages/packs/{pack_id}/sellers/{}", session.account_id());
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut offset = 0usize;
    let mut pages = 0usize;
    let mut status = None;
    let mut attachments = Vec::new();
    loop {
        let page: ThreadDto = session
            .call("messages thread", |api| {
                Ok(api.request(Method::GET, &path)?.query(&[
                    ("tag", "post_sale"),
                    ("mark_as_read", "false"),
                    ("limit", &THREAD_PAGE.to_string()),
                    ("offset", &offset.to_string()),
                ]))
            })
            .await?;
        let count = page.messages.len();
        if status.is_none()
            && let Some(s) = page.conversation_status
            && let Some(value) = s.status
        {
            status = Some(ConversationStatus {
                status: value,
                substatus: s.substatus,
                agent_path: agent_path(s.path),
            });
        }
        for raw in page.messages {
            let hint = raw.get("id").map(|v| v.to_string()).unwrap_or_default();
            let resource = format!("message {hint}");
            let converted = serde_json::from_value::<MessageDto>(raw)
                .map_err(|e| malformed(&resource, e))
                .and_then(|d| {
                    let names: Vec<String> = d
                        .message_attachments
                        .iter()
                        .flatten()
                        .filter_map(|a| a.original_filename.clone().or(a.filename.clone()))
                        .collect();
                    if !names.is_empty() {
                        attachments.push((d.id.clone(), names));
                    }
                    let created = d
                        .message_date
                        .created
                        .or(d.message_date.received)
                        .ok_or_else(|| malformed(&resource, "no message_date.created"))?;
                    Ok(Message {
                        id: d.id,
                        account_id: session.account_id(),
                        pack_id,
                        from_id: d.from.user_id,
                        to_id: d.to.map(|t| t.user_id),
                        text: d.text,
                        status: d.status,
                        date_created: dto::parse_time(&resource, &created)?,
                        read_at: time(&resource, d.message_date.read)?,
                    })
                });
            match converted {
                Ok(m) => out.push(m),
                Err(e) => {
                    skipped += 1;
                    tracing::warn!(pack_id, error = %e, "skipping malformed message");
                }
            }
        }
        offset += count;
        pages += 1;
        // Without a total, a full page says there may be more.
        let more = match page.paging.and_then(|p| p.total) {
            Some(total) => (offset as i64) < total,
            None => count >= THREAD_PAGE,
        };
        if count == 0 || !more {
            break;
        }
        if pages >= MAX_THREAD_PAGES {
            tracing::warn!(
                pack_id,
                pages,
                "thread longer than the page cap; read what came"
            );
            break;
        }
    }
    Ok(Thread {
        messages: out,
        skipped,
        status,
        attachments,
    })
}

/// Sends a post-sale message to the pack's buyer. Returns the id Mercado Libre gave it, when
/// the reply names one (a 2xx reply without it still means the message landed).
///
/// `via`: the conversation's own path when Mercado Libre's AI agent intermediates it (`to` is
/// then the agent). A conversation that became intermediated since the app last read it is
/// refused on the usual path (`conversation_intermediated`): its thread is read for the path
/// and the agent (the sender of its buyer-side messages), and the message goes there.
pub async fn send_message(
    session: &Session,
    pack_id: i64,
    to: i64,
    text: &str,
    via: Option<&str>,
    attachments: &[String],
) -> Result<Option<String>> {
    let seller = session.account_id();
    let post = |path: String, to: i64| async move {
        let mut body = serde_json::json!({
            "from": { "user_id": seller },
            "to": { "user_id": to },
            "text": text,
        });
        if !attachments.is_empty() {
            body["attachments"] = serde_json::json!(attachments);
        }
        // A 2xx reply that is not JSON fails as malformed: the outbox then retries, and finds
        // the message in the conversation before sending anything again.
        let reply: serde_json::Value = session
            .call("message send", |api| {
                Ok(api
                    .request(Method::POST, &path)?
                    .query(&[("tag", "post_sale")])
                    .json(&body))
            })
            .await?;
        Ok::<_, Error>(match reply.get("id") {
            Some(serde_json::Value::String(id)) => Some(id.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    if let Some(path) = via {
        return post(format!("/messages{path}"), to).await;
    }
    match post(format!("/messages/packs/{pack_id}/sellers/{seller}"), to).await {
        Err(Error::Api {
            status: 403, code, ..
        }) if code == INTERMEDIATED => {
            let thread = thread_with_status(session, pack_id).await?;
            let path = thread.status.and_then(|s| s.agent_path).ok_or_else(|| {
                malformed(
                    &format!("conversation {pack_id}"),
                    "intermediated, but its thread names no conversation path",
                )
            })?;
            let agent = thread
                .messages
                .iter()
                .rev()
                .map(|m| m.from_id)
                .find(|from| *from != seller)
                .ok_or_else(|| {
                    malformed(
                        &format!("conversation {pack_id}"),
                        "intermediated, but no message names the agent",
                    )
                })?;
            tracing::info!(
                pack_id,
                "conversation intermediated by Mercado Libre's agent"
            );
            post(format!("/messages{path}"), agent).await
        }
        other => other,
    }
}

/// Uploads a file for a post-sale message (`POST /messages/attachments`, multipart, at most
/// 25 MB; used within 48 h); the id to send with the message.
pub async fn upload_attachment(
    session: &Session,
    site_id: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<String> {
    let media = crate::attachments::media_type(name)?;
    let reply: serde_json::Value = session
        .call("attachment upload", |api| {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(name.to_owned())
                .mime_str(media)
                .map_err(|e| Error::internal("attachment type", Some(Box::new(e))))?;
            Ok(api
                .request(Method::POST, "/messages/attachments")?
                .query(&[("tag", "post_sale"), ("site_id", site_id)])
                .multipart(reqwest::multipart::Form::new().part("file", part)))
        })
        .await?;
    match reply.get("id") {
        Some(serde_json::Value::String(id)) => Ok(id.clone()),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        _ => Err(malformed("attachment upload", "no id in the reply")),
    }
}

/// The refusal of the usual path for a conversation Mercado Libre's agent intermediates.
pub const INTERMEDIATED: &str = "conversation_intermediated";

/// The refusal of a second message to the agent before it answered the first.
pub const ONE_AT_A_TIME: &str = "one_message_at_a_time";

/// Mercado Libre's AI agent of a site: the recipient of the seller's messages in the
/// conversations it intermediates (ML_API.md §4).
pub fn agent_id(site_id: &str) -> i64 {
    match site_id {
        "MLC" => 3_020_819_166,
        "MCO" => 3_037_204_123,
        "MLM" => 3_037_204_279,
        "MLA" => 3_037_674_934,
        "MLB" => 3_037_675_074,
        _ => 3_037_204_685,
    }
}

#[derive(Debug, Deserialize)]
struct GuideDto {
    #[serde(default)]
    options: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct GuideOptionDto {
    id: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    templates: Vec<GuideTemplateDto>,
    char_limit: Option<i64>,
    cap_available: Option<i64>,
    enabled: Option<bool>,
    actionable: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct GuideTemplateDto {
    id: String,
}

/// One way the action guide offers to write to a buyer first, as Mercado Libre returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideOption {
    /// `REQUEST_VARIANTS`, `REQUEST_BILLING_INFO`, `SEND_INVOICE_LINK`, `DELIVERY_PROMISE`,
    /// `OTHER`… (verbatim: an option the app does not know is offered under its id).
    pub id: String,
    /// Whether the seller writes the text (`free_text`) or Mercado Libre's template is sent.
    pub free_text: bool,
    /// The template sent for a template option.
    pub template_id: Option<String>,
    /// The longest text accepted.
    pub char_limit: Option<i64>,
    /// Messages of this option still allowed for the order.
    pub cap_available: i64,
    /// Whether it may be used now.
    pub enabled: bool,
}

/// The action guide of a pack (or an order without one): how the seller may start the
/// conversation. Malformed options are logged and skipped.
pub async fn action_guide(session: &Session, pack_id: i64) -> Result<Vec<GuideOption>> {
    let path = format!("/messages/action_guide/packs/{pack_id}");
    let raw: GuideDto = session
        .call("action guide", |api| {
            Ok(api
                .request(Method::GET, &path)?
                .query(&[("tag", "post_sale")]))
        })
        .await?;
    Ok(raw
        .options
        .into_iter()
        .filter_map(|v| match serde_json::from_value::<GuideOptionDto>(v) {
            Ok(o) => {
                let cap = o.cap_available.unwrap_or(0).max(0);
                Some(GuideOption {
                    free_text: o.kind.as_deref() == Some("free_text"),
                    template_id: o.templates.into_iter().next().map(|t| t.id),
                    char_limit: o.char_limit,
                    cap_available: cap,
                    enabled: o.enabled.unwrap_or(false) && o.actionable.unwrap_or(true) && cap > 0,
                    id: o.id,
                })
            }
            Err(e) => {
                tracing::warn!(pack_id, error = %e, "skipping malformed action guide option");
                None
            }
        })
        .collect())
}

/// Sends a first message through the action guide: the option's template, or the seller's
/// text for a free-text option. Returns the message id when the reply names one.
pub async fn send_guide_option(
    session: &Session,
    pack_id: i64,
    option_id: &str,
    template_id: Option<&str>,
    text: &str,
) -> Result<Option<String>> {
    let path = format!("/messages/action_guide/packs/{pack_id}/option");
    let body = match template_id {
        Some(template) => serde_json::json!({ "option_id": option_id, "template_id": template }),
        None => serde_json::json!({ "option_id": option_id, "text": text }),
    };
    let reply: serde_json::Value = session
        .call("action guide send", |api| {
            Ok(api
                .request(Method::POST, &path)?
                .query(&[("tag", "post_sale")])
                .json(&body))
        })
        .await?;
    Ok(match reply.get("id") {
        Some(serde_json::Value::String(id)) => Some(id.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// The failure code of a first message whose option's cap is used up for the order.
pub const GUIDE_CAP_USED: &str = "guide_cap_used";
/// … whose option Mercado Libre no longer allows (OTHER after delivery, an excepted case).
pub const GUIDE_OPTION_CLOSED: &str = "guide_option_closed";
/// … whose option does not exist for the order.
pub const GUIDE_OPTION_UNKNOWN: &str = "guide_option_unknown";
/// … whose text is longer than the option allows.
pub const GUIDE_TOO_LONG: &str = "guide_text_too_long";

/// Gives the action guide's refusals their stable codes (the API's are generic, such as
/// `forbidden`), so the conversation can say why; a 409 (another write holds the pack) is
/// retried like a 5xx.
pub fn guide_refusal(err: Error) -> Error {
    match err {
        Error::Api {
            status,
            code,
            message,
        } => {
            // A 409 (the pack locked by another write) stays as it is: it is transient.
            let code = match (status, code.as_str()) {
                (403, c) if !c.starts_with("blocked") => GUIDE_CAP_USED.to_owned(),
                (400, "limit_exceeded") => GUIDE_TOO_LONG.to_owned(),
                (400, c) if c.starts_with("blocked_by_excepted") => GUIDE_OPTION_CLOSED.to_owned(),
                (404, _) => GUIDE_OPTION_UNKNOWN.to_owned(),
                _ => code,
            };
            Error::Api {
                status,
                code,
                message,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod guide_tests {
    use super::*;

    fn api(status: u16, code: &str) -> Error {
        Error::Api {
            status,
            code: code.into(),
            message: "m".into(),
        }
    }

    fn code(e: Error) -> String {
        match e {
            Error::Api { code, .. } => code,
            other => other.to_string(),
        }
    }

    #[test]
    fn the_guides_refusals_get_codes_the_conversation_can_name() {
        assert_eq!(code(guide_refusal(api(403, "forbidden"))), GUIDE_CAP_USED);
        assert_eq!(
            code(guide_refusal(api(400, "limit_exceeded"))),
            GUIDE_TOO_LONG
        );
        assert_eq!(
            code(guide_refusal(api(400, "blocked_by_excepted_case"))),
            GUIDE_OPTION_CLOSED
        );
        assert_eq!(
            code(guide_refusal(api(404, "not_found"))),
            GUIDE_OPTION_UNKNOWN
        );
        // A blocked conversation keeps its own code (the composer names the block).
        assert_eq!(
            code(guide_refusal(api(
                403,
                "blocked_conversation_send_message_forbidden"
            ))),
            "blocked_conversation_send_message_forbidden"
        );
        // Another write holds the pack: retried, not failed.
        assert!(guide_refusal(api(409, "conflict")).is_transient());
    }
}
