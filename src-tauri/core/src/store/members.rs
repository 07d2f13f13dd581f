//! The `members` table: who works at this machine, their role, and their PIN's hash and
//! failed-attempt count (the PIN itself is never stored).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::ts;
use crate::error::{Error, Result};
use crate::team::{Member, Role};

/// A member's row with what checking a PIN needs.
#[derive(Debug, Clone)]
pub struct Stored {
    /// What everyone may see.
    pub member: Member,
    /// The salted Argon2 hash (PHC string), when a PIN is set.
    pub pin_hash: Option<String>,
    /// Wrong PINs since the last right one.
    pub failed_attempts: i64,
    /// No attempt is checked before this time.
    pub locked_until: Option<DateTime<Utc>>,
}

fn role(text: &str) -> rusqlite::Result<Role> {
    match text {
        "owner" => Ok(Role::Owner),
        "operator" => Ok(Role::Operator),
        other => Err(rusqlite::Error::InvalidColumnType(
            0,
            format!("role {other}"),
            rusqlite::types::Type::Text,
        )),
    }
}

fn role_text(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Operator => "operator",
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let pin_hash: Option<String> = r.get("pin_hash")?;
    let locked: Option<String> = r.get("locked_until")?;
    Ok(Stored {
        member: Member {
            id: r.get("id")?,
            name: r.get("name")?,
            role: role(&r.get::<_, String>("role")?)?,
            can_moderate: r.get("can_moderate")?,
            has_pin: pin_hash.is_some(),
        },
        pin_hash,
        failed_attempts: r.get("failed_attempts")?,
        locked_until: locked
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)),
    })
}

/// Every member, the owner first.
pub fn list(conn: &Connection) -> Result<Vec<Member>> {
    let mut stmt =
        conn.prepare("SELECT * FROM members ORDER BY role = 'operator', name COLLATE NOCASE, id")?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows
        .map(|r| r.map(|s| s.member))
        .collect::<rusqlite::Result<_>>()?)
}

/// One member with their PIN state.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Stored>> {
    Ok(conn
        .query_row("SELECT * FROM members WHERE id = ?1", [id], from_row)
        .optional()?)
}

/// The owner (the migration creates one; it cannot be removed).
pub fn owner(conn: &Connection) -> Result<Member> {
    conn.query_row(
        "SELECT * FROM members WHERE role = 'owner' ORDER BY id LIMIT 1",
        [],
        from_row,
    )
    .map(|s| s.member)
    .map_err(Error::from)
}

/// Adds a member; returns its id.
pub fn insert(
    conn: &Connection,
    name: &str,
    role: Role,
    can_moderate: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO members (name, role, can_moderate, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, role_text(role), can_moderate, ts(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Renames a member and sets what they may moderate.
pub fn update(conn: &Connection, id: i64, name: &str, can_moderate: bool) -> Result<()> {
    let n = conn.execute(
        "UPDATE members SET name = ?2, can_moderate = CASE WHEN role = 'owner' THEN 1 ELSE ?3 END
         WHERE id = ?1",
        params![id, name, can_moderate],
    )?;
    if n == 0 {
        return Err(Error::NotFound(format!("member {id}")));
    }
    Ok(())
}

/// Removes an operator (the owner stays).
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "DELETE FROM members WHERE id = ?1 AND role = 'operator'",
        [id],
    )?;
    Ok(())
}

/// Sets or clears a member's PIN hash, forgetting failed attempts.
pub fn set_pin_hash(conn: &Connection, id: i64, hash: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE members SET pin_hash = ?2, failed_attempts = 0, locked_until = NULL WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}

/// Records a wrong PIN and until when the next attempt waits.
pub fn record_failure(
    conn: &Connection,
    id: i64,
    attempts: i64,
    locked_until: Option<DateTime<Utc>>,
) -> Result<()> {
    conn.execute(
        "UPDATE members SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
        params![id, attempts, locked_until.map(ts)],
    )?;
    Ok(())
}

/// A right PIN: the count starts again.
pub fn record_success(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE members SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
        [id],
    )?;
    Ok(())
}
