//! The `buyers` table: nicknames of buyers who wrote to the seller (the questions API only
//! gives their id).

use rusqlite::{Connection, params};

use crate::error::Result;

/// Inserts or updates a buyer's nickname.
pub fn upsert(conn: &Connection, id: i64, nickname: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO buyers (id, nickname) VALUES (?1, ?2)
         ON CONFLICT(id) DO UPDATE SET nickname = excluded.nickname",
        params![id, crate::inbox::search::inert(nickname)],
    )?;
    Ok(())
}

/// Records a buyer's first name (orders carry it; questions do not).
pub fn set_first_name(conn: &Connection, id: i64, first_name: &str) -> Result<()> {
    conn.execute(
        "UPDATE buyers SET first_name = ?2 WHERE id = ?1",
        params![id, crate::inbox::search::inert(first_name.trim())],
    )?;
    Ok(())
}

/// Of `ids`, those with no stored nickname.
pub fn missing(conn: &Connection, ids: &[i64]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM buyers WHERE id = ?1")?;
    let mut out = Vec::new();
    for id in ids {
        if !stmt.exists([id])? && !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn missing_lists_unknown_ids_once() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        upsert(&conn, 1, "ANA").unwrap();
        upsert(&conn, 1, "ANA_2").unwrap();
        assert_eq!(missing(&conn, &[1, 2, 2, 3]).unwrap(), vec![2, 3]);
    }
}
