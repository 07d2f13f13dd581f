//! The sandbox's typed contract: the response shapes of the Mercado Libre resources it serves,
//! as documented by Mercado Libre. Handlers build JSON from the world directly; the contract
//! tests hold both sides to these types: Mercado Libre's documented JSON examples and the
//! sandbox's live responses must each deserialize into them. A field is required here when the
//! documentation always shows it, and `Option` when it may be `null`.

use serde::Deserialize;
use serde_json::Value;

/// The standard error body.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    /// Human message.
    pub message: String,
    /// Error code, e.g. `not_found`.
    pub error: String,
    /// HTTP status.
    pub status: u16,
    /// Details.
    pub cause: Vec<Value>,
}

/// `POST /oauth/token`.
#[derive(Debug, Deserialize)]
pub struct Token {
    /// `APP_USR-...`.
    pub access_token: String,
    /// `Bearer` (any case).
    pub token_type: String,
    /// Seconds.
    pub expires_in: i64,
    /// Granted scopes.
    pub scope: String,
    /// Owner.
    pub user_id: i64,
    /// Single-use refresh token.
    pub refresh_token: String,
}

/// A question (api_version=4).
#[derive(Debug, Deserialize)]
pub struct Question {
    /// Id.
    pub id: i64,
    /// Seller.
    pub seller_id: i64,
    /// Listing.
    pub item_id: String,
    /// Status.
    pub status: String,
    /// Text (empty when banned).
    pub text: String,
    /// When asked.
    pub date_created: String,
    /// Held by moderation.
    pub hold: bool,
    /// Listing deleted.
    pub deleted_from_listing: bool,
    /// Spam suspicion.
    pub suspected_spam: bool,
    /// The answer.
    pub answer: Option<QuestionAnswer>,
    /// The asker.
    pub from: QuestionFrom,
}

/// The answer of a question.
#[derive(Debug, Deserialize)]
pub struct QuestionAnswer {
    /// Text.
    pub text: String,
    /// `ACTIVE`, `DISABLED`, `BANNED`.
    pub status: String,
    /// When answered.
    pub date_created: String,
}

/// The asker of a question.
#[derive(Debug, Deserialize)]
pub struct QuestionFrom {
    /// Buyer id.
    pub id: i64,
}

/// `GET /questions/search`.
#[derive(Debug, Deserialize)]
pub struct QuestionSearch {
    /// Matching questions.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// The page.
    pub questions: Vec<Question>,
    /// Filters applied.
    pub filters: Value,
    /// Filters available.
    pub available_filters: Vec<Value>,
    /// Sorts available.
    pub available_sorts: Vec<Value>,
}

/// The `seller_reputation` of `/users/{id}`.
#[derive(Debug, Deserialize)]
pub struct SellerReputation {
    /// Thermometer, e.g. `5_green`; null for new sellers.
    pub level_id: Option<String>,
    /// MercadoLíder status.
    pub power_seller_status: Option<String>,
    /// The true colour while protected (e.g. `red`); absent otherwise.
    pub real_level: Option<String>,
    /// When the protection ends; absent when not protected.
    pub protection_end_date: Option<String>,
    /// Historic transactions.
    pub transactions: Transactions,
    /// Window metrics.
    pub metrics: ReputationMetrics,
}

/// Historic transactions.
#[derive(Debug, Deserialize)]
pub struct Transactions {
    /// Cancelled.
    pub canceled: i64,
    /// Completed.
    pub completed: i64,
    /// `historic`.
    pub period: String,
    /// All.
    pub total: i64,
    /// Rating fractions.
    pub ratings: Value,
}

/// Reputation metrics over the evaluation window.
#[derive(Debug, Deserialize)]
pub struct ReputationMetrics {
    /// Sales completed.
    pub sales: SalesMetric,
    /// Claims.
    pub claims: RateMetric,
    /// Late dispatches.
    pub delayed_handling_time: RateMetric,
    /// Seller cancellations.
    pub cancellations: RateMetric,
}

/// Sales in the window.
#[derive(Debug, Deserialize)]
pub struct SalesMetric {
    /// `60 days` or `365 days`.
    pub period: String,
    /// Count.
    pub completed: i64,
}

/// A rate metric.
#[derive(Debug, Deserialize)]
pub struct RateMetric {
    /// Window.
    pub period: String,
    /// Fraction.
    pub rate: f64,
    /// Count.
    pub value: i64,
}

/// `GET /users/{id}` of a seller.
#[derive(Debug, Deserialize)]
pub struct Seller {
    /// Id.
    pub id: i64,
    /// Nickname.
    pub nickname: String,
    /// Site.
    pub site_id: String,
    /// Reputation.
    pub seller_reputation: SellerReputation,
}

/// `GET /users/{id}/items/search`.
#[derive(Debug, Deserialize)]
pub struct ItemSearch {
    /// Seller.
    pub seller_id: String,
    /// Paging.
    pub paging: Paging,
    /// Item ids.
    pub results: Vec<String>,
}

/// Offset paging.
#[derive(Debug, Deserialize)]
pub struct Paging {
    /// Matching rows.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Offset (absent on scans).
    pub offset: Option<i64>,
}

/// An item.
#[derive(Debug, Deserialize)]
pub struct Item {
    /// Id.
    pub id: String,
    /// Site.
    pub site_id: String,
    /// Title.
    pub title: String,
    /// Seller.
    pub seller_id: i64,
    /// Price.
    pub price: f64,
    /// Currency.
    pub currency_id: String,
    /// Stock.
    pub available_quantity: i64,
    /// Sold.
    pub sold_quantity: i64,
    /// Status.
    pub status: String,
    /// Link.
    pub permalink: String,
    /// Variations.
    pub variations: Vec<ItemVariation>,
}

/// A variation of an item.
#[derive(Debug, Deserialize)]
pub struct ItemVariation {
    /// Id.
    pub id: i64,
    /// Price.
    pub price: f64,
    /// Stock.
    pub available_quantity: i64,
    /// Sold.
    pub sold_quantity: i64,
    /// Attributes.
    pub attribute_combinations: Vec<AttributeCombination>,
    /// SKU.
    pub seller_custom_field: Option<String>,
}

/// An attribute of a variation.
#[derive(Debug, Deserialize)]
pub struct AttributeCombination {
    /// Attribute id.
    pub id: String,
    /// Attribute name.
    pub name: String,
    /// Value.
    pub value_name: String,
}

/// An order.
#[derive(Debug, Deserialize)]
pub struct Order {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: String,
    /// Created.
    pub date_created: String,
    /// Closed (paid).
    pub date_closed: Option<String>,
    /// Lines.
    pub order_items: Vec<OrderItem>,
    /// Total.
    pub total_amount: f64,
    /// Currency.
    pub currency_id: String,
    /// Buyer.
    pub buyer: Value,
    /// Seller.
    pub seller: Value,
    /// Payments.
    pub payments: Vec<Value>,
    /// Shipping reference.
    pub shipping: Value,
    /// Cart.
    pub pack_id: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
}

/// A line of an order.
#[derive(Debug, Deserialize)]
pub struct OrderItem {
    /// The item sold.
    pub item: Value,
    /// Units.
    pub quantity: i64,
    /// Unit price.
    pub unit_price: f64,
    /// Currency.
    pub currency_id: String,
}

/// `GET /shipments/{id}/sla`.
#[derive(Debug, Deserialize)]
pub struct Sla {
    /// `on_time`, `delayed`, `early`, `insuficient_info`.
    pub status: String,
    /// Service.
    pub service: Option<String>,
    /// Deadline.
    pub expected_date: String,
    /// Last change.
    pub last_updated: String,
}

/// `GET /post-purchase/v1/claims/search`.
#[derive(Debug, Deserialize)]
pub struct ClaimSearch {
    /// Paging.
    pub paging: Paging,
    /// Claims.
    pub data: Vec<Claim>,
}

/// A claim.
#[derive(Debug, Deserialize)]
pub struct Claim {
    /// Id.
    pub id: i64,
    /// `order`.
    pub resource: String,
    /// Order id.
    pub resource_id: i64,
    /// `opened`, `closed`.
    pub status: String,
    /// e.g. `mediations`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `claim`, `dispute`, ...
    pub stage: String,
    /// Parties.
    pub players: Vec<Value>,
    /// Created.
    pub date_created: String,
}

/// `GET /messages/packs/{pack}/sellers/{seller}`.
#[derive(Debug, Deserialize)]
pub struct MessageThread {
    /// Paging.
    pub paging: Value,
    /// Conversation state.
    pub conversation_status: Value,
    /// Messages.
    pub messages: Vec<Value>,
    /// 350.
    pub seller_max_message_length: i64,
    /// 3500.
    pub buyer_max_message_length: i64,
}

/// `GET /messages/unread`.
#[derive(Debug, Deserialize)]
pub struct Unread {
    /// The caller.
    pub user_id: i64,
    /// Conversations with unread messages.
    pub results: Vec<UnreadEntry>,
}

/// A conversation with unread messages.
#[derive(Debug, Deserialize)]
pub struct UnreadEntry {
    /// `/packs/{pack}/sellers/{seller}`.
    pub resource: String,
    /// Unread count.
    pub count: i64,
}

/// `GET /users/{id}/items_visits/time_window`.
#[derive(Debug, Deserialize)]
pub struct VisitsWindow {
    /// Total.
    pub total_visits: i64,
    /// Days.
    pub last: i64,
    /// `day`.
    pub unit: String,
    /// Per day.
    pub results: Vec<VisitsDay>,
}

/// Visits of one day.
#[derive(Debug, Deserialize)]
pub struct VisitsDay {
    /// Day.
    pub date: String,
    /// Visits.
    pub total: i64,
}

/// `GET /users/{id}/questions/response_time`.
#[derive(Debug, Deserialize)]
pub struct ResponseTime {
    /// The seller.
    pub user_id: i64,
    /// Overall minutes.
    pub total: Value,
    /// Saturday and Sunday.
    pub weekend: Value,
    /// Weekdays 09–18.
    pub weekdays_working_hours: Value,
    /// Weekdays 18–24.
    pub weekdays_extra_hours: Value,
}
