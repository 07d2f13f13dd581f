//! The members of this machine: everyone sees who they are and can switch (with the target's
//! PIN); adding, changing and removing members is the owner's ([`Permission::ManageTeam`]), and
//! so are the per-member figures ([`Permission::ViewMetrics`]).

use super::Acting;
use crate::error::{Error, Result};
use crate::store::members;
use crate::team::{self, Caller, Member, MemberDraft, Permission, Role};

/// The team handle.
pub struct Team<'a> {
    pub(super) at: &'a Acting<'a>,
}

impl Team<'_> {
    fn ready(&self, permission: Permission) -> Result<&crate::Core> {
        self.at.require(permission)?;
        Ok(self.at.core)
    }

    /// Every member, the owner first (for the switcher).
    pub async fn members(&self) -> Result<Vec<Member>> {
        let core = self.ready(Permission::ReadInbox)?;
        core.store.run(|c| members::list(c)).await
    }

    /// Hands the keyboard to `member_id`, checking their PIN when they have one; the new
    /// caller.
    pub async fn switch_to(&self, member_id: i64, pin: Option<String>) -> Result<Caller> {
        let core = self.at.core;
        let now = core.clock.now();
        let member = core
            .store
            .run(move |c| {
                let stored = members::get(c, member_id)?
                    .ok_or_else(|| Error::NotFound(format!("member {member_id}")))?;
                team::check_pin(c, &stored, pin.as_deref(), now)?;
                Ok(stored.member)
            })
            .await?;
        core.set_at_keyboard(&member).await?;
        tracing::info!(member_id, "switched member");
        core.events.publish(crate::Event::MembersChanged);
        Ok(Caller::from(&member))
    }

    /// Adds an operator; returns its id.
    pub async fn add(&self, draft: MemberDraft) -> Result<i64> {
        let core = self.ready(Permission::ManageTeam)?;
        let name = draft.checked_name()?;
        let now = core.clock.now();
        let id = core
            .store
            .run(move |c| members::insert(c, &name, Role::Operator, draft.can_moderate, now))
            .await?;
        core.events.publish(crate::Event::MembersChanged);
        Ok(id)
    }

    /// Renames a member and sets the moderation grant.
    pub async fn update(&self, member_id: i64, draft: MemberDraft) -> Result<()> {
        let core = self.ready(Permission::ManageTeam)?;
        let name = draft.checked_name()?;
        core.store
            .run(move |c| members::update(c, member_id, &name, draft.can_moderate))
            .await?;
        core.refresh_at_keyboard().await?;
        core.events.publish(crate::Event::MembersChanged);
        Ok(())
    }

    /// Removes an operator (the owner cannot be removed).
    pub async fn remove(&self, member_id: i64) -> Result<()> {
        let core = self.ready(Permission::ManageTeam)?;
        if self.at.caller.member_id == member_id {
            return Err(Error::InvalidInput(
                "switch to someone else before removing this member".into(),
            ));
        }
        core.store
            .run(move |c| members::delete(c, member_id))
            .await?;
        core.events.publish(crate::Event::MembersChanged);
        Ok(())
    }

    /// Sets (`Some`) or removes (`None`) a member's PIN.
    pub async fn set_pin(&self, member_id: i64, pin: Option<String>) -> Result<()> {
        let core = self.ready(Permission::ManageTeam)?;
        let hash = pin.as_deref().map(team::hash_pin).transpose()?;
        core.store
            .run(move |c| members::set_pin_hash(c, member_id, hash.as_deref()))
            .await?;
        core.events.publish(crate::Event::MembersChanged);
        Ok(())
    }

    /// Answers and messages sent and response times, per member.
    pub async fn figures(&self) -> Result<Vec<team::MemberFigures>> {
        let core = self.ready(Permission::ViewMetrics)?;
        core.store.run(|c| team::figures(c)).await
    }
}
