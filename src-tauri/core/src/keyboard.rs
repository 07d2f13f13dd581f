//! Who is at the keyboard: the member the shell passes to [`Core::acting`], remembered across
//! restarts (an operator stays an operator: becoming the owner again needs the owner's PIN).

use crate::error::Result;
use crate::{Core, store, team};

/// The settings key of the member last at the keyboard.
const AT_KEYBOARD: &str = "at_keyboard";

/// The member last at the keyboard, else the owner. After a restart an operator stays an
/// operator: becoming the owner again needs the owner's PIN.
pub(crate) fn load_at_keyboard(conn: &rusqlite::Connection) -> Result<team::Member> {
    let id: Option<i64> = store::settings::get(conn, AT_KEYBOARD)?;
    if let Some(id) = id
        && let Some(stored) = store::members::get(conn, id)?
    {
        return Ok(stored.member);
    }
    store::members::owner(conn)
}

impl Core {
    /// Who is at the keyboard: the caller the shell passes to [`Core::acting`].
    pub fn at_keyboard(&self) -> team::Caller {
        let member = self.at_keyboard.read().unwrap_or_else(|e| e.into_inner());
        team::Caller::from(&*member)
    }

    /// Hands the keyboard to `member` (its PIN already checked) and remembers it.
    pub(crate) async fn set_at_keyboard(&self, member: &team::Member) -> Result<()> {
        let id = member.id;
        self.store
            .run(move |c| store::settings::put(c, AT_KEYBOARD, &Some(id)))
            .await?;
        *self.at_keyboard.write().unwrap_or_else(|e| e.into_inner()) = member.clone();
        Ok(())
    }

    /// Rereads the member at the keyboard (after the owner changed them).
    pub(crate) async fn refresh_at_keyboard(&self) -> Result<()> {
        let member = self.store.run(|c| load_at_keyboard(c)).await?;
        *self.at_keyboard.write().unwrap_or_else(|e| e.into_inner()) = member;
        Ok(())
    }
}
