//! The gate with a real store: an operator is refused every owner-only operation and the store
//! does not change; what an operator may do is attributed to them; targets resolve their own
//! account.

use std::sync::Arc;

use super::*;
use crate::clock::SystemClock;
use crate::notify::{Notification, Notifier};
use crate::secrets::MemoryStore;
use crate::store::questions::tests::{sample, seed_account};
use crate::team::{Caller, MemberDraft};
use crate::{CoreConfig, ErrorCode};

struct Silent;

impl Notifier for Silent {
    fn show(&self, _notification: Notification) {}
}

fn core() -> (tempfile::TempDir, Core) {
    let dir = tempfile::tempdir().expect("dir");
    let core = Core::open(
        CoreConfig::new(dir.path().join("mostrador.db")),
        Arc::new(MemoryStore::default()),
        Arc::new(Silent),
        Arc::new(SystemClock),
    )
    .expect("core");
    let conn = core.engine().store().conn().expect("conn");
    seed_account(&conn);
    for id in [1, 2] {
        crate::store::questions::upsert(&conn, &sample(id), chrono::Utc::now()).expect("question");
    }
    (dir, core)
}

/// Every row of the tables an owner-only operation could change, as text.
fn snapshot(core: &Core) -> String {
    let conn = core.engine().store().conn().expect("conn");
    let mut out = String::new();
    for table in [
        "outbox",
        "reply_templates",
        "members",
        "settings",
        "accounts",
        "questions",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .expect("select");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .expect("rows");
        for row in rows {
            out.push_str(&format!("{table}: {}\n", row.expect("row").join(",")));
        }
    }
    out
}

fn forbidden<T: std::fmt::Debug>(what: &str, r: Result<T>) {
    match r {
        Err(e) => assert_eq!(e.code(), ErrorCode::Forbidden, "{what}: {e}"),
        Ok(v) => panic!("{what} was allowed to an operator: {v:?}"),
    }
}

async fn operator(core: &Core, can_moderate: bool) -> Caller {
    let owner = core.at_keyboard();
    let id = core
        .acting(&owner)
        .team()
        .add(MemberDraft {
            name: "Ana".into(),
            can_moderate,
        })
        .await
        .expect("add");
    core.acting(&owner)
        .team()
        .switch_to(id, None)
        .await
        .expect("switch")
}

#[tokio::test]
async fn an_operator_is_refused_every_owner_only_operation_and_nothing_changes() {
    let (_dir, core) = core();
    let core = Arc::new(core);
    let ana = operator(&core, false).await;
    assert_eq!(core.at_keyboard(), ana, "the keyboard is Ana's");
    let before = snapshot(&core);
    let me = core.acting(&ana);
    let draft = crate::store::templates::Draft {
        title: "Envío".into(),
        text: "Hola".into(),
        item_id: None,
        shortcut: None,
        kind: None,
    };
    forbidden("save a template", me.replies().save(None, draft).await);
    forbidden("delete a template", me.replies().delete(1).await);
    forbidden("delete questions", me.writes().delete_questions(&[1]).await);
    forbidden("block buyers", me.writes().block_buyers(&[1]).await);
    forbidden("set stock", me.writes().set_stock("MLA1", None, 3).await);
    forbidden(
        "bulk stock",
        me.stock()
            .bulk(Vec::new(), crate::stock::StockChange::Add(1))
            .await,
    );
    forbidden("stock threshold", me.stock().set_default_threshold(3).await);
    forbidden("notifications", me.settings().notifications().await);
    forbidden(
        "set notifications",
        me.settings()
            .set_notifications(crate::notify::NotificationSettings::default())
            .await,
    );
    forbidden("pause", me.settings().pause_notifications(60).await);
    forbidden(
        "preferences",
        me.settings()
            .set_preferences(crate::preferences::AppPreferences::default())
            .await,
    );
    let request = crate::accounts::ConnectRequest {
        site_id: "MLA".into(),
        client_id: "1".into(),
        client_secret: "s".into(),
        redirect_uri: "https://example.com/cb".into(),
    };
    forbidden("connect", me.accounts().begin_connect(&core, request).await);
    forbidden(
        "finish",
        me.accounts().finish_connect("https://x/?code=1").await,
    );
    forbidden(
        "saved application",
        me.accounts().saved_application("MLA").await,
    );
    forbidden("disconnect", me.accounts().disconnect(7).await);
    let member = MemberDraft {
        name: "Eve".into(),
        can_moderate: true,
    };
    forbidden("add a member", me.team().add(member.clone()).await);
    forbidden(
        "change a member",
        me.team().update(ana.member_id, member).await,
    );
    forbidden("remove a member", me.team().remove(1).await);
    forbidden("set a PIN", me.team().set_pin(1, Some("1234".into())).await);
    forbidden("figures", me.team().figures().await);
    forbidden(
        "the demo switch",
        me.require(crate::team::Permission::Settings),
    );
    assert_eq!(
        snapshot(&core),
        before,
        "no refused operation changed the store"
    );

    // What an operator may do works, and is theirs.
    let page = me.inbox().list(Default::default()).await.expect("inbox");
    assert_eq!(page.total, 2);
    me.replies()
        .templates(None, None)
        .await
        .expect("templates to use");
    me.writes()
        .answer(1, "¡Hola! Sí, hay.")
        .await
        .expect("answer");
    let page = me.inbox().list(Default::default()).await.expect("inbox");
    let answered = page.items.iter().find(|q| q.id == 1).expect("question 1");
    assert_eq!(answered.answered_by.as_deref(), Some("Ana"));
    let owner = core
        .acting(&core.at_keyboard())
        .team()
        .members()
        .await
        .expect("members")
        .into_iter()
        .find(|m| m.role == crate::team::Role::Owner)
        .expect("owner");
    let figures =
        crate::team::figures(&core.engine().store().conn().expect("conn")).expect("figures");
    let row = figures.iter().find(|f| f.name == "Ana").expect("Ana's row");
    assert_eq!((row.answers, row.messages), (1, 0));
    assert!(row.median_minutes.is_some_and(|m| m > 0.0));
    assert_eq!(
        figures
            .iter()
            .find(|f| f.member_id == owner.id)
            .map(|f| f.answers),
        Some(0)
    );
}

#[tokio::test]
async fn moderation_is_granted_per_operator_and_bulk_reports_each_item() {
    let (_dir, core) = core();
    let ana = operator(&core, true).await;
    let me = core.acting(&ana);
    let outcomes = me.writes().block_buyers(&[1, 2, 404]).await.expect("block");
    assert_eq!(outcomes.len(), 3);
    // Both questions are from buyer 99: one write, shared.
    assert!(outcomes[0].outbox_id.is_some());
    assert_eq!(outcomes[0].outbox_id, outcomes[1].outbox_id);
    assert_eq!(
        outcomes[2].error.as_ref().map(|e| e.code),
        Some(ErrorCode::NotFound)
    );
    let queued: i64 = core
        .engine()
        .store()
        .conn()
        .expect("conn")
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'block_buyer' AND member_id = ?1",
            [ana.member_id],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn becoming_the_owner_again_needs_the_owners_pin_and_targets_resolve_their_account() {
    let (_dir, core) = core();
    let owner = core.at_keyboard();
    core.acting(&owner)
        .team()
        .set_pin(owner.member_id, Some("8642".into()))
        .await
        .expect("pin");
    let ana = operator(&core, false).await;
    let me = core.acting(&ana);
    let wrong = me
        .team()
        .switch_to(owner.member_id, None)
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPin);
    assert_eq!(core.at_keyboard().member_id, ana.member_id);
    let back = me
        .team()
        .switch_to(owner.member_id, Some("8642".into()))
        .await
        .expect("right PIN");
    assert_eq!(back.role, crate::team::Role::Owner);

    // A conversation is found by its pack alone; an unknown one is not anyone's.
    let missing = me.inbox().conversation(123_456).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let missing = me.writes().send_message(123_456, "hola").await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let unknown = me.inbox().sync_progress(999).await.unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);
}

/// Stock through the gate: an operator reads it; the owner's bulk change queues one write per
/// editable row in one go, refuses read-only rows with their reason and unknown ones, and the
/// account of each write is its listing's.
#[tokio::test]
async fn stock_changes_are_the_owners_and_read_only_rows_are_refused_per_row() {
    use crate::stock::{StockChange, StockQuery, StockTarget};
    use crate::store::listings::{self, Listing, Traits};
    let (_dir, core) = core();
    let listing = |id: &str, available: i64, logistic: &str| Listing {
        id: id.into(),
        account_id: 7,
        title: format!("Publicación {id}"),
        price: None,
        currency_id: None,
        available_quantity: Some(available),
        status: Some("active".into()),
        permalink: None,
        thumbnail: None,
        sold_quantity: None,
        sku: None,
        variations: Some(Vec::new()),
        traits: Some(Traits {
            logistic_type: Some(logistic.into()),
            catalog_listing: false,
            sub_status: Vec::new(),
        }),
    };
    {
        let conn = core.engine().store().conn().expect("conn");
        let now = chrono::Utc::now();
        listings::upsert(&conn, &listing("MLA1", 10, "cross_docking"), now).expect("MLA1");
        listings::upsert(&conn, &listing("MLA2", 3, "cross_docking"), now).expect("MLA2");
        listings::upsert(&conn, &listing("MLA3", 50, "fulfillment"), now).expect("MLA3");
    }
    let owner = core.at_keyboard();
    let target = |id: &str| StockTarget {
        item_id: id.into(),
        variation_id: None,
    };
    let outcomes = core
        .acting(&owner)
        .stock()
        .bulk(
            vec![
                target("MLA1"),
                target("MLA2"),
                target("MLA3"),
                target("MLA9"),
            ],
            StockChange::Subtract(4),
        )
        .await
        .expect("bulk");
    let quantities: Vec<_> = outcomes.iter().map(|o| o.quantity).collect();
    assert_eq!(quantities, [Some(6), Some(0), None, None]);
    let codes: Vec<_> = outcomes
        .iter()
        .map(|o| o.error.as_ref().map(|e| e.code))
        .collect();
    assert_eq!(
        codes,
        [
            None,
            None,
            Some(ErrorCode::StockReadOnly),
            Some(ErrorCode::NotFound)
        ]
    );
    let single = core
        .acting(&owner)
        .stock()
        .set(target("MLA3"), 9)
        .await
        .expect_err("Full is read-only");
    assert_eq!(single.code(), ErrorCode::StockReadOnly);
    let accounts: Vec<i64> = {
        let conn = core.engine().store().conn().expect("conn");
        let mut stmt = conn
            .prepare("SELECT account_id FROM outbox WHERE kind = 'stock' ORDER BY id")
            .expect("select");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("accounts")
    };
    assert_eq!(accounts, [7, 7], "two writes, on the listings' account");

    // Pausing acts on listings: two rows of one listing are one write; the view says paused.
    let paused = core
        .acting(&owner)
        .stock()
        .bulk(
            vec![target("MLA1"), target("MLA1"), target("MLA2")],
            StockChange::Pause,
        )
        .await
        .expect("pause");
    assert_eq!(paused.len(), 2, "one outcome per listing");
    assert!(paused.iter().all(|o| o.outbox_id.is_some()));

    let ana = operator(&core, false).await;
    let page = core
        .acting(&ana)
        .stock()
        .page(StockQuery {
            limit: 10,
            ..StockQuery::default()
        })
        .await
        .expect("an operator sees stock");
    assert_eq!(page.total, 3);
    let by = |id: &str| page.items.iter().find(|r| r.id == id).expect("row");
    assert_eq!((by("MLA1").available, by("MLA1").pending), (6, true));
    assert_eq!(by("MLA2").status, crate::stock::StockStatus::OutOfStock);
    assert_eq!(by("MLA1").status, crate::stock::StockStatus::Paused);
    assert_eq!(
        by("MLA3").read_only,
        Some(crate::stock::ReadOnlyReason::Fulfillment)
    );
}
