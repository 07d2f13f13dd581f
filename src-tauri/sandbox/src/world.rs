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
    /// active / paused / closed / under_review.
    pub status: String,
    /// Sub-status, e.g. `out_of_stock` when paused for lack of stock.
    pub sub_status: Vec<String>,
    /// Seller SKU (`seller_custom_field`).
    pub sku: Option<String>,
    /// Variations (colour, size...), each with its own stock.
    pub variations: Vec<Variation>,
    /// Bumped on every write; used for optimistic-locking conflicts.
    pub version: u64,
    /// `shipping.logistic_type`: `fulfillment` (Full: Mercado Libre holds the stock, which the
    /// API cannot change), `cross_docking`, `drop_off`…
    pub logistic_type: String,
    /// A catalog listing: its variations cannot be changed.
    pub catalog_listing: bool,
}

/// A variation of a listing.
#[derive(Debug, Clone)]
pub struct Variation {
    /// Variation id.
    pub id: i64,
    /// `(attribute name, value)` pairs, e.g. `("Color", "Negro")`.
    pub attributes: Vec<(String, String)>,
    /// Stock of this variation.
    pub available_quantity: i64,
    /// Units sold.
    pub sold_quantity: i64,
    /// SKU of this variation.
    pub sku: Option<String>,
}

/// An order (one item line; packs group several orders of one cart).
#[derive(Debug, Clone)]
pub struct Order {
    /// Order id.
    pub id: i64,
    /// Seller.
    pub seller_id: i64,
    /// Buyer.
    pub buyer_id: i64,
    /// Listing bought.
    pub item_id: String,
    /// Variation bought.
    pub variation_id: Option<i64>,
    /// Units.
    pub quantity: i64,
    /// Unit price in cents.
    pub unit_price_cents: i64,
    /// `paid` or `cancelled`.
    pub status: String,
    /// Created.
    pub date_created: DateTime<Utc>,
    /// Last change.
    pub last_updated: DateTime<Utc>,
    /// Cart the order belongs to.
    pub pack_id: Option<i64>,
    /// Shipment.
    pub shipping_id: Option<i64>,
}

/// A shipment of an order.
#[derive(Debug, Clone)]
pub struct Shipment {
    /// Shipment id.
    pub id: i64,
    /// Order shipped.
    pub order_id: i64,
    /// Seller.
    pub seller_id: i64,
    /// `handling`, `ready_to_ship`, `shipped`, `delivered`, `cancelled`.
    pub status: String,
    /// e.g. `delayed`, `printed`.
    pub substatus: Option<String>,
    /// Created.
    pub date_created: DateTime<Utc>,
    /// Last change.
    pub last_updated: DateTime<Utc>,
    /// Dispatch deadline (end of the handling time).
    pub handling_deadline: DateTime<Utc>,
    /// When it left, if it did.
    pub shipped_at: Option<DateTime<Utc>>,
}

/// A claim opened by a buyer on an order.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Claim id.
    pub id: i64,
    /// Order claimed.
    pub order_id: i64,
    /// Seller (respondent).
    pub seller_id: i64,
    /// Buyer (complainant).
    pub buyer_id: i64,
    /// `opened` or `closed`.
    pub status: String,
    /// `claim` or `dispute`.
    pub stage: String,
    /// e.g. `PDD9949` (not received).
    pub reason_id: String,
    /// Created.
    pub date_created: DateTime<Utc>,
    /// Last change.
    pub last_updated: DateTime<Utc>,
}

/// A post-sale message in a pack's conversation.
#[derive(Debug, Clone)]
pub struct Message {
    /// Message id (hex).
    pub id: String,
    /// Sender.
    pub from: i64,
    /// Recipient.
    pub to: i64,
    /// Text.
    pub text: String,
    /// Sent.
    pub date: DateTime<Utc>,
    /// When the recipient read it.
    pub read: Option<DateTime<Utc>>,
}

/// A file uploaded for a post-sale message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Its upload id.
    pub id: String,
    /// Its name as uploaded.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A write the sandbox accepted, as `/_sandbox/writes` reports it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Write {
    /// A question deleted.
    QuestionDeleted {
        /// Which.
        question_id: i64,
    },
    /// A stock change.
    Stock {
        /// Listing.
        item_id: String,
        /// Variation, when the change was per variation.
        variation_id: Option<i64>,
        /// New stock.
        available_quantity: i64,
    },
    /// A listing paused or reactivated.
    ItemStatus {
        /// Listing.
        item_id: String,
        /// `paused` or `active`.
        status: String,
    },
    /// A post-sale message sent by the seller.
    Message {
        /// Pack (or order) id of the conversation.
        pack_id: i64,
        /// Exact text.
        text: String,
    },
    /// A buyer blocked from asking.
    BuyerBlocked {
        /// Seller.
        seller_id: i64,
        /// Buyer.
        buyer_id: i64,
    },
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
    /// The answer was banned by moderation (shown with empty text and status `BANNED`).
    pub answer_banned: bool,
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

/// Faults, latency and limits; set at start (command line) or at run time (`/_sandbox/settings`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Commit the next N answers but reply 502 as if the response were lost.
    pub lose_answer_responses: u32,
    /// Added to every response, in milliseconds.
    pub latency_ms: u64,
    /// Up to this much more, at random.
    pub jitter_ms: u64,
    /// Requests per second allowed per access token (per caller without one); 0 = unlimited.
    pub rate_limit: u32,
    /// Fraction of requests answered with a 5xx.
    pub error_rate: f64,
    /// Fraction of requests that hang for `timeout_ms` before a 504.
    pub timeout_rate: f64,
    /// How long a "timeout" hangs.
    pub timeout_ms: u64,
    /// Fraction of requests whose connection drops before a response body.
    pub drop_rate: f64,
    /// Fraction of writes that are committed and then lose their response (connection dropped).
    pub lose_write_rate: f64,
    /// `PUT /items/{id}` answers 409 (optimistic locking) this many times before succeeding.
    pub item_conflicts: u32,
    /// The next N successful reads have the first entry of their list (search results,
    /// multiget bodies, thread messages) corrupted: its `status`, `title`, `date_created` and
    /// `item_id` become numbers. A read without a list is left as it is (and still counts).
    pub corrupt_entries: u32,
    /// Post-sale threads answer without `paging.total` (as some real responses do).
    pub thread_without_total: bool,
    /// Commit the next N successful writes of any kind, then drop their response.
    pub lose_write_responses: u32,
    /// The next N successful multigets (`GET /items?ids=`, `GET /users?ids=`) have their first
    /// entry's envelope corrupted: `{"code": "ok", "body": 42}`.
    pub corrupt_lookup_envelopes: u32,
    /// Packs whose post-sale thread answers 403 (as a conversation blocked by mediation does).
    pub forbidden_threads: Vec<i64>,
    /// Store sellers' post-sale messages normalised, as Mercado Libre may: trimmed, runs of
    /// spaces collapsed, characters outside ISO-8859-1 removed.
    pub normalise_messages: bool,
    /// Searches lie about their size: totals of a million, scans that start over instead of
    /// ending, offset pages past the end that repeat the last one.
    pub endless_pages: bool,
    /// The next N order searches answer from an index that lags the newest sale: the order
    /// created last is left out (as Mercado Libre's search may, moments after a purchase).
    pub stale_order_searches: u32,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            lose_answer_responses: 0,
            latency_ms: 0,
            jitter_ms: 0,
            rate_limit: 0,
            error_rate: 0.0,
            timeout_rate: 0.0,
            timeout_ms: 31_000,
            drop_rate: 0.0,
            lose_write_rate: 0.0,
            item_conflicts: 0,
            corrupt_entries: 0,
            thread_without_total: false,
            lose_write_responses: 0,
            corrupt_lookup_envelopes: 0,
            forbidden_threads: Vec::new(),
            normalise_messages: false,
            endless_pages: false,
            stale_order_searches: 0,
        }
    }
}

/// An open scan (`search_type=scan`): a snapshot of the matching ids and where the next page starts.
#[derive(Debug, Clone)]
pub struct Scroll {
    /// Matching ids, in order.
    pub ids: Vec<String>,
    /// Next position.
    pub position: usize,
    /// Scroll ids expire 5 minutes after their last use.
    pub expires_at: DateTime<Utc>,
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
    /// Orders by id.
    pub orders: BTreeMap<i64, Order>,
    /// Shipments by id.
    pub shipments: BTreeMap<i64, Shipment>,
    /// Claims by id.
    pub claims: BTreeMap<i64, Claim>,
    /// Post-sale conversations by pack id (the order id when the order has no pack).
    pub messages: BTreeMap<i64, Vec<Message>>,
    /// Action-guide options already used, by pack (each option has a cap of one).
    pub guide_used: HashMap<i64, Vec<String>>,
    /// Conversations blocked (by time, by the buyer, by mediation, by fulfillment), with the
    /// reason (`conversation_status.substatus`).
    pub blocked_conversations: BTreeMap<i64, String>,
    /// Conversations Mercado Libre's AI agent intermediates (from 2026-02 on MLB and MLC): the
    /// buyer's messages arrive from the agent, the seller writes to it on the conversation's
    /// own path, one message at a time.
    pub agent_conversations: std::collections::BTreeSet<i64>,
    /// Files uploaded for post-sale messages, by upload id.
    pub uploads: HashMap<String, Upload>,
    /// The files each message carries, by message id.
    pub message_files: HashMap<String, Vec<Upload>>,
    /// Buyers each seller blocked from asking.
    pub blocked: BTreeMap<i64, std::collections::BTreeSet<i64>>,
    /// Open scans by scroll id.
    pub scrolls: HashMap<String, Scroll>,
    /// Writes other than answers, in order.
    pub writes: Vec<Write>,
    /// Requests in the current one-second window, per caller.
    pub rate_windows: HashMap<String, (i64, u32)>,
    /// Every seeded seller (the first is the demo seller).
    pub seller_ids: Vec<i64>,
    /// Sellers under reputation protection, until when.
    pub protected_until: BTreeMap<i64, DateTime<Utc>>,
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
    /// Where listing photos are served (the sandbox's own address once it listens); `None`
    /// names Mercado Libre's image host, as the real API does.
    pub image_base: Option<String>,
}

impl World {
    /// A world with nothing in it yet.
    pub fn empty(rng: SplitMix) -> Self {
        Self {
            users: BTreeMap::new(),
            items: BTreeMap::new(),
            questions: BTreeMap::new(),
            orders: BTreeMap::new(),
            shipments: BTreeMap::new(),
            claims: BTreeMap::new(),
            messages: BTreeMap::new(),
            guide_used: HashMap::new(),
            blocked_conversations: BTreeMap::new(),
            agent_conversations: std::collections::BTreeSet::new(),
            uploads: HashMap::new(),
            message_files: HashMap::new(),
            blocked: BTreeMap::new(),
            scrolls: HashMap::new(),
            writes: Vec::new(),
            rate_windows: HashMap::new(),
            seller_ids: Vec::new(),
            protected_until: BTreeMap::new(),
            seller_id: 0,
            buyer_ids: Vec::new(),
            next_question_id: 13_100_000_001,
            answers: Vec::new(),
            requests: BTreeMap::new(),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            faults: Faults::default(),
            clock_offset: Duration::zero(),
            rng,
            image_base: None,
        }
    }

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
                answer_banned: false,
            },
        );
        Some(id)
    }

    /// Counts a request.
    pub fn count(&mut self, key: String) {
        *self.requests.entry(key).or_insert(0) += 1;
    }
}

/// Mercado Libre's AI agent of a site: the recipient (and the sender) of an intermediated
/// conversation's messages.
pub fn agent_id(site: &str) -> i64 {
    match site {
        "MLC" => 3_020_819_166,
        "MCO" => 3_037_204_123,
        "MLM" => 3_037_204_279,
        "MLA" => 3_037_674_934,
        "MLB" => 3_037_675_074,
        _ => 3_037_204_685,
    }
}
