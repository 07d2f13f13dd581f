//! Schema migrations: `migrations/NNNN_name.sql`, embedded in the binary, applied in order.
//!
//! `PRAGMA user_version` records the last applied migration. All pending migrations and the
//! version bump run in ONE transaction, so a crash leaves either the old or the new schema, never
//! half of one. A database whose version is newer than this build is refused rather than guessed
//! at. Migrations are append-only: never edit one that has shipped.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The embedded migrations, in order. Index + 1 is the schema version each one produces.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        "0002_settings_and_realert",
        include_str!("../../migrations/0002_settings_and_realert.sql"),
    ),
    (
        "0003_seller_resources",
        include_str!("../../migrations/0003_seller_resources.sql"),
    ),
    (
        "0004_search_and_replies",
        include_str!("../../migrations/0004_search_and_replies.sql"),
    ),
    (
        "0005_covering_date_index",
        include_str!("../../migrations/0005_covering_date_index.sql"),
    ),
    (
        "0006_grouping_indexes",
        include_str!("../../migrations/0006_grouping_indexes.sql"),
    ),
    (
        "0007_question_counts",
        include_str!("../../migrations/0007_question_counts.sql"),
    ),
    (
        "0008_conversations",
        include_str!("../../migrations/0008_conversations.sql"),
    ),
    (
        "0009_listing_photos",
        include_str!("../../migrations/0009_listing_photos.sql"),
    ),
    ("0010_team", include_str!("../../migrations/0010_team.sql")),
    (
        "0011_outbox_evidence",
        include_str!("../../migrations/0011_outbox_evidence.sql"),
    ),
    (
        "0012_stock",
        include_str!("../../migrations/0012_stock.sql"),
    ),
    (
        "0013_stock_links",
        include_str!("../../migrations/0013_stock_links.sql"),
    ),
    (
        "0014_stock_alerts",
        include_str!("../../migrations/0014_stock_alerts.sql"),
    ),
    (
        "0015_stock_sales",
        include_str!("../../migrations/0015_stock_sales.sql"),
    ),
    (
        "0016_metrics_days",
        include_str!("../../migrations/0016_metrics_days.sql"),
    ),
    (
        "0017_deadline_alerts",
        include_str!("../../migrations/0017_deadline_alerts.sql"),
    ),
    (
        "0018_conversation_done",
        include_str!("../../migrations/0018_conversation_done.sql"),
    ),
    (
        "0019_post_sale_templates",
        include_str!("../../migrations/0019_post_sale_templates.sql"),
    ),
    (
        "0020_conversation_status",
        include_str!("../../migrations/0020_conversation_status.sql"),
    ),
    (
        "0021_automatic_messages",
        include_str!("../../migrations/0021_automatic_messages.sql"),
    ),
    (
        "0022_intermediated_conversations",
        include_str!("../../migrations/0022_intermediated_conversations.sql"),
    ),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies every pending migration atomically. Running it again is a no-op.
pub fn apply(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = latest_version();
    if found > supported {
        return Err(Error::SchemaTooNew { found, supported });
    }
    if found == supported {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tracing::info!(migration = name, "applying migration");
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn applies_to_an_empty_database() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, latest_version());
        let names = tables(&conn);
        for expected in [
            "accounts",
            "buyers",
            "listings",
            "outbox",
            "questions",
            "settings",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "missing table {expected}: {names:?}"
            );
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn re_running_is_a_no_op() {
        let (_dir, store) = temp_store();
        let mut conn = store.conn().unwrap();
        let before = tables(&conn);
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        assert_eq!(before, tables(&conn));
    }

    #[test]
    fn refuses_a_newer_database() {
        let (_dir, store) = temp_store();
        let mut conn = store.conn().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        let err = apply(&mut conn).unwrap_err();
        assert!(matches!(err, Error::SchemaTooNew { .. }), "got {err:?}");
    }
}
