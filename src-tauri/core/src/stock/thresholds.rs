//! Low-stock thresholds: a global default (in the settings), overridden per SKU, overridden per
//! listing. The page query applies them in SQL.

use rusqlite::{Connection, params};

use crate::error::{Error, Result};
use crate::store::settings;

/// The default when the seller never set one.
pub const DEFAULT_THRESHOLD: i64 = 5;

const KEY: &str = "stock_low_threshold";

/// The global default threshold.
pub fn default_threshold(conn: &Connection) -> Result<i64> {
    let stored: Option<i64> = settings::get(conn, KEY)?;
    Ok(stored.unwrap_or(DEFAULT_THRESHOLD))
}

/// Sets the global default threshold.
pub fn set_default_threshold(conn: &Connection, threshold: i64) -> Result<()> {
    if threshold < 0 {
        return Err(Error::InvalidInput("a threshold cannot be negative".into()));
    }
    settings::put(conn, KEY, &Some(threshold))
}

/// Sets (or with `None` removes) the threshold of one listing (`scope = "listing"`, key its id)
/// or of one SKU (`scope = "sku"`).
pub fn set_threshold(
    conn: &Connection,
    scope: &str,
    key: &str,
    threshold: Option<i64>,
) -> Result<()> {
    if !matches!(scope, "listing" | "sku") {
        return Err(Error::InvalidInput(format!(
            "unknown threshold scope {scope:?}"
        )));
    }
    match threshold {
        Some(t) if t < 0 => Err(Error::InvalidInput("a threshold cannot be negative".into())),
        Some(t) => {
            conn.execute(
                "INSERT INTO stock_thresholds (scope, key, threshold) VALUES (?1, ?2, ?3)
                 ON CONFLICT(scope, key) DO UPDATE SET threshold = excluded.threshold",
                params![scope, key, t],
            )?;
            Ok(())
        }
        None => {
            conn.execute(
                "DELETE FROM stock_thresholds WHERE scope = ?1 AND key = ?2",
                params![scope, key],
            )?;
            Ok(())
        }
    }
}
