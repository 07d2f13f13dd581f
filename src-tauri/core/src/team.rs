//! The team that answers for a seller on this machine: members, their roles, and the one table
//! of who may do what ([`allows`]). Every domain operation asks it through the core's gate
//! ([`crate::acting`]); the UI only hides what a member cannot do.
//!
//! The owner (created with the store) holds the Mercado Libre connection: a collaborator
//! cannot authorize an application (`invalid_operator_user_id`), so operators act through the
//! owner's accounts and the store records which member wrote what. Who is at the keyboard is
//! switched with an optional PIN, kept only as a salted Argon2 hash; wrong PINs slow the next
//! attempts down, across restarts too.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::members;

/// What a member is to the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "Role.ts")]
pub enum Role {
    /// Everything: accounts, stock, metrics, the team, settings.
    Owner,
    /// Answers questions and post-sale messages, with quick replies; nothing else.
    Operator,
}

/// Something a member may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "Permission.ts")]
pub enum Permission {
    /// See questions, conversations and their context.
    ReadInbox,
    /// Answer questions and write post-sale messages, with quick replies and suggestions.
    Answer,
    /// Delete questions and block buyers.
    Moderate,
    /// Create, change and delete quick replies.
    EditTemplates,
    /// Change stock and listing status.
    EditStock,
    /// See sales, reputation and team figures.
    ViewMetrics,
    /// Connect and disconnect Mercado Libre accounts.
    ManageAccounts,
    /// Add, change and remove members.
    ManageTeam,
    /// Notification and app settings, the demo switch.
    Settings,
}

impl Permission {
    /// Every permission, for tables and tests.
    pub const ALL: [Permission; 9] = [
        Permission::ReadInbox,
        Permission::Answer,
        Permission::Moderate,
        Permission::EditTemplates,
        Permission::EditStock,
        Permission::ViewMetrics,
        Permission::ManageAccounts,
        Permission::ManageTeam,
        Permission::Settings,
    ];
}

/// The one table of who may do what. `can_moderate` is the owner's grant of deleting and
/// blocking to an operator.
pub fn allows(role: Role, can_moderate: bool, permission: Permission) -> bool {
    use Permission::*;
    match (role, permission) {
        (Role::Owner, _) => true,
        (Role::Operator, ReadInbox | Answer) => true,
        (Role::Operator, Moderate) => can_moderate,
        (
            Role::Operator,
            EditTemplates | EditStock | ViewMetrics | ManageAccounts | ManageTeam | Settings,
        ) => false,
    }
}

/// A member as listed (no PIN, no hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Member.ts")]
pub struct Member {
    /// Local id.
    #[ts(type = "number")]
    pub id: i64,
    /// The name shown beside what they wrote.
    pub name: String,
    /// Owner or operator.
    pub role: Role,
    /// Whether the owner let this operator delete questions and block buyers.
    pub can_moderate: bool,
    /// Whether switching to them asks for a PIN.
    pub has_pin: bool,
}

/// Who is asking: what every domain operation receives, and checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Caller.ts")]
pub struct Caller {
    /// The member at the keyboard.
    #[ts(type = "number")]
    pub member_id: i64,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// The moderation grant.
    pub can_moderate: bool,
    /// What they may do, for the UI to show or hide (the core checks again).
    pub permissions: Vec<Permission>,
}

impl From<&Member> for Caller {
    fn from(m: &Member) -> Self {
        Self {
            member_id: m.id,
            name: m.name.clone(),
            role: m.role,
            can_moderate: m.can_moderate,
            permissions: Permission::ALL
                .into_iter()
                .filter(|p| allows(m.role, m.can_moderate, *p))
                .collect(),
        }
    }
}

impl Caller {
    /// `Ok` when the caller may do `permission`; [`Error::Forbidden`] otherwise.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if allows(self.role, self.can_moderate, permission) {
            Ok(())
        } else {
            Err(Error::Forbidden {
                member_id: self.member_id,
                permission,
            })
        }
    }
}

/// Wrong PINs allowed before each next attempt waits.
const FREE_ATTEMPTS: i64 = 3;
/// The wait after the first attempt past the free ones; it doubles with each further one.
const FIRST_WAIT_SECONDS: i64 = 5;
/// The longest wait.
const MAX_WAIT_SECONDS: i64 = 300;

/// A PIN's salted Argon2 hash (PHC string).
pub fn hash_pin(pin: &str) -> Result<String> {
    let pin = pin.trim();
    if pin.len() < 4 || pin.len() > 12 || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::InvalidInput("a PIN has 4 to 12 digits".into()));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("cannot hash the PIN: {e}"), None))
}

/// How long the next attempt waits after `failed` wrong PINs.
fn wait_after(failed: i64) -> Option<Duration> {
    (failed >= FREE_ATTEMPTS).then(|| {
        let doublings = (failed - FREE_ATTEMPTS).min(10) as u32;
        Duration::seconds((FIRST_WAIT_SECONDS << doublings).min(MAX_WAIT_SECONDS))
    })
}

/// Checks `pin` for `stored` at `now`: refuses while a wait is running, records the outcome.
/// A member without a PIN is switched to without one.
pub fn check_pin(
    conn: &rusqlite::Connection,
    stored: &members::Stored,
    pin: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(hash) = &stored.pin_hash else {
        return Ok(());
    };
    let id = stored.member.id;
    if let Some(until) = stored.locked_until
        && until > now
    {
        return Err(Error::PinLocked {
            retry_after_seconds: (until - now).num_seconds().max(1),
        });
    }
    let right = pin.is_some_and(|p| {
        PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(p.trim().as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    });
    if right {
        members::record_success(conn, id)?;
        return Ok(());
    }
    let failed = stored.failed_attempts + 1;
    let wait = wait_after(failed);
    members::record_failure(conn, id, failed, wait.map(|w| now + w))?;
    tracing::warn!(member_id = id, failed, "wrong PIN");
    Err(Error::WrongPin {
        retry_after_seconds: wait.map_or(0, |w| w.num_seconds()),
    })
}

/// A new or changed member, as the owner enters it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export, export_to = "MemberDraft.ts")]
pub struct MemberDraft {
    /// The name shown beside what they write.
    pub name: String,
    /// Whether an operator may delete questions and block buyers.
    pub can_moderate: bool,
}

impl MemberDraft {
    /// The trimmed name, refused when empty or too long.
    pub fn checked_name(&self) -> Result<String> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(Error::InvalidInput(
                "a member needs a name of at most 40 characters".into(),
            ));
        }
        Ok(name.to_owned())
    }
}

/// What one member did, for the owner: volume and how fast they answered.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "MemberFigures.ts")]
pub struct MemberFigures {
    /// The member.
    #[ts(type = "number")]
    pub member_id: i64,
    /// Their name.
    pub name: String,
    /// Answers they sent (or that are on their way).
    #[ts(type = "number")]
    pub answers: i64,
    /// Post-sale messages they sent.
    #[ts(type = "number")]
    pub messages: i64,
    /// Median minutes from a question to their answer.
    pub median_minutes: Option<f64>,
    /// 90th percentile of the same.
    pub p90_minutes: Option<f64>,
}

/// Every member's figures, from the outbox rows they queued (aggregates in SQL).
pub fn figures(conn: &rusqlite::Connection) -> Result<Vec<MemberFigures>> {
    let mut stmt = conn.prepare(
        "WITH rt AS (
             SELECT o.member_id AS m,
                    (julianday(o.created_at) - julianday(q.date_created)) * 1440.0 AS minutes
             FROM outbox o JOIN questions q ON q.id = CAST(o.target_id AS INTEGER)
             WHERE o.kind = 'answer' AND o.member_id IS NOT NULL AND o.state != 'failed'
         ), ranked AS (
             SELECT m, minutes,
                    ROW_NUMBER() OVER (PARTITION BY m ORDER BY minutes) AS k,
                    COUNT(*) OVER (PARTITION BY m) AS n
             FROM rt
         ), sent AS (
             SELECT member_id AS m, SUM(kind = 'answer') AS answers, SUM(kind = 'message') AS messages
             FROM outbox WHERE member_id IS NOT NULL AND state != 'failed' GROUP BY member_id
         )
         SELECT mem.id, mem.name, COALESCE(s.answers, 0), COALESCE(s.messages, 0),
                (SELECT minutes FROM ranked WHERE m = mem.id AND k = (n + 1) / 2),
                (SELECT minutes FROM ranked WHERE m = mem.id AND k = (9 * n + 9) / 10)
         FROM members mem LEFT JOIN sent s ON s.m = mem.id
         ORDER BY mem.role = 'operator', mem.name COLLATE NOCASE, mem.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(MemberFigures {
            member_id: r.get(0)?,
            name: r.get(1)?,
            answers: r.get(2)?,
            messages: r.get(3)?,
            median_minutes: r.get(4)?,
            p90_minutes: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests;
