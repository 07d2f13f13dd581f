//! Reading the inbox: questions, conversations, what waits, and a question's context.

use super::Acting;
use crate::error::{Error, Result};
use crate::inbox::{self, InboxPage, InboxQuery};
use crate::team::Permission;

/// The inbox handle ([`Permission::ReadInbox`]).
pub struct Inbox<'a> {
    pub(super) at: &'a Acting<'a>,
}

impl Inbox<'_> {
    fn ready(&self) -> Result<&crate::Core> {
        self.at.require(Permission::ReadInbox)?;
        Ok(self.at.core)
    }

    /// One page of questions.
    pub async fn list(&self, query: InboxQuery) -> Result<InboxPage> {
        let core = self.ready()?;
        core.store.run(move |c| inbox::list(c, &query)).await
    }

    /// One page of questions grouped by listing or by buyer.
    pub async fn groups(
        &self,
        query: inbox::groups::GroupQuery,
    ) -> Result<inbox::groups::GroupPage> {
        let core = self.ready()?;
        core.store
            .run(move |c| inbox::groups::list(c, &query))
            .await
    }

    /// One page of everything waiting for the seller: questions and conversations.
    pub async fn waiting(
        &self,
        query: inbox::waiting::WaitingQuery,
    ) -> Result<inbox::waiting::WaitingPage> {
        let core = self.ready()?;
        core.store
            .run(move |c| inbox::waiting::list(c, &query))
            .await
    }

    /// Every open deadline (messages to answer, claims to resolve, shipments to dispatch),
    /// soonest first.
    pub async fn deadlines(
        &self,
        query: crate::deadlines::DeadlineQuery,
    ) -> Result<Vec<crate::deadlines::Deadline>> {
        let core = self.ready()?;
        core.store
            .run(move |c| crate::deadlines::list(c, &query))
            .await
    }

    /// One page of post-sale conversations.
    pub async fn conversations(
        &self,
        query: inbox::conversations::ConversationQuery,
    ) -> Result<inbox::conversations::ConversationPage> {
        let core = self.ready()?;
        core.store
            .run(move |c| inbox::conversations::list(c, &query))
            .await
    }

    /// One page of orders: the ones to dispatch, or all.
    pub async fn orders(
        &self,
        query: inbox::orders::OrderQuery,
    ) -> Result<inbox::orders::OrderPage> {
        let core = self.ready()?;
        core.store
            .run(move |c| inbox::orders::list(c, &query))
            .await
    }

    /// A post-sale conversation with all its messages; its account is the pack's own.
    pub async fn conversation(
        &self,
        pack_id: i64,
    ) -> Result<inbox::conversations::ConversationThread> {
        let core = self.ready()?;
        let account_id = core.account_of_pack(pack_id).await?;
        core.store
            .run(move |c| inbox::conversations::thread(c, account_id, pack_id))
            .await
    }

    /// A listing's photo as a `data:` URL (fetched once, then from the store).
    pub async fn listing_photo(&self, item_id: &str) -> Result<Option<String>> {
        let core = self.ready()?;
        core.photos
            .for_listing(&core.store, item_id, core.clock.now())
            .await
    }

    /// The detail pane's context of a question: the buyer's history and the listing's stock.
    pub async fn question_context(
        &self,
        question_id: i64,
    ) -> Result<inbox::context::QuestionContext> {
        let core = self.ready()?;
        core.store
            .run(move |c| inbox::context::for_question(c, question_id))
            .await
    }

    /// Every resource's sync progress of an account.
    pub async fn sync_progress(
        &self,
        account_id: i64,
    ) -> Result<Vec<crate::store::cursors::ResourceProgress>> {
        let core = self.ready()?;
        if !core.accounts().await?.iter().any(|a| a.id == account_id) {
            return Err(Error::NotFound(format!("account {account_id}")));
        }
        core.store
            .run(move |c| crate::store::cursors::progress(c, account_id))
            .await
    }
}
