//! Questions: search, fetch one, answer.

use reqwest::Method;

use super::{Session, dto};
use crate::error::Result;
use crate::store::questions::Question;

/// Page size for `/questions/search` (the documented default and the safe maximum without scan).
const PAGE: usize = 50;

/// Questions of a search, and how many entries were skipped as malformed.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Converted questions.
    pub questions: Vec<Question>,
    /// Entries that could not be understood (logged, skipped).
    pub skipped: usize,
}

/// All UNANSWERED questions of the session's seller, newest first. Idle cost: one request
/// while the seller has at most 50 unanswered questions.
pub async fn unanswered(session: &Session) -> Result<Fetched> {
    let seller = session.account_id().to_string();
    let mut out = Fetched::default();
    let mut offset = 0usize;
    loop {
        let page: dto::QuestionPage = session
            .call("questions search", |api| {
                Ok(api.request(Method::GET, "/questions/search")?.query(&[
                    ("seller_id", seller.as_str()),
                    ("status", "UNANSWERED"),
                    ("api_version", "4"),
                    ("sort_fields", "date_created"),
                    ("sort_types", "DESC"),
                    ("limit", &PAGE.to_string()),
                    ("offset", &offset.to_string()),
                ]))
            })
            .await?;
        let count = page.questions.len();
        for raw in page.questions {
            match dto::question(session.account_id(), raw) {
                Ok(q) => out.questions.push(q),
                Err(e) => {
                    out.skipped += 1;
                    tracing::warn!(error = %e, "skipping malformed question");
                }
            }
        }
        offset += count;
        // Offset paging stops at 1,000 results on this endpoint; an inbox that large is
        // drained by answering, and the history sync uses scan.
        if count == 0 || offset as i64 >= page.total || offset >= 1000 {
            return Ok(out);
        }
    }
}

/// One question by id.
pub async fn get(session: &Session, id: i64) -> Result<Question> {
    let raw: serde_json::Value = session
        .call("question", |api| {
            Ok(api
                .request(Method::GET, &format!("/questions/{id}"))?
                .query(&[("api_version", "4")]))
        })
        .await?;
    dto::question(session.account_id(), raw)
}

/// Posts an answer. Returns the question as Mercado Libre now has it, when its reply can be
/// understood (the answer was accepted either way).
pub async fn answer(session: &Session, question_id: i64, text: &str) -> Result<Option<Question>> {
    let body = serde_json::json!({ "question_id": question_id, "text": text });
    let raw: serde_json::Value = session
        .call("answer", |api| {
            Ok(api.request(Method::POST, "/answers")?.json(&body))
        })
        .await?;
    match dto::question(session.account_id(), raw) {
        Ok(q) => Ok(Some(q)),
        Err(e) => {
            tracing::warn!(error = %e, question_id, "answer accepted but its echo was not understood");
            Ok(None)
        }
    }
}

/// One page of a scan over all of the seller's questions (every status).
#[derive(Debug, Default)]
pub struct ScanPage {
    /// Converted questions.
    pub questions: Vec<Question>,
    /// Entries on the page.
    pub entries: usize,
    /// Malformed entries skipped.
    pub skipped: usize,
    /// Where to continue; `None` after the last page.
    pub scroll_id: Option<String>,
    /// All of the seller's questions.
    pub total: i64,
}

/// Page size of a question scan (the endpoint's maximum with scan).
pub const SCAN_PAGE: usize = 100;

/// The next page of a scan over all of the seller's questions (`None` opens a new scan).
pub async fn scan(session: &Session, scroll_id: Option<&str>) -> Result<ScanPage> {
    let seller = session.account_id().to_string();
    let page: dto::QuestionScanPage = session
        .call("questions scan", |api| {
            let mut req = api.request(Method::GET, "/questions/search")?.query(&[
                ("seller_id", seller.as_str()),
                ("api_version", "4"),
                ("search_type", "scan"),
                ("limit", &SCAN_PAGE.to_string()),
            ]);
            if let Some(s) = scroll_id {
                req = req.query(&[("scroll_id", s)]);
            }
            Ok(req)
        })
        .await?;
    let mut out = ScanPage {
        entries: page.questions.len(),
        total: page.total,
        scroll_id: page.scroll_id.filter(|_| !page.questions.is_empty()),
        ..ScanPage::default()
    };
    for raw in page.questions {
        match dto::question(session.account_id(), raw) {
            Ok(q) => out.questions.push(q),
            Err(e) => {
                out.skipped += 1;
                tracing::warn!(error = %e, "skipping malformed question");
            }
        }
    }
    Ok(out)
}

/// Deletes a question (spam, insults).
pub async fn delete(session: &Session, question_id: i64) -> Result<()> {
    let path = format!("/questions/{question_id}");
    let _: serde_json::Value = session
        .call("question delete", |api| api.request(Method::DELETE, &path))
        .await?;
    Ok(())
}

/// Blocks a buyer from asking the seller questions.
pub async fn block_buyer(session: &Session, buyer_id: i64) -> Result<()> {
    let path = format!("/users/{}/questions_blacklist", session.account_id());
    let body = serde_json::json!({ "user_id": buyer_id });
    let _: serde_json::Value = session
        .call("block buyer", |api| {
            Ok(api.request(Method::POST, &path)?.json(&body))
        })
        .await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct BlocklistDto {
    #[serde(default)]
    users: Vec<BlockedDto>,
}

#[derive(serde::Deserialize)]
struct BlockedDto {
    id: Option<i64>,
    user_id: Option<i64>,
}

/// Whether the buyer is on the seller's question blocklist.
pub async fn is_blocked(session: &Session, buyer_id: i64) -> Result<bool> {
    let path = format!("/users/{}/questions_blacklist", session.account_id());
    let list: BlocklistDto = session
        .call("blocklist", |api| {
            Ok(api.request(Method::GET, &path)?.query(&[("limit", "1000")]))
        })
        .await?;
    Ok(list
        .users
        .iter()
        .any(|u| u.id.or(u.user_id) == Some(buyer_id)))
}
