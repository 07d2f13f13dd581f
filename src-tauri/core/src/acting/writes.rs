//! Writes to Mercado Libre, each queued in the outbox with its author: answers and messages
//! ([`Permission::Answer`], which also marks a conversation done, a local decision), stock ([`Permission::EditStock`]), deleting questions and blocking
//! buyers ([`Permission::Moderate`]). The account of each write is its target's.

use serde::Serialize;
use ts_rs::TS;

use super::Acting;
use crate::error::{Error, Result, UiError};
use crate::outbox::Write;
use crate::store;
use crate::team::Permission;

/// The writes handle.
pub struct Writes<'a> {
    pub(super) at: &'a Acting<'a>,
}

/// One item of a bulk action: queued (its outbox row) or refused (why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "BulkOutcome.ts")]
pub struct BulkOutcome {
    /// The item acted on (a question id).
    #[ts(type = "number")]
    pub target: i64,
    /// The queued write, when it was queued.
    #[ts(type = "number | null")]
    pub outbox_id: Option<i64>,
    /// Why it was not.
    pub error: Option<UiError>,
}

impl Writes<'_> {
    fn ready(&self, permission: Permission) -> Result<&crate::Core> {
        self.at.require(permission)?;
        Ok(self.at.core)
    }

    fn by(&self) -> Option<i64> {
        Some(self.at.caller.member_id)
    }

    /// Queues an answer; it is sent by the outbox worker.
    pub async fn answer(&self, question_id: i64, text: &str) -> Result<i64> {
        let core = self.ready(Permission::Answer)?;
        core.outbox.queue_answer(question_id, text, self.by()).await
    }

    /// Queues a post-sale message to the buyer of `pack_id` (a pack, or an order without one).
    pub async fn send_message(&self, pack_id: i64, text: &str) -> Result<i64> {
        self.send_message_with(pack_id, text, None).await
    }

    /// [`Self::send_message`] with a file (checked, then kept until the message lands).
    pub async fn send_message_with(
        &self,
        pack_id: i64,
        text: &str,
        upload: Option<&crate::attachments::AttachmentUpload>,
    ) -> Result<i64> {
        let core = self.ready(Permission::Answer)?;
        let account_id = core.account_of_pack(pack_id).await?;
        let (buyer_id, agent) = core
            .store
            .run(move |c| {
                Ok((
                    store::messages::buyer_of_pack(c, account_id, pack_id)?,
                    store::messages::agent_route(c, account_id, pack_id)?,
                ))
            })
            .await?;
        let buyer_id = buyer_id.ok_or_else(|| {
            Error::NotFound(format!("no order or conversation with pack {pack_id}"))
        })?;
        // Intermediated by Mercado Libre's agent: to the agent, on the conversation's path, one
        // message at a time.
        let (to, via) = match agent {
            Some(route) if route.awaiting_agent => {
                return Err(Error::InvalidInput(
                    "Mercado Libre's assistant has not answered the last message yet: one message at a time"
                        .into(),
                ));
            }
            Some(route) => (route.agent_id, Some(route.path)),
            None => (buyer_id, None),
        };
        let attachment = match upload {
            Some(upload) => {
                let site_id = core
                    .accounts()
                    .await?
                    .into_iter()
                    .find(|a| a.id == account_id)
                    .map(|a| a.site_id)
                    .unwrap_or_default();
                let (path, name) = crate::attachments::keep(&core.attachments_dir(), upload)?;
                Some(crate::attachments::Attachment {
                    path: path.display().to_string(),
                    name,
                    site_id,
                })
            }
            None => None,
        };
        let kept = attachment.as_ref().map(|a| a.path.clone());
        let write = Write::Message {
            guide: None,
            via,
            attachment,
            pack_id,
            buyer_id: to,
            text: text.trim().to_owned(),
        };
        let queued = core.outbox.queue_write(account_id, write, self.by()).await;
        // Refused before it was queued: nothing will send the file.
        if queued.is_err()
            && let Some(path) = kept
        {
            crate::attachments::discard(&path);
        }
        queued
    }

    /// The reasons Mercado Libre's action guide allows for writing to the buyer of `pack_id`
    /// first, with their remaining caps, read now from Mercado Libre.
    pub async fn contact_options(
        &self,
        pack_id: i64,
    ) -> Result<Vec<crate::contact::ContactOption>> {
        let core = self.ready(Permission::Answer)?;
        let account_id = core.account_of_pack(pack_id).await?;
        let session = core.sessions.get(account_id)?;
        let guide = crate::marketplace::postsale::action_guide(&session, pack_id).await?;
        Ok(guide.iter().map(Into::into).collect())
    }

    /// Queues a first message to the buyer of `pack_id` through the action guide, after
    /// checking the choice against the guide as Mercado Libre returns it now.
    pub async fn contact_buyer(
        &self,
        pack_id: i64,
        draft: &crate::contact::ContactDraft,
    ) -> Result<i64> {
        let core = self.ready(Permission::Answer)?;
        let account_id = core.account_of_pack(pack_id).await?;
        let session = core.sessions.get(account_id)?;
        let guide = crate::marketplace::postsale::action_guide(&session, pack_id).await?;
        let (choice, text) = crate::contact::choose(&guide, draft)?;
        let buyer_id = core
            .store
            .run(move |c| store::messages::buyer_of_pack(c, account_id, pack_id))
            .await?
            .ok_or_else(|| Error::NotFound(format!("no order with pack {pack_id}")))?;
        let write = Write::Message {
            pack_id,
            buyer_id,
            text,
            guide: Some(choice),
            via: None,
            attachment: None,
        };
        core.outbox.queue_write(account_id, write, self.by()).await
    }

    /// Marks a post-sale conversation done ("no reply needed": it stops waiting until the buyer
    /// writes again), or clears the mark. A local decision: nothing is sent to Mercado Libre.
    pub async fn conversation_done(&self, pack_id: i64, done: bool) -> Result<()> {
        let core = self.ready(Permission::Answer)?;
        let account_id = core.account_of_pack(pack_id).await?;
        let by = self.by();
        let now = core.clock.now();
        let found = core
            .store
            .run(move |c| store::messages::mark_done(c, account_id, pack_id, done, by, now))
            .await?;
        if !found {
            return Err(Error::NotFound(format!("conversation {pack_id}")));
        }
        core.events.publish(crate::events::Event::MessagesChanged {
            account_id,
            pack_ids: vec![pack_id],
        });
        Ok(())
    }

    /// Queues new stock for a listing (or one of its variations), on the listing's account
    /// (the stock view's rules apply: see [`super::Stock::set`]).
    pub async fn set_stock(
        &self,
        item_id: &str,
        variation_id: Option<i64>,
        quantity: i64,
    ) -> Result<i64> {
        self.at
            .stock()
            .set(
                crate::stock::StockTarget {
                    item_id: item_id.to_owned(),
                    variation_id,
                },
                quantity,
            )
            .await
    }

    /// Queues deleting questions (spam, insults) in one transaction; each one's outcome.
    pub async fn delete_questions(&self, question_ids: &[i64]) -> Result<Vec<BulkOutcome>> {
        let core = self.ready(Permission::Moderate)?;
        self.bulk(core, question_ids, |q| Write::DeleteQuestion {
            question_id: q.id,
        })
        .await
    }

    /// Queues blocking the buyers of questions from asking their accounts again; each
    /// question's outcome (a buyer asking twice is blocked once).
    pub async fn block_buyers(&self, question_ids: &[i64]) -> Result<Vec<BulkOutcome>> {
        let core = self.ready(Permission::Moderate)?;
        self.bulk(core, question_ids, |q| Write::BlockBuyer {
            buyer_id: q.buyer_id,
        })
        .await
    }

    /// Resolves each question (its account and buyer), queues the writes in one go. Questions
    /// that make the same write (one buyer asking twice) share its row.
    async fn bulk(
        &self,
        core: &crate::Core,
        question_ids: &[i64],
        write: impl Fn(&store::questions::Question) -> Write,
    ) -> Result<Vec<BulkOutcome>> {
        let ids = question_ids.to_vec();
        let found = core
            .store
            .run(move |c| {
                ids.iter()
                    .map(|id| Ok((*id, store::questions::get(c, *id)?)))
                    .collect::<Result<Vec<_>>>()
            })
            .await?;
        let mut writes: Vec<(i64, Write)> = Vec::new();
        let mut slots: Vec<(i64, Option<usize>)> = Vec::with_capacity(found.len());
        for (id, question) in found {
            let slot = question.map(|q| {
                let w = (q.account_id, write(&q));
                writes.iter().position(|x| *x == w).unwrap_or_else(|| {
                    writes.push(w);
                    writes.len() - 1
                })
            });
            slots.push((id, slot));
        }
        let results: Vec<std::result::Result<i64, UiError>> = core
            .outbox
            .queue_writes(writes, self.by())
            .await?
            .into_iter()
            .map(|r| r.map_err(UiError::from))
            .collect();
        Ok(slots
            .into_iter()
            .map(|(target, slot)| {
                let result = match slot {
                    Some(i) => results[i].clone(),
                    None => Err(Error::NotFound(format!("question {target}")).into()),
                };
                BulkOutcome {
                    target,
                    outbox_id: result.as_ref().ok().copied(),
                    error: result.err(),
                }
            })
            .collect())
    }
}
