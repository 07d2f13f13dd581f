//! Quick replies: using them (everyone who answers) and editing them (the owner).

use super::Acting;
use crate::error::{Error, Result};
use crate::replies;
use crate::store;
use crate::team::Permission;

/// The quick replies handle ([`Permission::Answer`] to use, [`Permission::EditTemplates`] to
/// change).
pub struct Replies<'a> {
    pub(super) at: &'a Acting<'a>,
}

impl Replies<'_> {
    fn ready(&self, permission: Permission) -> Result<&crate::Core> {
        self.at.require(permission)?;
        Ok(self.at.core)
    }

    /// Quick replies offered for `item_id` (all when `None`) of `kind` (every kind when
    /// `None`), most used first.
    pub async fn templates(
        &self,
        item_id: Option<String>,
        kind: Option<store::templates::TemplateKind>,
    ) -> Result<Vec<store::templates::Template>> {
        let core = self.ready(Permission::Answer)?;
        core.store
            .run(move |c| store::templates::list(c, item_id.as_deref(), kind))
            .await
    }

    /// Creates (`id` = `None`) or updates a quick reply; returns its id.
    pub async fn save(&self, id: Option<i64>, draft: store::templates::Draft) -> Result<i64> {
        let core = self.ready(Permission::EditTemplates)?;
        if draft.title.trim().is_empty() || draft.text.trim().is_empty() {
            return Err(Error::InvalidInput(
                "a quick reply needs a title and a text".into(),
            ));
        }
        let now = core.clock.now();
        core.store
            .run(move |c| store::templates::save(c, id, &draft, now))
            .await
    }

    /// Deletes a quick reply.
    pub async fn delete(&self, id: i64) -> Result<()> {
        let core = self.ready(Permission::EditTemplates)?;
        core.store
            .run(move |c| store::templates::delete(c, id))
            .await
    }

    /// Fills a quick reply for a question (the preview, and what is inserted).
    pub async fn render(&self, text: String, question_id: i64) -> Result<replies::Rendered> {
        let core = self.ready(Permission::Answer)?;
        let ctx = core
            .store
            .run(move |c| replies::context_for(c, question_id))
            .await?;
        Ok(replies::render(&text, &ctx))
    }

    /// Fills a post-sale quick reply for a conversation with its order's values; the account is
    /// the pack's own.
    pub async fn render_for_conversation(
        &self,
        text: String,
        pack_id: i64,
    ) -> Result<replies::Rendered> {
        let core = self.ready(Permission::Answer)?;
        let account_id = core.account_of_pack(pack_id).await?;
        let ctx = core
            .store
            .run(move |c| replies::order_context_for(c, account_id, pack_id))
            .await?;
        Ok(replies::render(&text, &ctx))
    }

    /// Counts one use of a quick reply (most used come first).
    pub async fn used(&self, id: i64) -> Result<()> {
        let core = self.ready(Permission::Answer)?;
        core.store.run(move |c| store::templates::used(c, id)).await
    }

    /// Checks a text being typed (length, phones, e-mails, links).
    pub fn lint(&self, text: &str, kind: replies::TextKind) -> Result<replies::Lint> {
        self.ready(Permission::Answer)?;
        Ok(replies::lint(text, kind))
    }

    /// The seller's past answers for a question, best first.
    pub async fn suggestions(&self, question_id: i64) -> Result<Vec<replies::Suggestion>> {
        let core = self.ready(Permission::Answer)?;
        let stats = core.word_stats.clone();
        core.store
            .run(move |c| replies::suggestions(c, &stats, question_id, 5))
            .await
    }

    /// The seller's past post-sale replies to buyers who wrote like this conversation's, best
    /// first (`s` in the conversation's composer); its account is the pack's own.
    pub async fn conversation_suggestions(&self, pack_id: i64) -> Result<Vec<replies::Suggestion>> {
        let core = self.ready(Permission::Answer)?;
        let account_id = core.account_of_pack(pack_id).await?;
        core.store
            .run(move |c| replies::conversation_suggestions(c, account_id, pack_id, 5))
            .await
    }
}
