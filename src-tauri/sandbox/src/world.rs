//! The simulated marketplace's state: users, listings, questions, OAuth grants, the log of
//! answers received, request counters and injected faults. One `World` behind a mutex; handlers
//! lock it briefly and never across an await.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use serde::Serialize;

use crate::seed::SplitMix;

/// Access tokens live 6 hours, as on Mercado Libre.
pub const ACCESS_TOKEN_SECONDS: i64 = 21_600;

/// A user (seller or buyer).
#[derive(Debug, Clone)]
pub struct User {
    /// Mercado Libre user id.
    pub id: i64,
    /// Nickname.
    pub nickname: String,
    /// Site, e.g. MLA.
    pub site_id: String,
}

/// A listing.
#[derive(Debug, Clone)]
pub struct Item {
    /// e.g. MLA1400000001.
    pub id: String,
    /// Owner.
    pub seller_id: i64,
    /// Title.
    pub title: String,
    /// Price in cents.
    pub price_cents: i64,
    /// Currency.
    pub currency_id: String,
    /// Stock.
    pub available_quantity: i64,
    /// Units sold.
    pub sold_quantity: i64,
    /// active / paused / closed.
    pub status: String,
}

/// An answer held on a question.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Text.
    pub text: String,
    /// When it was posted.
    pub date_created: DateTime<Utc>,
}

/// A question.
#[derive(Debug, Clone)]
pub struct Question {
    /// Id.
    pub id: i64,
    /// Seller asked.
    pub seller_id: i64,
    /// Listing.
    pub item_id: String,
    /// Asker.
    pub from_id: i64,
    /// Text.
    pub text: String,
    /// UNANSWERED, ANSWERED, ...
    pub status: String,
    /// When asked.
    pub date_created: DateTime<Utc>,
    /// Last change.
    pub last_updated: DateTime<Utc>,
    /// The answer, once answered.
    pub answer: Option<Answer>,
}

/// One accepted `POST /answers`, as the control endpoint reports it.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerRecord {
    /// Question answered.
    pub question_id: i64,
    /// Exact text received.
    pub text: String,
    /// When.
    pub received_at: String,
}

/// A pending authorization code.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    /// User who consented.
    pub user_id: i64,
    /// Application.
    pub client_id: String,
    /// Redirect the code was issued for.
    pub redirect_uri: String,
    /// PKCE challenge and method, when sent.
    pub challenge: Option<(String, String)>,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct AccessGrant {
    /// Owner.
    pub user_id: i64,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// Faults tests can inject.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Faults {
    /// Commit the next N answers but reply 502 as if the response were lost.
    #[serde(default)]
    pub lose_answer_responses: u32,
}

/// The whole simulated marketplace.
#[derive(Debug)]
pub struct World {
    /// Users by id.
    pub users: BTreeMap<i64, User>,
    /// Listings by id.
    pub items: BTreeMap<String, Item>,
    /// Questions by id.
    pub questions: BTreeMap<i64, Question>,
    /// The seeded seller.
    pub seller_id: i64,
    /// Buyers who can ask.
    pub buyer_ids: Vec<i64>,
    /// Next question id.
    pub next_question_id: i64,
    /// Every accepted answer, in order.
    pub answers: Vec<AnswerRecord>,
    /// Request counts by "METHOD /path".
    pub requests: BTreeMap<String, u64>,
    /// Authorization codes.
    pub codes: HashMap<String, CodeGrant>,
    /// Access tokens.
    pub access: HashMap<String, AccessGrant>,
    /// The one valid refresh token per (user, client).
    pub refresh: HashMap<String, (i64, String)>,
    /// Injected faults.
    pub faults: Faults,
    /// Simulated time offset from the wall clock.
    pub clock_offset: Duration,
    /// Randomness for traffic and tokens (seeded).
    pub rng: SplitMix,
}

impl World {
    /// Simulated now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }

    /// Formats a time as Mercado Libre does for a site (local offset, milliseconds).
    pub fn format_time(&self, at: DateTime<Utc>, site_id: &str) -> String {
        let hours = match site_id {
            "MLM" => -6,
            "MCO" | "MPE" => -5,
            "MLC" => -4,
            _ => -3,
        };
        match FixedOffset::east_opt(hours * 3600) {
            Some(offset) => at
                .with_timezone(&offset)
                .to_rfc3339_opts(SecondsFormat::Millis, false),
            None => at.to_rfc3339_opts(SecondsFormat::Millis, true),
        }
    }

    /// A random token with a Mercado Libre-like prefix.
    pub fn token(&mut self, prefix: &str, user_id: i64) -> String {
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        format!("{prefix}-{a:016x}{b:016x}-{user_id}")
    }

    /// Adds a question from `from_id` on `item_id`; returns its id.
    pub fn add_question(
        &mut self,
        item_id: &str,
        from_id: i64,
        text: &str,
        at: DateTime<Utc>,
    ) -> Option<i64> {
        let seller_id = self.items.get(item_id)?.seller_id;
        let id = self.next_question_id;
        self.next_question_id += 1;
        self.questions.insert(
            id,
            Question {
                id,
                seller_id,
                item_id: item_id.to_owned(),
                from_id,
                text: text.to_owned(),
                status: "UNANSWERED".into(),
                date_created: at,
                last_updated: at,
                answer: None,
            },
        );
        Some(id)
    }

    /// Counts a request.
    pub fn count(&mut self, key: String) {
        *self.requests.entry(key).or_insert(0) += 1;
    }
}
