//! The `reply_templates` table: the seller's quick replies.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ts;
use crate::error::Result;

/// What a quick reply answers: a question about a listing, or a buyer after a sale (its
/// variables differ).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "TemplateKind.ts")]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// Pre-sale questions (`{buyer}`, `{item_title}`, `{price}`…).
    #[default]
    Question,
    /// Post-sale messages (`{buyer_first_name}`, `{order_id}`, `{tracking_number}`…).
    PostSale,
}

impl TemplateKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Question => "question",
            Self::PostSale => "post_sale",
        }
    }

    fn parse(s: &str) -> Self {
        if s == "post_sale" {
            Self::PostSale
        } else {
            Self::Question
        }
    }
}

/// A stored quick reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ReplyTemplate.ts", rename = "ReplyTemplate")]
pub struct Template {
    /// Row id.
    #[ts(type = "number")]
    pub id: i64,
    /// Short name shown in lists.
    pub title: String,
    /// Text with `{variables}`.
    pub text: String,
    /// Only offered for this listing, when set.
    pub item_id: Option<String>,
    /// Typed shortcut, when set (e.g. `envio`).
    pub shortcut: Option<String>,
    /// Times it was used.
    #[ts(type = "number")]
    pub usage_count: i64,
    /// Questions or post-sale messages.
    pub kind: TemplateKind,
}

/// What the user edits.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(
    export,
    export_to = "ReplyTemplateDraft.ts",
    rename = "ReplyTemplateDraft"
)]
pub struct Draft {
    /// Short name.
    pub title: String,
    /// Text with `{variables}`.
    pub text: String,
    /// Only for this listing.
    pub item_id: Option<String>,
    /// Typed shortcut.
    pub shortcut: Option<String>,
    /// Questions (the default) or post-sale messages.
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<TemplateKind>,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Template> {
    Ok(Template {
        id: r.get("id")?,
        title: r.get("title")?,
        text: r.get("text")?,
        item_id: r.get("item_id")?,
        shortcut: r.get("shortcut")?,
        usage_count: r.get("usage_count")?,
        kind: TemplateKind::parse(&r.get::<_, String>("kind")?),
    })
}

/// Templates offered for `item_id` (its own and the general ones; all when `None`) of `kind`
/// (every kind when `None`), most used first.
pub fn list(
    conn: &Connection,
    item_id: Option<&str>,
    kind: Option<TemplateKind>,
) -> Result<Vec<Template>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM reply_templates
         WHERE (?1 IS NULL OR item_id IS NULL OR item_id = ?1) AND (?2 IS NULL OR kind = ?2)
         ORDER BY usage_count DESC, title COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map(params![item_id, kind.map(TemplateKind::as_str)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One template.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Template>> {
    Ok(conn
        .query_row(
            "SELECT * FROM reply_templates WHERE id = ?1",
            [id],
            from_row,
        )
        .optional()?)
}

/// Inserts (`id` = `None`) or updates a template; returns its id.
pub fn save(conn: &Connection, id: Option<i64>, d: &Draft, now: DateTime<Utc>) -> Result<i64> {
    let kind = d.kind.unwrap_or_default().as_str();
    match id {
        Some(id) => {
            conn.execute(
                "UPDATE reply_templates SET title = ?2, text = ?3, item_id = ?4, shortcut = ?5,
                     updated_at = ?6, kind = ?7 WHERE id = ?1",
                params![id, d.title, d.text, d.item_id, d.shortcut, ts(now), kind],
            )?;
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO reply_templates (title, text, item_id, shortcut, created_at, updated_at,
                                             kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                params![d.title, d.text, d.item_id, d.shortcut, ts(now), kind],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

/// Deletes a template.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM reply_templates WHERE id = ?1", [id])?;
    Ok(())
}

/// Counts one use.
pub fn used(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE reply_templates SET usage_count = usage_count + 1 WHERE id = ?1",
        [id],
    )?;
    Ok(())
}
