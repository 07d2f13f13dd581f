//! Connecting, listing and disconnecting Mercado Libre accounts. Listing is for everyone who
//! reads the inbox (account names and filters); the rest is the owner's
//! ([`Permission::ManageAccounts`]).

use std::sync::Arc;

use super::Acting;
use crate::Core;
use crate::accounts::{AccountSummary, ConnectRequest};
use crate::applications::ApplicationInfo;
use crate::error::Result;
use crate::team::Permission;

/// The accounts handle.
pub struct Accounts<'a> {
    pub(super) at: &'a Acting<'a>,
}

impl Accounts<'_> {
    fn ready(&self, permission: Permission) -> Result<&Core> {
        self.at.require(permission)?;
        Ok(self.at.core)
    }

    /// Connected accounts, as the UI lists them.
    pub async fn list(&self) -> Result<Vec<AccountSummary>> {
        let core = self.ready(Permission::ReadInbox)?;
        Ok(core
            .accounts()
            .await?
            .into_iter()
            .map(AccountSummary::from)
            .collect())
    }

    /// Starts connecting an account: the authorization address to open in the browser (see
    /// [`crate::connecting`]).
    pub async fn begin_connect(&self, core: &Arc<Core>, request: ConnectRequest) -> Result<String> {
        self.ready(Permission::ManageAccounts)?;
        core.begin_connect(request).await
    }

    /// Finishes connecting from the address the browser landed on.
    pub async fn finish_connect(&self, landed: &str) -> Result<AccountSummary> {
        let core = self.ready(Permission::ManageAccounts)?;
        core.finish_connect(landed).await
    }

    /// The application remembered for `site_id` (no secret), to prefill the connect form.
    pub async fn saved_application(&self, site_id: &str) -> Result<Option<ApplicationInfo>> {
        let core = self.ready(Permission::ManageAccounts)?;
        crate::applications::info(core.secrets.clone(), site_id).await
    }

    /// Disconnects an account: stops its sync, removes its secrets and its data.
    pub async fn disconnect(&self, account_id: i64) -> Result<()> {
        let core = self.ready(Permission::ManageAccounts)?;
        core.disconnect(account_id).await
    }
}
