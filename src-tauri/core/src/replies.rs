//! Quick replies: filling a template's `{variables}` from the open question, the linter every
//! answer and message goes through while it is typed, and suggestions from the seller's own
//! past answers (same listing first, then the most similar questions by FTS5 bm25). Nothing
//! leaves the machine.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::outbox::ANSWER_MAX_CHARS;
use crate::outbox::writes::MESSAGE_MAX_CHARS;

mod suggestions;
pub use suggestions::{WordStats, conversation_suggestions, suggestions};

/// The variables a template may use.
pub const VARIABLES: &[&str] = &[
    "buyer",
    "item_title",
    "price",
    "stock",
    "seller",
    "site_greeting",
];

/// The variables a post-sale template may use.
pub const ORDER_VARIABLES: &[&str] = &[
    "buyer_first_name",
    "order_id",
    "items",
    "tracking_number",
    "carrier",
    "shipping_eta",
    "seller",
];

/// Where a template's `{name}` finds its value: `None` for a name that is not a variable,
/// `Some(None)` for one without a value yet (a tracking number before dispatch).
pub trait Values {
    /// The value of `name`.
    fn value(&self, name: &str) -> Option<Option<&str>>;
}

/// The values a template is filled with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ReplyContext.ts", rename = "ReplyContext")]
pub struct Context {
    /// Buyer's nickname.
    pub buyer: String,
    /// Listing title.
    pub item_title: String,
    /// Price with its currency code, e.g. `28990 ARS`.
    pub price: String,
    /// Units in stock.
    pub stock: String,
    /// The seller's nickname.
    pub seller: String,
    /// "Hola" or "Olá", by site.
    pub site_greeting: String,
}

impl Values for Context {
    fn value(&self, name: &str) -> Option<Option<&str>> {
        Some(Some(match name {
            "buyer" => &self.buyer,
            "item_title" => &self.item_title,
            "price" => &self.price,
            "stock" => &self.stock,
            "seller" => &self.seller,
            "site_greeting" => &self.site_greeting,
            _ => return None,
        }))
    }
}

/// The values a post-sale template is filled with, from the conversation's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "OrderContext.ts")]
pub struct OrderContext {
    /// The buyer's first name when Mercado Libre gave it with the order, else the nickname.
    pub buyer_first_name: String,
    /// The order number (the pack's first order).
    pub order_id: String,
    /// What was bought: "2 × Termo acero, 1 × Bombilla".
    pub items: String,
    /// The tracking number, once dispatched.
    pub tracking_number: Option<String>,
    /// The carrier, once known.
    pub carrier: Option<String>,
    /// The promised delivery day (dd/mm/yyyy, the site's calendar), once known.
    pub shipping_eta: Option<String>,
    /// The seller's nickname.
    pub seller: String,
}

impl Values for OrderContext {
    fn value(&self, name: &str) -> Option<Option<&str>> {
        Some(match name {
            "buyer_first_name" => Some(&self.buyer_first_name),
            "order_id" => Some(&self.order_id),
            "items" => Some(&self.items),
            "tracking_number" => self.tracking_number.as_deref(),
            "carrier" => self.carrier.as_deref(),
            "shipping_eta" => self.shipping_eta.as_deref(),
            "seller" => Some(&self.seller),
            _ => return None,
        })
    }
}

/// The values for the conversation about `pack_id` (a pack, or an order without one) of
/// `account_id`: its first order, the items of all its orders, its shipment.
pub fn order_context_for(conn: &Connection, account_id: i64, pack_id: i64) -> Result<OrderContext> {
    use rusqlite::OptionalExtension;
    let head = conn
        .query_row(
            "SELECT o.id, COALESCE(b.first_name, b.nickname, ''), a.nickname, a.site_id,
                    s.tracking_number, s.carrier, s.estimated_delivery
             FROM orders o JOIN accounts a ON a.id = o.account_id
             LEFT JOIN buyers b ON b.id = o.buyer_id
             LEFT JOIN shipments s ON s.id = o.shipping_id
             WHERE o.account_id = ?1 AND (o.pack_id = ?2 OR o.id = ?2)
             ORDER BY o.id LIMIT 1",
            rusqlite::params![account_id, pack_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no order for pack {pack_id}")))?;
    let (order_id, first_name, seller, site_id, tracking, carrier, eta) = head;
    let mut stmt = conn.prepare_cached(
        "SELECT i.quantity, COALESCE(i.title, i.item_id)
         FROM order_items i JOIN orders o ON o.id = i.order_id
         WHERE o.account_id = ?1 AND (o.pack_id = ?2 OR o.id = ?2)
         ORDER BY o.id, i.line",
    )?;
    let items: Vec<String> = stmt
        .query_map(rusqlite::params![account_id, pack_id], |r| {
            Ok(format!(
                "{} × {}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let shipping_eta = match eta {
        Some(at) => {
            let at = crate::store::parse_ts(&at)?;
            let day = match crate::deadlines::business::Site::of(&site_id) {
                Ok(site) => site.local_date(at),
                Err(_) => at.date_naive(),
            };
            Some(day.format("%d/%m/%Y").to_string())
        }
        None => None,
    };
    Ok(OrderContext {
        buyer_first_name: first_name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned(),
        order_id: order_id.to_string(),
        items: items.join(", "),
        tracking_number: tracking.filter(|t| !t.is_empty()),
        carrier: carrier.filter(|c| !c.is_empty()),
        shipping_eta,
        seller,
    })
}

/// The values for `question_id`: its buyer, listing and account.
pub fn context_for(conn: &Connection, question_id: i64) -> Result<Context> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT COALESCE(b.nickname, ''), COALESCE(l.title, q.item_id),
                COALESCE(l.price || ' ' || l.currency_id, l.price, ''),
                COALESCE(CAST(l.available_quantity AS TEXT), ''), a.nickname, a.site_id
         FROM questions q JOIN accounts a ON a.id = q.account_id
         LEFT JOIN listings l ON l.id = q.item_id LEFT JOIN buyers b ON b.id = q.buyer_id
         WHERE q.id = ?1",
        [question_id],
        |r| {
            let site: String = r.get(5)?;
            Ok(Context {
                buyer: r.get(0)?,
                item_title: r.get(1)?,
                price: r.get(2)?,
                stock: r.get(3)?,
                seller: r.get(4)?,
                site_greeting: if site == "MLB" { "Olá" } else { "Hola" }.to_owned(),
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("question {question_id}")))
}

/// A filled template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Rendered.ts")]
pub struct Rendered {
    /// The text with known variables replaced (unknown ones left as written).
    pub text: String,
    /// Variables the template uses that do not exist (without braces).
    pub unknown: Vec<String>,
    /// Variables without a value yet (a tracking number before dispatch), left as written.
    pub missing: Vec<String>,
}

/// Fills `template` with `ctx`. `{{` and `}}` stand for literal braces.
pub fn render<V: Values + ?Sized>(template: &str, ctx: &V) -> Rendered {
    let mut out = String::with_capacity(template.len());
    let mut unknown = Vec::new();
    let mut missing = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open].replace("}}", "}"));
        let after = &rest[open + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            out.push('{');
            rest = stripped;
            continue;
        }
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                let name = &after[..close];
                match ctx.value(name) {
                    Some(Some(v)) => out.push_str(v),
                    found => {
                        let list = if found.is_none() {
                            &mut unknown
                        } else {
                            &mut missing
                        };
                        if !list.iter().any(|u| u == name) {
                            list.push(name.to_owned());
                        }
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(&rest.replace("}}", "}"));
    Rendered {
        text: out,
        unknown,
        missing,
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What is being written: it decides the length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "TextKind.ts")]
pub enum TextKind {
    /// An answer to a question (2,000 characters).
    Answer,
    /// A post-sale message (350 characters).
    Message,
}

/// What kind of contact data Mercado Libre moderates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "FindingKind.ts")]
pub enum FindingKind {
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A link or bare domain.
    Link,
}

/// Something Mercado Libre moderates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "LintFinding.ts", rename = "LintFinding")]
pub struct Finding {
    /// Phone, e-mail or link.
    pub kind: FindingKind,
    /// The text found.
    pub text: String,
}

/// The linter's verdict on a text being typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Lint.ts")]
pub struct Lint {
    /// Characters typed.
    #[ts(type = "number")]
    pub chars: usize,
    /// The most allowed.
    #[ts(type = "number")]
    pub limit: usize,
    /// Whether it can be sent (not empty, within the limit).
    pub sendable: bool,
    /// Phone numbers, e-mail addresses and links found.
    pub findings: Vec<Finding>,
}

/// Checks a text before it is sent.
pub fn lint(text: &str, kind: TextKind) -> Lint {
    let limit = match kind {
        TextKind::Answer => ANSWER_MAX_CHARS,
        TextKind::Message => MESSAGE_MAX_CHARS,
    };
    let chars = text.trim().chars().count();
    let mut findings = Vec::new();
    for word in text.split_whitespace() {
        let w = word.trim_matches(|c: char| {
            matches!(
                c,
                ',' | ';' | ':' | '!' | '?' | '¡' | '¿' | '(' | ')' | '"' | '\''
            )
        });
        let w = w.trim_end_matches('.');
        if is_email(w) {
            findings.push(Finding {
                kind: FindingKind::Email,
                text: w.to_owned(),
            });
        } else if is_link(w) {
            findings.push(Finding {
                kind: FindingKind::Link,
                text: w.to_owned(),
            });
        }
    }
    findings.extend(phones(text).into_iter().map(|p| Finding {
        kind: FindingKind::Phone,
        text: p,
    }));
    Lint {
        chars,
        limit,
        sendable: chars > 0 && chars <= limit,
        findings,
    }
}

fn is_email(w: &str) -> bool {
    let Some((user, domain)) = w.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

fn is_link(w: &str) -> bool {
    let l = w.to_lowercase();
    if l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www.") {
        return true;
    }
    const TLDS: &[&str] = &[
        ".com", ".net", ".org", ".ar", ".br", ".mx", ".cl", ".co", ".uy", ".pe", ".io", ".me",
        ".ly", ".link",
    ];
    let host = l.split('/').next().unwrap_or("");
    host.contains('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        && TLDS
            .iter()
            .any(|t| host.ends_with(t) || host.contains(&format!("{t}.")))
        && host.chars().any(char::is_alphabetic)
}

/// Runs of digits (with spaces, dashes, dots, parentheses or a leading +) holding 8 or more
/// digits: what looks like a phone number.
fn phones(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut digits = 0;
    let flush = |current: &mut String, digits: &mut usize, out: &mut Vec<String>| {
        let t = current
            .trim()
            .trim_end_matches(['-', '.', '('])
            .trim()
            .to_owned();
        if *digits >= 8 {
            out.push(t);
        }
        current.clear();
        *digits = 0;
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            current.push(c);
            digits += 1;
        } else if matches!(c, ' ' | '-' | '.' | '(' | ')') && !current.is_empty()
            || c == '+' && current.is_empty()
        {
            current.push(c);
        } else {
            flush(&mut current, &mut digits, &mut out);
        }
    }
    flush(&mut current, &mut digits, &mut out);
    out
}

/// One of the seller's past answers offered for the open question.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "Suggestion.ts")]
pub struct Suggestion {
    /// The answer given then.
    pub answer: String,
    /// The question it answered.
    pub question: String,
    /// Whether it was on the same listing.
    pub same_listing: bool,
}

#[cfg(test)]
mod tests;
