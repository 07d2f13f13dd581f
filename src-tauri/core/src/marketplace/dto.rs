//! Wire types: JSON shapes of the Mercado Libre API exactly as sent. They never leave
//! `marketplace/`; each converts itself into a domain type, and a payload that does not convert
//! is reported as [`Error::Malformed`] so the caller can log it and skip it.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::store::listings::{Listing, Traits, Variation};
use crate::store::questions::Question;

/// `POST /oauth/token` success body.
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[allow(dead_code)]
    pub token_type: Option<String>,
    pub expires_in: i64,
    pub user_id: i64,
    pub refresh_token: Option<String>,
}

/// The standard error body (`message` or `error_description`, plus `error`, `status`).
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    pub message: Option<String>,
    pub error_description: Option<String>,
    pub error: Option<String>,
    /// The messages API's shape uses `code` instead of `error`.
    pub code: Option<String>,
}

/// `GET /users/me` and `/users/{id}`.
#[derive(Debug, Deserialize)]
pub struct UserDto {
    pub id: i64,
    pub nickname: String,
    pub site_id: Option<String>,
}

/// One page of `GET /questions/search`. Questions stay raw JSON so one bad entry is skipped,
/// not the page.
#[derive(Debug, Deserialize)]
pub struct QuestionPage {
    pub total: i64,
    #[serde(default)]
    pub questions: Vec<serde_json::Value>,
}

/// One page of a question scan: like [`QuestionPage`] plus the `scroll_id` to continue with.
#[derive(Debug, Deserialize)]
pub struct QuestionScanPage {
    pub total: i64,
    #[serde(default)]
    pub questions: Vec<serde_json::Value>,
    pub scroll_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct QuestionDto {
    id: i64,
    item_id: String,
    status: String,
    #[serde(default)]
    text: String,
    date_created: String,
    answer: Option<AnswerDto>,
    from: Option<FromDto>,
    buyer_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct AnswerDto {
    #[serde(default)]
    text: String,
    date_created: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FromDto {
    id: i64,
}

/// One entry of a multiget (`/items?ids=`, `/users?ids=`): `{code, body}`.
#[derive(Debug, Deserialize)]
pub struct MultigetEntry {
    pub code: u16,
    pub body: serde_json::Value,
}

/// The entries of a multiget's list that read as `{code, body}`; any other is logged with the
/// ids asked for and skipped (one bad envelope does not lose the other 19). Returns the entries
/// and how many were skipped.
pub fn multiget_entries(raw: Vec<serde_json::Value>, ids: &str) -> (Vec<MultigetEntry>, usize) {
    let mut skipped = 0;
    let entries = raw
        .into_iter()
        .filter_map(|v| match serde_json::from_value::<MultigetEntry>(v) {
            Ok(entry) => Some(entry),
            Err(e) => {
                skipped += 1;
                tracing::warn!(ids, error = %e, "malformed multiget entry; skipped");
                None
            }
        })
        .collect();
    (entries, skipped)
}

#[derive(Debug, Deserialize)]
struct ItemDto {
    id: String,
    title: String,
    price: Option<serde_json::Number>,
    currency_id: Option<String>,
    available_quantity: Option<i64>,
    status: Option<String>,
    permalink: Option<String>,
    thumbnail: Option<String>,
    secure_thumbnail: Option<String>,
    sold_quantity: Option<i64>,
    seller_custom_field: Option<String>,
    variations: Option<Vec<VariationDto>>,
    shipping: Option<ShippingDto>,
    catalog_listing: Option<bool>,
    sub_status: Option<Vec<String>>,
    /// Where a SKU may also be (`SELLER_SKU`).
    #[serde(default)]
    attributes: Vec<AttributeDto>,
}

#[derive(Debug, Deserialize)]
struct ShippingDto {
    logistic_type: Option<String>,
}

/// The `SELLER_SKU` attribute's value, where sellers on newer flows keep their SKU.
fn seller_sku(attributes: &[AttributeDto]) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.id.as_deref() == Some("SELLER_SKU"))
        .and_then(|a| a.value_name.clone())
        .filter(|v| !v.trim().is_empty())
}

#[derive(Debug, Deserialize)]
struct VariationDto {
    id: i64,
    price: Option<serde_json::Number>,
    available_quantity: i64,
    sold_quantity: Option<i64>,
    #[serde(default)]
    attribute_combinations: Vec<AttributeDto>,
    seller_custom_field: Option<String>,
    #[serde(default)]
    attributes: Vec<AttributeDto>,
}

#[derive(Debug, Deserialize)]
struct AttributeDto {
    name: Option<String>,
    id: Option<String>,
    value_name: Option<String>,
}

fn malformed(resource: impl Into<String>, detail: impl ToString) -> Error {
    Error::Malformed {
        resource: resource.into(),
        detail: detail.to_string(),
    }
}

/// Parses an API timestamp (any offset) into UTC.
pub fn parse_time(resource: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| malformed(resource, format!("bad date {text:?}: {e}")))
}

/// Converts one raw question of a search page or of `GET /questions/{id}`.
pub fn question(account_id: i64, raw: serde_json::Value) -> Result<Question> {
    let hint = raw.get("id").map(|v| v.to_string()).unwrap_or_default();
    let resource = format!("question {hint}");
    let dto: QuestionDto = serde_json::from_value(raw).map_err(|e| malformed(&resource, e))?;
    let buyer_id = dto
        .from
        .map(|f| f.id)
        .or(dto.buyer_id)
        .ok_or_else(|| malformed(&resource, "no buyer (from.id)"))?;
    let date_created = parse_time(&resource, &dto.date_created)?;
    // An answer object can exist with empty text (BANNED/DISABLED); only a real answer counts.
    let (answer_text, answer_date) = match dto.answer {
        Some(a) if !a.text.is_empty() => {
            let date = a
                .date_created
                .as_deref()
                .map(|d| parse_time(&resource, d))
                .transpose()?;
            (Some(a.text), date)
        }
        _ => (None, None),
    };
    Ok(Question {
        id: dto.id,
        account_id,
        item_id: dto.item_id,
        buyer_id,
        text: dto.text,
        status: dto.status,
        date_created,
        answer_text,
        answer_date,
    })
}

/// Converts one item body of a multiget.
pub fn listing(account_id: i64, raw: serde_json::Value) -> Result<Listing> {
    let hint = raw.get("id").map(|v| v.to_string()).unwrap_or_default();
    let dto: ItemDto =
        serde_json::from_value(raw).map_err(|e| malformed(format!("item {hint}"), e))?;
    let variations = dto.variations.map(|list| {
        list.into_iter()
            .map(|v| Variation {
                id: v.id,
                attributes: v
                    .attribute_combinations
                    .into_iter()
                    .map(|a| {
                        (
                            a.name.or(a.id).unwrap_or_default(),
                            a.value_name.unwrap_or_default(),
                        )
                    })
                    .collect(),
                price: v.price.map(|p| p.to_string()),
                available_quantity: v.available_quantity,
                sold_quantity: v.sold_quantity,
                sku: v.seller_custom_field.or_else(|| seller_sku(&v.attributes)),
            })
            .collect()
    });
    Ok(Listing {
        id: dto.id,
        account_id,
        title: dto.title,
        price: dto.price.map(|p| p.to_string()),
        currency_id: dto.currency_id,
        available_quantity: dto.available_quantity,
        status: dto.status,
        permalink: dto.permalink,
        thumbnail: dto.secure_thumbnail.or(dto.thumbnail),
        sold_quantity: dto.sold_quantity,
        sku: dto
            .seller_custom_field
            .or_else(|| seller_sku(&dto.attributes)),
        variations,
        traits: (dto.shipping.is_some() || dto.catalog_listing.is_some()).then(|| Traits {
            logistic_type: dto.shipping.and_then(|s| s.logistic_type),
            catalog_listing: dto.catalog_listing.unwrap_or(false),
            sub_status: dto.sub_status.unwrap_or_default(),
        }),
    })
}

/// Converts one user body of a multiget into `(id, nickname)`.
pub fn buyer(raw: serde_json::Value) -> Result<(i64, String)> {
    let dto: UserDto = serde_json::from_value(raw).map_err(|e| malformed("user", e))?;
    Ok((dto.id, dto.nickname))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_the_documented_question_example() {
        // The api_version=4 example from Mercado Libre's questions documentation.
        let raw = serde_json::json!({"id":11751825075_i64,"seller_id":179571326,"buyer_id":56801932,
            "item_id":"MLA739200576","status":"ANSWERED","text":"Hola, tenés en rojo?",
            "date_created":"2021-02-08T17:51:21.746Z","last_updated":"2021-02-16T14:52:13.580-04:00",
            "app_id":8304540643508652_i64,"hold":false,"deleted_from_listing":false,"suspected_spam":false,
            "answer":{"text":"","status":"BANNED","date_created":"2021-02-16T14:52:13.580-04:00"},
            "from":{"id":162981404}});
        let q = question(179571326, raw).unwrap();
        assert_eq!(q.id, 11751825075);
        assert_eq!(q.buyer_id, 162981404, "from.id is the asker");
        assert_eq!(
            q.answer_text, None,
            "a BANNED answer with empty text is no answer"
        );
        assert_eq!(q.date_created.to_rfc3339(), "2021-02-08T17:51:21.746+00:00");
    }

    #[test]
    fn offsets_are_normalised_to_utc() {
        let t = parse_time("x", "2021-02-16T14:52:13.580-04:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2021-02-16T18:52:13.580+00:00");
    }

    #[test]
    fn a_malformed_question_is_an_error_not_a_panic() {
        let err = question(1, serde_json::json!({"id": "x"})).unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "got {err:?}");
        let err = question(
            1,
            serde_json::json!({"id": 5, "item_id": "MLA1", "status": "UNANSWERED",
            "text": "hola", "date_created": "yesterday", "from": {"id": 3}}),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("question 5"),
            "names the resource: {err}"
        );
    }

    #[test]
    fn unknown_status_is_kept_verbatim() {
        let q = question(
            1,
            serde_json::json!({"id": 5, "item_id": "MLA1", "status": "SOMETHING_NEW",
            "text": "hola", "date_created": "2026-01-01T00:00:00.000Z", "from": {"id": 3}}),
        )
        .unwrap();
        assert_eq!(q.status, "SOMETHING_NEW");
    }

    #[test]
    fn price_keeps_its_decimal_text() {
        let l = listing(
            1,
            serde_json::json!({"id":"MLA1","title":"Mate","price":1999.99,
            "currency_id":"ARS","available_quantity":3}),
        )
        .unwrap();
        assert_eq!(l.price.as_deref(), Some("1999.99"));
    }
}
