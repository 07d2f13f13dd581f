//! Writes the inbox's orders (unanswered oldest first, answered by answer date, all by question
//! date) over a small store, for the UI's mock backend to match (run with the binding exports;
//! `cargo xtask test` fails when the committed file is stale).

use chrono::{Duration, TimeZone, Utc};

use super::{InboxQuery, StatusFilter, list};
use crate::store::questions::tests::{sample, seed_account};
use crate::store::questions::{self, ANSWERED, UNANSWERED};
use crate::store::testing::temp_store;

#[test]
fn export_bindings_inbox_order_golden() {
    let (_dir, store) = temp_store();
    let conn = store.conn().expect("conn");
    seed_account(&conn);
    let base = Utc
        .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
        .single()
        .expect("date");
    // Asked at different times; some answered, in an order unlike the asking order; one tie.
    let rows = [
        (1, 0, None),
        (2, 5, Some(50)),
        (3, 2, None),
        (4, 9, Some(10)),
        (5, 2, None),
        (6, 7, Some(30)),
        (7, 1, Some(30)),
    ];
    let mut questions_json = Vec::new();
    for (id, asked_h, answered_h) in rows {
        let mut q = sample(id);
        q.date_created = base + Duration::hours(asked_h);
        if let Some(h) = answered_h {
            q.status = ANSWERED.into();
            q.answer_text = Some(format!("respuesta {id}"));
            q.answer_date = Some(base + Duration::hours(h));
        } else {
            q.status = UNANSWERED.into();
        }
        questions::upsert(&conn, &q, Utc::now()).expect("question");
        questions_json.push(serde_json::json!({
            "id": id,
            "status": q.status,
            "date_created": crate::store::ts(q.date_created),
            "answer_date": q.answer_date.map(crate::store::ts),
        }));
    }
    let mut cases = Vec::new();
    for status in [
        StatusFilter::Unanswered,
        StatusFilter::Answered,
        StatusFilter::All,
    ] {
        let query = InboxQuery {
            status,
            limit: Some(100),
            ..InboxQuery::default()
        };
        let ids: Vec<i64> = list(&conn, &query)
            .expect("list")
            .items
            .iter()
            .map(|q| q.id)
            .collect();
        cases.push(serde_json::json!({ "status": status, "ids": ids }));
    }
    let dir = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&dir).expect("golden dir");
    let golden = serde_json::json!({ "questions": questions_json, "cases": cases });
    let json = serde_json::to_string_pretty(&golden).expect("json") + "\n";
    std::fs::write(dir.join("inbox_order.json"), json).expect("write golden");
}
