//! Notification and app settings. Reading how the app looks (language, theme) is for everyone;
//! changing anything is the owner's ([`Permission::Settings`]).

use super::Acting;
use crate::error::Result;
use crate::team::Permission;
use crate::{notify, preferences};

/// The settings handle.
pub struct Settings<'a> {
    pub(super) at: &'a Acting<'a>,
}

impl Settings<'_> {
    fn ready(&self, permission: Permission) -> Result<&crate::Core> {
        self.at.require(permission)?;
        Ok(self.at.core)
    }

    /// The notification settings.
    pub async fn notifications(&self) -> Result<notify::NotificationSettings> {
        let core = self.ready(Permission::Settings)?;
        notify::settings(&core.store).await
    }

    /// Replaces the notification settings.
    pub async fn set_notifications(&self, value: notify::NotificationSettings) -> Result<()> {
        let core = self.ready(Permission::Settings)?;
        notify::set_settings(&core.store, value).await
    }

    /// Pauses notifications for `minutes` from now.
    pub async fn pause_notifications(&self, minutes: u32) -> Result<()> {
        let core = self.ready(Permission::Settings)?;
        let mut value = notify::settings(&core.store).await?;
        let until = core.clock.now() + chrono::Duration::minutes(minutes as i64);
        value.paused_until = Some(until.to_rfc3339());
        notify::set_settings(&core.store, value).await
    }

    /// How the app starts and looks (everyone's window follows it).
    pub async fn preferences(&self) -> Result<preferences::AppPreferences> {
        let core = self.ready(Permission::ReadInbox)?;
        preferences::get(&core.store).await
    }

    /// Replaces how the app starts and looks.
    pub async fn set_preferences(&self, value: preferences::AppPreferences) -> Result<()> {
        let core = self.ready(Permission::Settings)?;
        preferences::set(&core.store, value).await
    }

    /// The automatic messages' rules of an account (one per trigger).
    pub async fn auto_rules(&self, account_id: i64) -> Result<Vec<crate::automatic::AutoRule>> {
        let core = self.ready(Permission::Settings)?;
        known_account(core, account_id).await?;
        core.store
            .run(move |c| crate::automatic::rules(c, account_id))
            .await
    }

    /// Sets an automatic message's rule: its post-sale quick reply and whether it is on
    /// (switching it on applies to events from now on).
    pub async fn set_auto_rule(
        &self,
        account_id: i64,
        trigger: crate::automatic::AutoTrigger,
        template_id: Option<i64>,
        enabled: bool,
    ) -> Result<()> {
        let core = self.ready(Permission::Settings)?;
        known_account(core, account_id).await?;
        let now = core.clock.now();
        core.store
            .run(move |c| {
                crate::automatic::set_rule(c, account_id, trigger, template_id, enabled, now)
            })
            .await
    }

    /// What a rule would send next (the latest orders it applies to), before switching it on.
    pub async fn auto_preview(
        &self,
        account_id: i64,
        trigger: crate::automatic::AutoTrigger,
        template_id: i64,
    ) -> Result<Vec<crate::automatic::AutoPreview>> {
        let core = self.ready(Permission::Settings)?;
        known_account(core, account_id).await?;
        core.store
            .run(move |c| crate::automatic::preview(c, account_id, trigger, template_id))
            .await
    }
}

/// Refuses an account this store does not hold (in this mode).
async fn known_account(core: &crate::Core, account_id: i64) -> Result<()> {
    if core.accounts().await?.iter().any(|a| a.id == account_id) {
        Ok(())
    } else {
        Err(crate::error::Error::NotFound(format!(
            "account {account_id}"
        )))
    }
}
