//! The core's one gate: every domain operation is reached through [`Core::acting`] with the
//! member asking ([`Caller`]), and checks that member's permission ([`crate::team::allows`])
//! before doing anything. Each operation resolves the account of its target itself (from the
//! question, the conversation, the listing); an account id from the window is never trusted.
//!
//! One handle per domain: [`Acting::inbox`], [`Acting::replies`], [`Acting::writes`],
//! [`Acting::stock`], [`Acting::metrics`], [`Acting::accounts`], [`Acting::settings`], [`Acting::team`].

mod accounts;
mod inbox;
mod metrics;
mod replies;
mod settings;
mod stock;
mod team;
mod writes;

pub use accounts::Accounts;
pub use inbox::Inbox;
pub use metrics::Metrics;
pub use replies::Replies;
pub use settings::Settings;
pub use stock::{Stock, StockOutcome};
pub use team::Team;
pub use writes::{BulkOutcome, Writes};

use crate::Core;
use crate::error::Result;
use crate::team::{Caller, Permission};

/// A member acting on the core.
pub struct Acting<'a> {
    core: &'a Core,
    caller: Caller,
}

impl Core {
    /// The gate: what `caller` may reach, each operation checked.
    pub fn acting(&self, caller: &Caller) -> Acting<'_> {
        Acting {
            core: self,
            caller: caller.clone(),
        }
    }
}

impl<'a> Acting<'a> {
    /// Refuses unless the caller may do `permission` (for the shell's own actions, such as
    /// switching to the demo).
    pub fn require(&self, permission: Permission) -> Result<()> {
        self.caller.require(permission)
    }

    /// Who is acting.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// Questions, conversations and their context.
    pub fn inbox(&self) -> Inbox<'_> {
        Inbox { at: self }
    }

    /// Quick replies, the linter and suggestions.
    pub fn replies(&self) -> Replies<'_> {
        Replies { at: self }
    }

    /// The stock view and stock changes.
    pub fn stock(&self) -> Stock<'_> {
        Stock { at: self }
    }

    /// The metrics screen and the thermometer.
    pub fn metrics(&self) -> Metrics<'_> {
        Metrics { at: self }
    }

    /// Every write to Mercado Libre, through the outbox.
    pub fn writes(&self) -> Writes<'_> {
        Writes { at: self }
    }

    /// Connecting and disconnecting Mercado Libre accounts.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { at: self }
    }

    /// Notification and app settings.
    pub fn settings(&self) -> Settings<'_> {
        Settings { at: self }
    }

    /// The members of this machine.
    pub fn team(&self) -> Team<'_> {
        Team { at: self }
    }
}

#[cfg(test)]
mod tests;
