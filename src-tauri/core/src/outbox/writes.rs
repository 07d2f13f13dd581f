//! Writes other than answers: a post-sale message, a stock change, deleting a question, blocking
//! a buyer. Each is validated, queued in the transaction that updates the local view, sent by
//! the worker, and reconciled before any resend so it lands once:
//! - a message: the conversation is read whole (without marking it read) and compared with the
//!   ids recorded before the first send ([`identify`]);
//! - a stock change: setting a quantity is idempotent, so it is simply sent again;
//! - deleting: a question already gone (404) counts as deleted;
//! - blocking: the blocklist is read for the buyer.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::ts;

/// The longest post-sale message Mercado Libre accepts from a seller, in characters.
pub const MESSAGE_MAX_CHARS: usize = 350;

/// A write to Mercado Libre other than an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Write {
    /// A post-sale message to the pack's buyer.
    Message {
        /// The pack (or the order, when it has no pack).
        pack_id: i64,
        /// The buyer it goes to.
        buyer_id: i64,
        /// The text (for a template of the action guide, the template's id until Mercado Libre's
        /// text arrives with the conversation).
        text: String,
        /// A first message through the action guide (the seller cannot simply write first).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        guide: Option<GuideChoice>,
        /// The conversation's own path when Mercado Libre's AI agent intermediates it (the
        /// recipient is then the agent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<String>,
        /// A file sent with the message, kept until it lands.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<crate::attachments::Attachment>,
    },
    /// New stock of a listing or of one of its variations.
    Stock {
        /// The listing.
        item_id: String,
        /// The variation, if the listing has them.
        variation_id: Option<i64>,
        /// Units available.
        quantity: i64,
    },
    /// Pauses or reactivates a listing.
    ListingStatus {
        /// The listing.
        item_id: String,
        /// `paused` or `active`.
        status: String,
    },
    /// Deletes a question.
    DeleteQuestion {
        /// The question.
        question_id: i64,
    },
    /// Blocks a buyer from asking questions.
    BlockBuyer {
        /// The buyer.
        buyer_id: i64,
    },
}

/// The action guide's option a first message uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideChoice {
    /// The option (`REQUEST_BILLING_INFO`, `OTHER`…).
    pub option_id: String,
    /// Its template, for a template option (the text is then Mercado Libre's).
    pub template_id: Option<String>,
}

impl Write {
    /// The outbox `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Message { .. } => "message",
            Self::Stock { .. } => "stock",
            Self::ListingStatus { .. } => "listing_status",
            Self::DeleteQuestion { .. } => "delete_question",
            Self::BlockBuyer { .. } => "block_buyer",
        }
    }

    /// The outbox `target_id` column: what the write applies to.
    pub fn target(&self) -> String {
        match self {
            Self::Message { pack_id, .. } => pack_id.to_string(),
            Self::Stock {
                item_id,
                variation_id: Some(v),
                ..
            } => format!("{item_id}:{v}"),
            Self::Stock { item_id, .. } => item_id.clone(),
            Self::ListingStatus { item_id, .. } => item_id.clone(),
            Self::DeleteQuestion { question_id } => question_id.to_string(),
            Self::BlockBuyer { buyer_id } => buyer_id.to_string(),
        }
    }

    /// Refuses what Mercado Libre would refuse, before anything is queued.
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::Message { text, .. } => {
                if text.trim().is_empty() {
                    return Err(Error::InvalidInput("the message is empty".into()));
                }
                let chars = text.chars().count();
                if chars > MESSAGE_MAX_CHARS {
                    return Err(Error::InvalidInput(format!(
                        "the message has {chars} characters; Mercado Libre accepts at most {MESSAGE_MAX_CHARS}"
                    )));
                }
            }
            Self::Stock { quantity, .. } if *quantity < 0 => {
                return Err(Error::InvalidInput("stock cannot be negative".into()));
            }
            Self::ListingStatus { status, .. } if status != "paused" && status != "active" => {
                return Err(Error::InvalidInput(format!(
                    "a listing can be paused or activated, not {status:?}"
                )));
            }
            _ => {}
        }
        Ok(())
    }

    /// Updates the local view in the queueing transaction, so the UI shows the write at once.
    pub fn apply_locally(
        &self,
        conn: &Connection,
        account_id: i64,
        outbox_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        match self {
            Self::Message {
                pack_id,
                buyer_id,
                text,
                attachment,
                ..
            } => {
                if let Some(file) = attachment {
                    conn.execute(
                        "INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text,
                                               status, date_created, attachments)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sending', ?7, ?8)",
                        params![
                            local_message_id(outbox_id),
                            account_id,
                            pack_id,
                            account_id,
                            buyer_id,
                            text,
                            ts(now),
                            serde_json::json!([file.name]).to_string()
                        ],
                    )?;
                    return Ok(());
                }
                conn.execute(
                    "INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text, status,
                                           date_created)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sending', ?7)",
                    params![
                        local_message_id(outbox_id),
                        account_id,
                        pack_id,
                        account_id,
                        buyer_id,
                        text,
                        ts(now)
                    ],
                )?;
            }
            Self::Stock {
                item_id,
                variation_id: Some(v),
                quantity,
            } => {
                conn.execute(
                    "UPDATE listing_variations SET available_quantity = ?3
                     WHERE id = ?2 AND listing_id = ?1",
                    params![item_id, v, quantity],
                )?;
                conn.execute(
                    "UPDATE listings SET available_quantity =
                         (SELECT COALESCE(SUM(available_quantity), 0) FROM listing_variations
                          WHERE listing_id = ?1)
                     WHERE id = ?1",
                    [item_id],
                )?;
            }
            Self::Stock {
                item_id, quantity, ..
            } => {
                conn.execute(
                    "UPDATE listings SET available_quantity = ?2 WHERE id = ?1",
                    params![item_id, quantity],
                )?;
            }
            Self::ListingStatus { item_id, status } => {
                conn.execute(
                    "UPDATE listings SET status = ?2 WHERE id = ?1",
                    params![item_id, status],
                )?;
            }
            Self::DeleteQuestion { question_id } => {
                conn.execute(
                    "UPDATE questions SET status = 'DELETED', updated_at = ?2 WHERE id = ?1",
                    params![question_id, ts(now)],
                )?;
            }
            Self::BlockBuyer { .. } => {}
        }
        Ok(())
    }

    /// Updates the local view once Mercado Libre accepted the write. A message's local copy
    /// takes the id Mercado Libre gave it (when known), so the next sync finds it instead of
    /// adding it again; if the sync was first, the local copy goes.
    pub fn applied(
        &self,
        conn: &Connection,
        outbox_id: i64,
        remote_id: Option<&str>,
    ) -> Result<()> {
        if let Self::Message { .. } = self {
            let local = local_message_id(outbox_id);
            match remote_id {
                Some(remote) => {
                    let synced: bool = conn.query_row(
                        "SELECT EXISTS (SELECT 1 FROM messages WHERE id = ?1)",
                        [remote],
                        |r| r.get(0),
                    )?;
                    if synced {
                        conn.execute("DELETE FROM messages WHERE id = ?1", [&local])?;
                    } else {
                        conn.execute(
                            "UPDATE messages SET id = ?2, status = 'available' WHERE id = ?1",
                            params![local, remote],
                        )?;
                    }
                }
                None => {
                    conn.execute(
                        "UPDATE messages SET status = 'available' WHERE id = ?1",
                        [local],
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Whether an error from sending means the write is in effect anyway.
    pub fn already_in_effect(&self, err: &Error) -> bool {
        matches!(
            (self, err),
            (Self::DeleteQuestion { .. }, Error::Api { status: 404, .. })
        )
    }
}

/// A seller's message as the conversation shows it, for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// Mercado Libre's id.
    pub id: String,
    /// The text as Mercado Libre stored it (it may normalise or mask it).
    pub text: String,
    /// `available`, `moderated`, `rejected`…
    pub status: Option<String>,
}

/// Which message of the conversation an earlier send of `text` became, if any. Candidates are
/// the seller's messages that were not there before the first send (`baseline`) and that no
/// other row became (`claimed`): so an identical earlier text is never taken for this one, and
/// no clock is compared. Among them, the first whose text matches once both are folded (case,
/// spacing, punctuation and characters outside ISO-8859-1 ignored, as Mercado Libre may store
/// them); failing that, a lone candidate Mercado Libre moderated or rejected (its text may be
/// masked). A template of the action guide (`templated`) carries Mercado Libre's text, not
/// ours: the first candidate is it.
pub fn identify<'a>(
    thread: &'a [SentMessage],
    baseline: &[String],
    claimed: &[String],
    text: &str,
    templated: bool,
) -> Option<&'a SentMessage> {
    let candidates: Vec<&SentMessage> = thread
        .iter()
        .filter(|m| !baseline.contains(&m.id) && !claimed.contains(&m.id))
        .collect();
    if templated {
        return candidates.first().copied();
    }
    let wanted = fold(text);
    if let Some(m) = candidates.iter().find(|m| fold(&m.text) == wanted) {
        return Some(m);
    }
    match candidates.as_slice() {
        [only] if matches!(only.status.as_deref(), Some("moderated") | Some("rejected")) => {
            Some(only)
        }
        _ => None,
    }
}

/// A text reduced to what survives any normalisation: lowercase letters and digits of
/// ISO-8859-1.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() && u32::from(*c) <= 0xFF)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Marks the local copy of a refused message (if the row was one) as failed: the conversation
/// shows it with the error and waits for the seller again. A refusal because the conversation
/// is blocked (`code` `blocked_…`) records the block, so the composer says so from then on.
pub fn refused(
    conn: &Connection,
    outbox_id: i64,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let local = local_message_id(outbox_id);
    conn.execute(
        "UPDATE messages SET status = 'failed' WHERE id = ?1",
        [&local],
    )?;
    if code.starts_with("blocked") {
        conn.execute(
            "INSERT INTO conversation_status (account_id, pack_id, status, substatus, updated_at)
             SELECT account_id, pack_id, 'blocked', ?2, ?3 FROM messages WHERE id = ?1
             ON CONFLICT (account_id, pack_id) DO UPDATE SET status = excluded.status,
                 substatus = excluded.substatus, updated_at = excluded.updated_at",
            rusqlite::params![local, code, crate::store::ts(now)],
        )?;
    }
    Ok(())
}

/// The id of the local copy of a queued message until the real one is synced.
pub fn local_message_id(outbox_id: i64) -> String {
    format!("{}{outbox_id}", crate::store::messages::LOCAL_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_what_mercado_libre_refuses() {
        let message = |text: &str| Write::Message {
            guide: None,
            via: None,
            attachment: None,
            pack_id: 1,
            buyer_id: 2,
            text: text.into(),
        };
        assert!(message("  ").validate().is_err());
        assert!(message(&"a".repeat(351)).validate().is_err());
        assert!(
            message(&"á".repeat(350)).validate().is_ok(),
            "characters, not bytes"
        );
        let stock = |quantity| Write::Stock {
            item_id: "MLA1".into(),
            variation_id: None,
            quantity,
        };
        assert!(stock(-1).validate().is_err());
        assert!(stock(0).validate().is_ok());
    }

    #[test]
    fn targets_name_what_the_write_applies_to() {
        let s = Write::Stock {
            item_id: "MLA1".into(),
            variation_id: Some(7),
            quantity: 3,
        };
        assert_eq!((s.kind(), s.target().as_str()), ("stock", "MLA1:7"));
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Write>(&json).ok(), Some(s));
    }

    fn sent(id: &str, text: &str, status: &str) -> SentMessage {
        SentMessage {
            id: id.into(),
            text: text.into(),
            status: Some(status.into()),
        }
    }

    #[test]
    fn an_identical_earlier_message_is_not_taken_for_this_one() {
        let thread = [sent("M1", "Gracias", "available")];
        assert_eq!(
            identify(&thread, &["M1".into()], &[], "Gracias", false),
            None
        );
        let thread = [
            sent("M1", "Gracias", "available"),
            sent("M2", "Gracias", "available"),
        ];
        assert_eq!(
            identify(&thread, &["M1".into()], &[], "Gracias", false).map(|m| m.id.as_str()),
            Some("M2")
        );
        // M2 is another row's: this one has not landed.
        assert_eq!(
            identify(&thread, &["M1".into()], &["M2".into()], "Gracias", false),
            None
        );
    }

    #[test]
    fn a_normalised_text_still_matches_and_another_text_does_not() {
        let thread = [sent("M9", "hola,  tu paquete sale HOY", "available")];
        assert!(identify(&thread, &[], &[], "  Hola, tu paquete sale hoy 📦 ", false).is_some());
        assert!(identify(&thread, &[], &[], "Hola, tu paquete sale mañana", false).is_none());
    }

    #[test]
    fn a_lone_moderated_message_is_ours_but_a_lone_available_one_is_not() {
        let moderated = [sent("M3", "Escribime a ***", "moderated")];
        assert!(identify(&moderated, &[], &[], "Escribime a ana@example.com", false).is_some());
        // Written on the site meanwhile: not ours, and not guessed to be.
        let other = [sent("M4", "Otro texto", "available")];
        assert!(identify(&other, &[], &[], "Escribime", false).is_none());
    }

    #[test]
    fn a_guide_template_is_the_first_new_message_whatever_its_text() {
        let thread = [
            sent("M1", "Gracias", "available"),
            sent("M5", "Necesitamos tus datos de facturación", "available"),
        ];
        let template = "TEMPLATE___REQUEST_BILLING_INFO___1";
        assert_eq!(
            identify(&thread, &["M1".into()], &[], template, true).map(|m| m.id.as_str()),
            Some("M5")
        );
        assert_eq!(
            identify(&thread, &["M1".into()], &[], template, false),
            None
        );
        assert_eq!(
            identify(&thread[..1], &["M1".into()], &[], template, true),
            None
        );
    }
}
