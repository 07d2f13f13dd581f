//! The inbox read model: questions across accounts joined with their listing, buyer and any
//! answer still in the outbox, in the shape the UI shows. Read-only; writes go through
//! `crate::outbox`.

use rusqlite::{Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub mod context;
pub mod conversations;
pub mod groups;
pub mod orders;
pub mod search;
pub mod waiting;

use crate::error::{Error, Result};
use crate::store::outbox::{FAILED, IN_FLIGHT, PENDING};
use crate::store::questions::{ANSWERED, UNANSWERED};

/// Which questions to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "StatusFilter.ts")]
pub enum StatusFilter {
    /// Waiting for the seller (oldest first).
    #[default]
    Unanswered,
    /// Already answered (newest answer first).
    Answered,
    /// Everything (newest first).
    All,
}

impl StatusFilter {
    /// The SQL condition on the status `column` (a constant; nothing from the user).
    fn condition(self, column: &str) -> String {
        match self {
            Self::Unanswered => format!("{column} = '{UNANSWERED}'"),
            Self::Answered => format!("{column} = '{ANSWERED}'"),
            Self::All => format!("{column} != 'DELETED'"),
        }
    }
}

/// A page request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "InboxQuery.ts")]
pub struct InboxQuery {
    /// Status filter.
    pub status: StatusFilter,
    /// Page size (1–500; default 100).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
    /// Words to find in the question, the answer, the listing title or the buyer's nickname
    /// (accents ignored, each word a prefix). Results come most relevant first.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// Only this account.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub account_id: Option<i64>,
    /// Only this listing.
    #[serde(default)]
    #[ts(optional)]
    pub item_id: Option<String>,
    /// Only this buyer's questions.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub buyer_id: Option<i64>,
    /// Only this question (to open one from a notification, wherever it sits in the list).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub question_id: Option<i64>,
    /// Asked at or after this instant (RFC 3339).
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    /// Asked before this instant (RFC 3339).
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
}

/// Where a search matched: the fields with the matched words between
/// [`search::MARK_START`] and [`search::MARK_END`] (the UI turns them into highlights, as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Highlight.ts")]
pub struct Highlight {
    /// The question.
    pub text: String,
    /// The answer ("" when none).
    pub answer: String,
    /// The listing title.
    pub title: String,
    /// The buyer's nickname.
    pub buyer: String,
}

/// The state of an answer that has not been confirmed by Mercado Libre yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "DeliveryState.ts")]
pub enum DeliveryState {
    /// Queued or on the wire.
    Sending,
    /// Refused; the text is kept so the seller can edit and retry.
    Failed,
}

/// Why an answer in the outbox failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "DeliveryError.ts")]
pub enum DeliveryError {
    /// The question was answered on Mercado Libre meanwhile (its answer is shown instead).
    AlreadyAnswered,
    /// The question can no longer be answered (closed, deleted, under review).
    NotAnswerable,
    /// Mercado Libre refused it (its code in `marketplace_code`).
    Marketplace,
    /// The app could not send it (an unreadable outbox row, a local refusal).
    Internal,
}

impl DeliveryError {
    /// The stored failure code read back: ours by name, anything else Mercado Libre's.
    fn from_stored(code: &str) -> (Self, Option<String>) {
        match code {
            crate::outbox::ALREADY_ANSWERED => (Self::AlreadyAnswered, None),
            crate::outbox::NOT_ANSWERABLE => (Self::NotAnswerable, None),
            crate::outbox::INTERNAL => (Self::Internal, None),
            other => (Self::Marketplace, Some(other.to_owned())),
        }
    }
}

/// An answer in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Delivery.ts")]
pub struct Delivery {
    /// Sending or failed.
    pub state: DeliveryState,
    /// The answer text as written by the seller.
    pub text: String,
    /// Why it failed, when it did.
    pub error_code: Option<DeliveryError>,
    /// Mercado Libre's own code, when it refused the answer (`invalid_question`, …).
    pub marketplace_code: Option<String>,
    /// Error message when failed (or the last transient error while sending).
    pub error_message: Option<String>,
}

/// One inbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "InboxQuestion.ts")]
pub struct InboxQuestion {
    /// Question id.
    #[ts(type = "number")]
    pub id: i64,
    /// Account that received it.
    #[ts(type = "number")]
    pub account_id: i64,
    /// That account's nickname.
    pub account_nickname: String,
    /// Site of the account (for money and date formats).
    pub site_id: String,
    /// Listing id.
    pub item_id: String,
    /// Listing title, once the listing is synced.
    pub item_title: Option<String>,
    /// Listing price as a decimal string.
    pub item_price: Option<String>,
    /// Listing currency.
    pub item_currency: Option<String>,
    /// Stock available.
    #[ts(type = "number | null")]
    pub item_stock: Option<i64>,
    /// Link to the listing.
    pub item_permalink: Option<String>,
    /// Buyer id.
    #[ts(type = "number")]
    pub buyer_id: i64,
    /// Buyer nickname, once known.
    pub buyer_nickname: Option<String>,
    /// The question (untrusted text: render as text only).
    pub text: String,
    /// API status verbatim.
    pub status: crate::store::questions::QuestionStatus,
    /// When it was asked (RFC 3339, UTC).
    pub date_created: String,
    /// The answer Mercado Libre holds.
    pub answer_text: Option<String>,
    /// When it was answered (RFC 3339, UTC).
    pub answer_date: Option<String>,
    /// An answer still in the outbox.
    pub delivery: Option<Delivery>,
    /// The member who wrote the answer here (none when answered elsewhere).
    pub answered_by: Option<String>,
    /// Matched words, when the page is a search.
    pub highlight: Option<Highlight>,
}

/// A page of the inbox plus the counters the UI always shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "InboxPage.ts")]
pub struct InboxPage {
    /// The rows.
    pub items: Vec<InboxQuestion>,
    /// Whether `total` stopped counting at the search cap (show it as "1,000+").
    pub total_capped: bool,
    /// Rows matching the filter.
    #[ts(type = "number")]
    pub total: i64,
    /// Unanswered questions across all accounts.
    #[ts(type = "number")]
    pub unanswered: i64,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<InboxQuestion> {
    let state: Option<String> = r.get("o_state")?;
    let delivery = match state.as_deref() {
        Some(s) => {
            let payload: String = r.get("o_payload")?;
            let text = serde_json::from_str::<serde_json::Value>(&payload)
                .ok()
                .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
                .unwrap_or_default();
            let code: Option<String> = r.get("o_error_code")?;
            let error = code.as_deref().map(DeliveryError::from_stored);
            Some(Delivery {
                state: if s == FAILED {
                    DeliveryState::Failed
                } else {
                    DeliveryState::Sending
                },
                text,
                error_code: error.as_ref().map(|(e, _)| *e),
                marketplace_code: error.and_then(|(_, m)| m),
                error_message: r.get("o_error_message")?,
            })
        }
        None => None,
    };
    Ok(InboxQuestion {
        id: r.get("id")?,
        account_id: r.get("account_id")?,
        account_nickname: r.get("account_nickname")?,
        site_id: r.get("site_id")?,
        item_id: r.get("item_id")?,
        item_title: r.get("item_title")?,
        item_price: r.get("item_price")?,
        item_currency: r.get("item_currency")?,
        item_stock: r.get("item_stock")?,
        item_permalink: r.get("item_permalink")?,
        buyer_id: r.get("buyer_id")?,
        buyer_nickname: r.get("buyer_nickname")?,
        text: r.get("text")?,
        status: r.get("status")?,
        date_created: r.get("date_created")?,
        answer_text: r.get("answer_text")?,
        answer_date: r.get("answer_date")?,
        delivery,
        answered_by: r.get("answered_by")?,
        highlight: match r.get::<_, Option<String>>("h_text")? {
            Some(text) => Some(Highlight {
                text,
                answer: r.get("h_answer")?,
                title: r.get("h_title")?,
                buyer: r.get("h_buyer")?,
            }),
            None => None,
        },
    })
}

const SELECT: &str = "
    SELECT {highlight} q.id, q.account_id, a.nickname AS account_nickname, a.site_id, q.item_id,
           l.title AS item_title, l.price AS item_price, l.currency_id AS item_currency,
           l.available_quantity AS item_stock, l.permalink AS item_permalink,
           q.buyer_id, b.nickname AS buyer_nickname, q.text, q.status, q.date_created,
           q.answer_text, q.answer_date,
           o.state AS o_state, o.payload AS o_payload, o.error_code AS o_error_code,
           o.error_message AS o_error_message, mem.name AS answered_by
    FROM {from}
    JOIN accounts a ON a.id = q.account_id
    LEFT JOIN members mem ON mem.id = q.answered_by
    LEFT JOIN listings l ON l.id = q.item_id
    LEFT JOIN buyers b ON b.id = q.buyer_id
    LEFT JOIN outbox o ON o.id = (
        SELECT id FROM outbox WHERE kind = 'answer' AND target_id = CAST(q.id AS TEXT)
          AND state IN ({states}) ORDER BY id DESC LIMIT 1)";

/// The `WHERE` clause of a query and its bound values. Clauses are built from constants; every
/// value from the query is a bound parameter (`?1`, `?2`, … in order).
pub(crate) struct Filter {
    /// The row source: `questions q`, or the full-text index joined to it for a search.
    pub from: &'static str,
    /// The FTS5 query, when searching.
    pub fts: Option<String>,
    /// The conditions, joined with `AND`.
    pub clause: String,
    /// The bound values.
    pub values: Vec<Box<dyn rusqlite::ToSql>>,
}

impl Filter {
    /// The filter of `query` (status, account, listing, buyer, question, dates, search).
    pub fn of(query: &InboxQuery) -> Result<Self> {
        let mut clauses: Vec<String> = vec![query.status.condition("q.status")];
        let mut values: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let mut bind = |clause: &str, value: Box<dyn rusqlite::ToSql>| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(id) = query.account_id {
            bind("q.account_id = ?", Box::new(id));
        }
        if let Some(item) = &query.item_id {
            bind("q.item_id = ?", Box::new(item.clone()));
        }
        if let Some(buyer) = query.buyer_id {
            bind("q.buyer_id = ?", Box::new(buyer));
        }
        if let Some(id) = query.question_id {
            bind("q.id = ?", Box::new(id));
        }
        if let Some(from) = &query.from {
            bind("q.date_created >= ?", Box::new(normalize_time(from)?));
        }
        if let Some(to) = &query.to {
            bind("q.date_created < ?", Box::new(normalize_time(to)?));
        }
        let fts = query.search.as_deref().and_then(search::fts_query);
        if let Some(q) = &fts {
            bind("questions_fts MATCH ?", Box::new(q.clone()));
        }
        Ok(Self {
            from: if fts.is_some() {
                "questions_fts f JOIN questions q ON q.id = f.rowid"
            } else {
                "questions q"
            },
            fts,
            clause: clauses.join(" AND "),
            values,
        })
    }

    /// The bound values, for `query_map` and friends.
    pub fn params(&self) -> Vec<&dyn rusqlite::ToSql> {
        self.values.iter().map(|v| v.as_ref()).collect()
    }
}

/// Unanswered questions across all accounts (the count the UI always shows).
pub(crate) fn unanswered(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(SUM(n), 0) FROM question_counts WHERE status = ?1")?
        .query_row([UNANSWERED], |r| r.get(0))?)
}

/// The list's total from the counts the store keeps (`question_counts`), when only the status
/// and the account filter it; `None` when other filters need an actual count.
fn kept_total(conn: &Connection, query: &InboxQuery) -> Result<Option<i64>> {
    let searching = query
        .search
        .as_deref()
        .and_then(search::fts_query)
        .is_some();
    if searching
        || query.item_id.is_some()
        || query.buyer_id.is_some()
        || query.question_id.is_some()
        || query.from.is_some()
        || query.to.is_some()
    {
        return Ok(None);
    }
    let status = query.status.condition("status");
    let sql = format!(
        "SELECT COALESCE(SUM(n), 0) FROM question_counts
         WHERE {status} AND (?1 IS NULL OR account_id = ?1)"
    );
    Ok(Some(
        conn.prepare_cached(&sql)?
            .query_row([query.account_id], |r| r.get(0))?,
    ))
}

/// Lists one page of the inbox.
pub fn list(conn: &Connection, query: &InboxQuery) -> Result<InboxPage> {
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let offset = query.offset.unwrap_or(0);
    let where_ = Filter::of(query)?;
    let (from, fts, filter) = (where_.from, &where_.fts, &where_.clause);
    let (highlight, order) = match fts {
        // Newest first: FTS5 walks its rowids backwards without ranking every match.
        Some(_) => (search::HIGHLIGHT_COLUMNS, "f.rowid DESC"),
        None => (
            "NULL AS h_text, NULL AS h_answer, NULL AS h_title, NULL AS h_buyer,",
            match query.status {
                StatusFilter::Unanswered => "q.date_created ASC, q.id ASC",
                StatusFilter::Answered => "q.answer_date DESC, q.id DESC",
                StatusFilter::All => "q.date_created DESC, q.id DESC",
            },
        ),
    };
    let n = where_.values.len();
    let states = format!("?{}, ?{}, ?{}", n + 3, n + 4, n + 5);
    // Page parameters follow the filter's: limit, offset, then the outbox states.
    let sql = if fts.is_some() {
        format!(
            "{} WHERE {filter} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
            SELECT
                .replace("{highlight}", highlight)
                .replace("{from}", from)
                .replace("{states}", &states),
            n + 1,
            n + 2
        )
    } else {
        // The page's ids first, from the indexes alone; the joins only for those rows.
        let page = format!(
            "(SELECT q.id FROM questions q WHERE {filter} ORDER BY {order} LIMIT ?{} OFFSET ?{}) AS page
             JOIN questions q ON q.id = page.id",
            n + 1,
            n + 2
        );
        format!(
            "{} ORDER BY {order}",
            SELECT
                .replace("{highlight}", highlight)
                .replace("{from}", &page)
                .replace("{states}", &states)
        )
    };
    let mut page_values = where_.params();
    let (limit, offset) = (limit as i64, offset as i64);
    page_values.push(&limit);
    page_values.push(&offset);
    page_values.push(&PENDING);
    page_values.push(&IN_FLIGHT);
    page_values.push(&FAILED);
    let mut stmt = conn.prepare_cached(&sql)?;
    let items = stmt
        .query_map(page_values.as_slice(), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A search counts its matches up to SEARCH_COUNT_CAP: enough to say "1,000+".
    let count_sql = match fts {
        Some(_) => format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {filter} LIMIT {})",
            search::COUNT_CAP
        ),
        None => format!("SELECT COUNT(*) FROM {from} WHERE {filter}"),
    };
    let total: i64 = match kept_total(conn, query)? {
        Some(total) => total,
        None => conn
            .prepare_cached(&count_sql)?
            .query_row(where_.params().as_slice(), |r| r.get(0))?,
    };
    let total_capped = fts.is_some() && total >= search::COUNT_CAP;
    Ok(InboxPage {
        items,
        total,
        total_capped,
        unanswered: unanswered(conn)?,
    })
}

/// The questions with these ids as inbox rows (any status), in one query; missing ids are left
/// out.
pub(crate) fn by_ids(
    conn: &Connection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, InboxQuestion>> {
    let ids_json = serde_json::to_string(ids)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    let sql = SELECT
        .replace(
            "{highlight}",
            "NULL AS h_text, NULL AS h_answer, NULL AS h_title, NULL AS h_buyer,",
        )
        .replace(
            "{from}",
            "json_each(?1) AS page JOIN questions q ON q.id = page.value",
        )
        .replace("{states}", "?2, ?3, ?4");
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            rusqlite::params![ids_json, PENDING, IN_FLIGHT, FAILED],
            from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().map(|q| (q.id, q)).collect())
}

fn normalize_time(text: &str) -> Result<String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| crate::store::ts(t.with_timezone(&chrono::Utc)))
        .map_err(|_| crate::error::Error::InvalidInput(format!("not a date: {text}")))
}

#[cfg(test)]
mod golden;
