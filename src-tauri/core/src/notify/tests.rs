use std::sync::Mutex;

use chrono::TimeZone;

use super::*;
use crate::clock::ManualClock;
use crate::store::accounts::Account;
use crate::store::listings::Listing;

#[derive(Default)]
struct Recorder(Mutex<Vec<Notification>>);

impl Notifier for Recorder {
    fn show(&self, n: Notification) {
        self.0.lock().unwrap().push(n);
    }
}

struct Fx {
    dir: tempfile::TempDir,
    store: Store,
    clock: Arc<ManualClock>,
    recorder: Arc<Recorder>,
    locale: Locale,
    next_id: Mutex<i64>,
}

/// Buenos Aires (UTC−3), Sunday 2026-11-22 12:00 local.
fn fx() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).unwrap();
    {
        let conn = store.conn().unwrap();
        account(&conn, 7, "MATEANDO");
        for (id, title) in [
            ("MLA1", "Mate Imperial"),
            ("MLA2", "Termo 1 L"),
            ("MLA3", "Bombilla"),
        ] {
            let l = Listing {
                id: id.into(),
                account_id: 7,
                title: title.into(),
                price: None,
                currency_id: None,
                available_quantity: None,
                status: None,
                permalink: None,
                thumbnail: None,
                sold_quantity: None,
                sku: None,
                variations: None,
                traits: None,
            };
            listings::upsert(&conn, &l, Utc::now()).unwrap();
        }
    }
    Fx {
        dir,
        store,
        clock: Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 15, 0, 0).unwrap(),
        )),
        recorder: Arc::new(Recorder::default()),
        locale: Locale {
            language: Language::Es,
            utc_offset_minutes: -180,
        },
        next_id: Mutex::new(100),
    }
}

fn account(conn: &rusqlite::Connection, id: i64, nickname: &str) {
    let a = Account {
        id,
        nickname: nickname.into(),
        site_id: "MLA".into(),
        api_base: "http://127.0.0.1:1".into(),
        status: crate::store::accounts::AccountStatus::Connected,
        baseline_done: false,
    };
    accounts::upsert(conn, &a, Utc::now()).unwrap();
}

impl Fx {
    /// A buyer asks on `item`, `minutes_ago` minutes ago.
    fn ask(&self, item: &str, minutes_ago: i64) -> i64 {
        let mut next = self.next_id.lock().unwrap();
        *next += 1;
        let q = Question {
            id: *next,
            account_id: 7,
            item_id: item.into(),
            buyer_id: 1,
            text: format!("pregunta {next}"),
            status: questions::UNANSWERED.into(),
            date_created: self.clock.now() - Duration::minutes(minutes_ago),
            answer_text: None,
            answer_date: None,
        };
        questions::upsert(&self.store.conn().unwrap(), &q, self.clock.now()).unwrap();
        *next
    }

    /// One poll's announcements.
    async fn poll(&self) -> Vec<Notification> {
        let before = self.recorder.0.lock().unwrap().len();
        let notifier: Arc<dyn Notifier> = self.recorder.clone();
        let clock: Arc<dyn Clock> = self.clock.clone();
        announce(&self.store, &notifier, &clock, &self.locale, 7)
            .await
            .unwrap();
        self.recorder.0.lock().unwrap()[before..].to_vec()
    }

    async fn set(&self, f: impl FnOnce(&mut NotificationSettings)) {
        let mut s = settings(&self.store).await.unwrap();
        f(&mut s);
        set_settings(&self.store, s).await.unwrap();
    }

    fn advance(&self, minutes: i64) {
        self.clock.advance(Duration::minutes(minutes));
    }
}

#[tokio::test]
async fn baseline_is_silent_then_each_new_question_is_announced_once() {
    let f = fx();
    f.ask("MLA1", 60);
    assert!(
        f.poll().await.is_empty(),
        "questions waiting at the first sync are not announced"
    );
    let id = f.ask("MLA2", 0);
    let shown = f.poll().await;
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (shown[0].question_id, shown[0].kind),
        (id, NotificationKind::NewQuestion)
    );
    assert_eq!(shown[0].summary, "Termo 1 L");
    assert_eq!(shown[0].body, format!("pregunta {id}"));
    assert!(f.poll().await.is_empty(), "never twice");
}

#[tokio::test]
async fn more_than_the_threshold_in_one_poll_is_one_grouped_notification() {
    let f = fx();
    f.poll().await;
    for item in ["MLA1", "MLA1", "MLA2", "MLA3", "MLA3"] {
        f.ask(item, 0);
    }
    let shown = f.poll().await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].kind, NotificationKind::Grouped);
    assert_eq!(shown[0].summary, "5 preguntas nuevas");
    assert_eq!(
        shown[0].body,
        "en 3 publicaciones: Mate Imperial, Termo 1 L, Bombilla"
    );
    assert_eq!(shown[0].question_ids.len(), 5);
    for item in ["MLA1", "MLA2", "MLA3"] {
        f.ask(item, 0);
    }
    assert_eq!(
        f.poll().await.len(),
        3,
        "exactly the threshold is still one each"
    );
}

#[tokio::test]
async fn a_restart_never_announces_again() {
    let f = fx();
    f.poll().await;
    f.ask("MLA1", 0);
    assert_eq!(f.poll().await.len(), 1);
    // A new process: a new store handle on the same file.
    let reopened = Store::open(&f.dir.path().join("m.db")).unwrap();
    let notifier: Arc<dyn Notifier> = f.recorder.clone();
    let clock: Arc<dyn Clock> = f.clock.clone();
    let shown = announce(&reopened, &notifier, &clock, &f.locale, 7)
        .await
        .unwrap();
    assert_eq!(shown, 0);
}

#[tokio::test]
async fn quiet_hours_silence_new_questions_and_reminders_unless_chosen() {
    let f = fx();
    f.poll().await;
    // Every day 22:00 → 08:00 local; now is Sunday 12:00 local.
    f.set(|s| {
        s.quiet_hours = vec![QuietHours {
            days: (1..=7).collect(),
            start_minute: 22 * 60,
            end_minute: 8 * 60,
        }]
    })
    .await;
    f.advance(14 * 60); // Monday 02:00 local, inside the range that started on Sunday.
    f.ask("MLA1", 0);
    assert!(f.poll().await.is_empty(), "quiet hours");
    f.advance(20);
    assert!(
        f.poll().await.is_empty(),
        "no reminder in quiet hours either"
    );
    f.set(|s| s.realert_in_quiet_hours = true).await;
    let shown = f.poll().await;
    assert_eq!(
        shown.len(),
        1,
        "the seller chose reminders even in quiet hours"
    );
    assert_eq!(shown[0].kind, NotificationKind::Reminder);
    f.set(|s| s.realert_in_quiet_hours = false).await;
    f.advance(6 * 60); // 08:20 local: quiet hours are over.
    let id = f.ask("MLA2", 0);
    let shown = f.poll().await;
    assert_eq!(
        shown.iter().map(|n| n.question_id).collect::<Vec<_>>(),
        vec![id]
    );
}

#[tokio::test]
async fn a_waiting_question_is_reminded_once_after_the_configured_time() {
    let f = fx();
    f.poll().await;
    let id = f.ask("MLA1", 0);
    assert_eq!(f.poll().await.len(), 1);
    f.advance(14);
    assert!(f.poll().await.is_empty(), "not before 15 minutes");
    f.advance(1);
    let shown = f.poll().await;
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (shown[0].kind, shown[0].question_id),
        (NotificationKind::Reminder, id)
    );
    assert_eq!(shown[0].summary, "Sigue sin responder (15 min)");
    assert!(shown[0].body.starts_with("Mate Imperial: "));
    f.advance(60);
    assert!(f.poll().await.is_empty(), "only once");
    let answered = f.ask("MLA2", 0);
    f.poll().await;
    let mut q = questions::get(&f.store.conn().unwrap(), answered)
        .unwrap()
        .unwrap();
    q.status = questions::ANSWERED.into();
    questions::upsert(&f.store.conn().unwrap(), &q, f.clock.now()).unwrap();
    f.advance(30);
    assert!(
        f.poll().await.is_empty(),
        "an answered question is not reminded"
    );
}

#[tokio::test]
async fn account_switches_pause_and_master_switch() {
    let f = fx();
    f.poll().await;
    f.set(|s| {
        s.accounts.insert(
            "7".into(),
            AccountNotifications {
                enabled: false,
                sound: true,
            },
        );
    })
    .await;
    f.ask("MLA1", 0);
    assert!(f.poll().await.is_empty(), "account switched off");
    f.set(|s| {
        s.accounts.insert(
            "7".into(),
            AccountNotifications {
                enabled: true,
                sound: false,
            },
        );
        s.paused_until = Some((Utc.with_ymd_and_hms(2026, 11, 22, 16, 0, 0).unwrap()).to_rfc3339());
    })
    .await;
    f.ask("MLA2", 0);
    assert!(f.poll().await.is_empty(), "paused for an hour");
    f.advance(61);
    f.ask("MLA3", 0);
    let shown = f.poll().await;
    assert_eq!(
        shown
            .iter()
            .filter(|n| n.kind == NotificationKind::NewQuestion)
            .count(),
        1
    );
    assert!(shown.iter().all(|n| !n.sound), "sound off for this account");
    f.set(|s| s.enabled = false).await;
    f.ask("MLA1", 0);
    f.advance(30);
    assert!(
        f.poll().await.is_empty(),
        "master switch off: nothing, reminders included"
    );
}

#[tokio::test]
async fn the_nickname_is_shown_when_several_accounts_are_connected() {
    let f = fx();
    f.poll().await;
    account(&f.store.conn().unwrap(), 8, "OTRA_CUENTA");
    f.ask("MLA1", 0);
    let shown = f.poll().await;
    assert_eq!(shown[0].summary, "Mate Imperial · MATEANDO");
}

#[test]
fn truncate_keeps_short_text_and_cuts_on_characters() {
    assert_eq!(truncate("  hola  ", 10), "hola");
    assert_eq!(truncate("¿envío gratis?", 6), "¿enví…");
    assert_eq!(truncate("ab", 2), "ab");
}

#[test]
fn languages_follow_the_locale() {
    assert_eq!(Language::from_locale("pt_BR.UTF-8"), Language::Pt);
    assert_eq!(Language::from_locale("en-US"), Language::En);
    assert_eq!(Language::from_locale("es_AR"), Language::Es);
    let t = Texts {
        language: Language::Pt,
        nickname: None,
    };
    assert_eq!(t.grouped(4, &["Cuia".into()]).0, "4 novas perguntas");
    assert_eq!(t.grouped(4, &["Cuia".into()]).1, "em 1 anúncio: Cuia");
}

impl Fx {
    /// One stock-alert round's announcements.
    async fn stock(&self) -> Vec<Notification> {
        let before = self.recorder.0.lock().unwrap().len();
        let notifier: Arc<dyn Notifier> = self.recorder.clone();
        let clock: Arc<dyn Clock> = self.clock.clone();
        announce_stock(&self.store, &notifier, &clock, &self.locale, 7)
            .await
            .unwrap();
        self.recorder.0.lock().unwrap()[before..].to_vec()
    }

    fn stock_of(&self, item: &str, available: i64) {
        self.store
            .conn()
            .unwrap()
            .execute(
                "UPDATE listings SET available_quantity = ?2 WHERE id = ?1",
                rusqlite::params![item, available],
            )
            .unwrap();
    }
}

#[tokio::test]
async fn a_listing_buyers_ask_about_running_out_is_announced_once_per_running_out() {
    let f = fx();
    for item in ["MLA1", "MLA2", "MLA3"] {
        f.stock_of(item, 50);
    }
    // Already out when first seen: not news.
    f.stock_of("MLA3", 0);
    f.ask("MLA3", 60);
    let first = f.ask("MLA1", 30);
    f.ask("MLA1", 10);
    assert!(
        f.stock().await.is_empty(),
        "in stock, or low before: nothing to say"
    );
    f.stock_of("MLA1", 0);
    let shown = f.stock().await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].kind, NotificationKind::StockAlert);
    assert_eq!(shown[0].summary, "Sin stock: Mate Imperial");
    assert_eq!(shown[0].body, "2 preguntas esperan respuesta");
    assert_eq!(
        shown[0].question_id, first,
        "a click opens the oldest question"
    );
    assert!(f.stock().await.is_empty(), "once");
    // Restocked, then under the threshold (5 by default): announced again.
    f.stock_of("MLA1", 20);
    assert!(f.stock().await.is_empty());
    f.stock_of("MLA1", 3);
    let shown = f.stock().await;
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].summary, "Quedan 3: Mate Imperial");
    // Out of stock without questions: nothing.
    f.stock_of("MLA2", 0);
    assert!(f.stock().await.is_empty());
    // Paused: recorded, not shown, and not shown later either.
    f.stock_of("MLA3", 30);
    assert!(f.stock().await.is_empty());
    f.set(|s| s.paused_until = Some("2026-11-22T18:00:00Z".into()))
        .await;
    f.stock_of("MLA3", 0);
    assert!(f.stock().await.is_empty());
    f.advance(240);
    assert!(f.stock().await.is_empty());
}

impl Fx {
    /// One deadline-alert round's announcements.
    async fn deadlines(&self) -> Vec<Notification> {
        let before = self.recorder.0.lock().unwrap().len();
        let notifier: Arc<dyn Notifier> = self.recorder.clone();
        let clock: Arc<dyn Clock> = self.clock.clone();
        crate::notify::announce_deadlines(&self.store, &notifier, &clock, &self.locale, 7)
            .await
            .unwrap();
        self.recorder.0.lock().unwrap()[before..].to_vec()
    }

    fn waiting_since(&self, pack: i64, since: &str) {
        self.store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO conversations (account_id, pack_id, last_message_id, last_at,
                                            waiting_since, message_count)
                 VALUES (7, ?1, 'm', ?2, ?2, 1)",
                rusqlite::params![pack, since],
            )
            .unwrap();
    }
}

#[tokio::test]
async fn a_deadline_an_hour_away_is_announced_once_and_a_paused_one_never() {
    let f = fx();
    // Now: Tuesday 2026-11-24 11:00 in Buenos Aires (Monday the 23rd is a holiday there).
    f.advance(47 * 60);
    // Waiting since 04:30: the clock starts at 08:00, so the reply is due at 16:00 (19:00 UTC).
    f.waiting_since(900, "2026-11-24T07:30:00.000Z");
    assert!(f.deadlines().await.is_empty(), "five hours away");
    f.advance(4 * 60 + 10);
    let shown = f.deadlines().await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].kind, NotificationKind::DeadlineSoon);
    assert_eq!(
        shown[0].pack_id,
        Some(900),
        "a click opens the conversation"
    );
    assert_eq!(shown[0].summary, "Vence en 50 min: Responder al comprador");
    assert_eq!(shown[0].body, "Venta #900");
    f.advance(10);
    assert!(f.deadlines().await.is_empty(), "once");
    // Paused while another comes near: recorded, and not shown after the pause either.
    f.waiting_since(901, "2026-11-24T08:00:00.000Z");
    f.set(|s| s.paused_until = Some("2026-11-24T19:30:00Z".into()))
        .await;
    f.advance(10);
    assert!(f.deadlines().await.is_empty(), "paused");
    f.advance(30);
    assert!(f.deadlines().await.is_empty(), "not shown later");
}

#[tokio::test]
async fn a_parcel_past_its_promised_delivery_is_announced_once_and_marked_late() {
    let f = fx();
    {
        let conn = f.store.conn().unwrap();
        conn.execute_batch(
            "INSERT INTO orders (id, account_id, status, date_created, last_updated, shipping_id)
                 VALUES (500, 7, 'paid', '2026-11-18T10:00:00.000Z', 'x', 9500),
                        (501, 7, 'paid', '2026-11-18T10:00:00.000Z', 'x', 9501);
             INSERT INTO shipments (id, account_id, order_id, status, estimated_delivery,
                                    updated_at)
                 VALUES (9500, 7, 500, 'shipped', '2026-11-22T18:00:00.000Z', 'x'),
                        (9501, 7, 501, 'delivered', '2026-11-20T18:00:00.000Z', 'x');",
        )
        .unwrap();
    }
    let delays = || async {
        let before = f.recorder.0.lock().unwrap().len();
        let notifier: Arc<dyn Notifier> = f.recorder.clone();
        let clock: Arc<dyn Clock> = f.clock.clone();
        announce_delays(&f.store, &notifier, &clock, &f.locale, 7)
            .await
            .unwrap();
        f.recorder.0.lock().unwrap()[before..].to_vec()
    };
    // 15:00 UTC: promised for 18:00, still on time.
    assert!(delays().await.is_empty());
    f.advance(4 * 60);
    let shown = delays().await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].kind, NotificationKind::ShipmentDelayed);
    assert_eq!(shown[0].body, "Venta #500", "the delivered one is not late");
    f.advance(60);
    assert!(delays().await.is_empty(), "once");
    // The sync reads the shipment again (Mercado Libre reports no delay): it stays late.
    let conn = f.store.conn().unwrap();
    conn.execute("UPDATE shipments SET delayed = 0 WHERE id = 9500", [])
        .unwrap();
    let late: bool = conn
        .query_row(
            "SELECT delayed OR past_promise FROM shipments WHERE id = 9500",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(late);
}
