//! Kill -9 during writes: a child process (`mostrador-outbox-child`) runs the outbox against a
//! sandbox that commits some writes and loses their response; it is killed with SIGKILL at
//! random points and started again, while rounds of answers, messages, stock changes, deletions
//! and blocks are queued. At the end every write must be in effect exactly once. Used by the
//! `kill9` test and by `cargo xtask bench` (`outbox_kill9_lost`, `outbox_kill9_duplicated`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use mostrador_core::secrets::KeyringStore;
use mostrador_sandbox::world::Write as Remote;

use crate::{Harness, Options, RecordingNotifier};

/// Writes of each kind queued per round.
const PER_KIND: usize = 3;

/// What a run found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Kills that hit a child with writes open.
    pub kills: usize,
    /// Writes queued, all kinds.
    pub writes: usize,
    /// Writes not in effect at the end (or given up on).
    pub lost: usize,
    /// Writes in effect more than once (extra copies counted).
    pub duplicated: usize,
    /// Lost or duplicated, by kind, for the message of a failing test.
    pub by_kind: BTreeMap<&'static str, (usize, usize)>,
}

/// What was queued, to check against the sandbox at the end.
#[derive(Default)]
struct Queued {
    answers: Vec<(i64, String)>,
    messages: Vec<String>,
    /// Last value per (listing, variation).
    stock: BTreeMap<(String, Option<i64>), i64>,
    /// Every value queued (each is unique to its target).
    stock_all: Vec<((String, Option<i64>), i64)>,
    deleted: Vec<i64>,
    blocked: Vec<i64>,
}

fn open_rows(db: &Path) -> anyhow::Result<i64> {
    let c = rusqlite::Connection::open(db)?;
    c.busy_timeout(Duration::from_secs(10))?;
    Ok(c.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'in_flight')",
        [],
        |r| r.get(0),
    )?)
}

/// Backoff is not under test: what waits is made due, so each start has work at once.
fn make_due(db: &Path) -> anyhow::Result<()> {
    let c = rusqlite::Connection::open(db)?;
    c.busy_timeout(Duration::from_secs(10))?;
    c.execute(
        "UPDATE outbox SET next_attempt_at = created_at WHERE state = 'pending'",
        [],
    )?;
    Ok(())
}

/// Runs the test: at least `kills` SIGKILLs during writes, then a last run to the end.
/// `child` is the `mostrador-outbox-child` binary. Needs the desktop session (keyring).
pub async fn run(child: &Path, kills: usize) -> anyhow::Result<Report> {
    let service = format!("com.mostrador.app.test.kill9.{}", std::process::id());
    let keyring = Arc::new(KeyringStore::new(service.clone()));
    let recorder = Arc::new(RecordingNotifier::default());
    let h = Harness::start_opts(
        keyring,
        Options {
            profile: mostrador_sandbox::seed::Profile::Small,
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let seller = h.seller_id;
    h.core.engine().sync_pass(seller).await?;
    h.core.engine().poll_questions(seller).await?;
    let (pack, listings, buyers) = targets(&h)?;
    let faults = serde_json::json!({
        "latency_ms": 15, "jitter_ms": 30, "lose_write_rate": 0.35,
    });
    let mut queued = Queued::default();
    let mut report = Report::default();
    let mut round = 0;
    let mut buyer_at = 0;
    while report.kills < kills {
        if open_rows(&h.db_path())? == 0 {
            h.set_faults(serde_json::json!({})).await?;
            queue_round(
                &h,
                round,
                pack,
                &listings,
                &buyers,
                &mut buyer_at,
                &mut queued,
            )
            .await?;
            round += 1;
            h.set_faults(faults.clone()).await?;
        }
        make_due(&h.db_path())?;
        let mut process = std::process::Command::new(child)
            .arg(h.db_path())
            .arg(&service)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("start the outbox child")?;
        let started = Instant::now();
        let after = Duration::from_millis(120 + fastrand::u64(0..400));
        while started.elapsed() < after && process.try_wait()?.is_none() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if process.try_wait()?.is_none() {
            process.kill()?; // SIGKILL
            report.kills += 1;
        }
        process.wait()?;
    }
    // The last run, to the end, with responses still being lost.
    let deadline = Instant::now() + Duration::from_secs(180);
    while open_rows(&h.db_path())? > 0 {
        anyhow::ensure!(Instant::now() < deadline, "the outbox did not drain");
        make_due(&h.db_path())?;
        let out = std::process::Command::new(child)
            .arg(h.db_path())
            .arg(&service)
            .stderr(std::process::Stdio::null())
            .output()?;
        anyhow::ensure!(out.status.success(), "the last run failed");
    }
    h.set_faults(serde_json::json!({})).await?;
    check(&h, &queued, &mut report).await?;
    Ok(report)
}

/// A conversation the buyer started, listings (one with variations, one without) and buyers.
type Targets = (i64, Vec<(String, Option<i64>)>, Vec<i64>);

fn targets(h: &Harness) -> anyhow::Result<Targets> {
    let seller = h.seller_id;
    let mut w = mostrador_sandbox::routes::lock(h.sandbox.world());
    // Buyers enough that none is blocked twice.
    let mut buyers = Vec::new();
    for n in 0..600 {
        let id = 900_000_000 + n;
        w.users.insert(
            id,
            mostrador_sandbox::world::User {
                id,
                nickname: format!("COMPRADOR{n}"),
                site_id: "MLA".into(),
            },
        );
        buyers.push(id);
    }
    let pack = *w
        .messages
        .iter()
        .find(|(p, list)| {
            list.iter().any(|m| m.to == seller)
                && w.orders
                    .values()
                    .any(|o| (o.pack_id == Some(**p) || o.id == **p) && o.status == "paid")
        })
        .map(|(p, _)| p)
        .context("a conversation the buyer started")?;
    let mine = || {
        w.items.values().filter(|i| {
            i.seller_id == seller
                && i.status == "active"
                && i.logistic_type != "fulfillment"
                && !i.catalog_listing
        })
    };
    let plain = mine()
        .filter(|i| i.variations.is_empty())
        .take(2)
        .map(|i| (i.id.clone(), None));
    let varied = mine()
        .find(|i| !i.variations.is_empty())
        .map(|i| (i.id.clone(), Some(i.variations[0].id)));
    let listings: Vec<_> = plain.chain(varied).collect();
    anyhow::ensure!(listings.len() == 3, "listings to change");
    Ok((pack, listings, buyers))
}

async fn inject_question_from(h: &Harness, from: i64, text: &str) -> anyhow::Result<i64> {
    let q: serde_json::Value = h
        .http
        .post(format!("{}/_sandbox/questions", h.sandbox.url()))
        .json(&serde_json::json!({ "text": text, "from_id": from }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    q["id"].as_i64().context("question id")
}

async fn queue_round(
    h: &Harness,
    round: usize,
    pack: i64,
    listings: &[(String, Option<i64>)],
    buyers: &[i64],
    buyer_at: &mut usize,
    queued: &mut Queued,
) -> anyhow::Result<()> {
    let mut to_answer = Vec::new();
    let mut to_delete = Vec::new();
    let mut to_block = Vec::new();
    for n in 0..PER_KIND {
        let mut next_buyer = || -> anyhow::Result<i64> {
            // A buyer is never reused: a second block of the same buyer would be two writes.
            let b = *buyers
                .get(*buyer_at)
                .context("more buyers than the profile has")?;
            *buyer_at += 1;
            Ok(b)
        };
        to_answer.push(
            inject_question_from(h, next_buyer()?, &format!("¿Pregunta {round}-{n}?")).await?,
        );
        to_delete
            .push(inject_question_from(h, next_buyer()?, &format!("¿Borrar {round}-{n}?")).await?);
        let b = next_buyer()?;
        to_block.push((
            b,
            inject_question_from(h, b, &format!("¿Bloquear {round}-{n}?")).await?,
        ));
    }
    h.core.engine().poll_questions(h.seller_id).await?;
    let owner = h.owner();
    let writes = owner.writes();
    for (n, q) in to_answer.into_iter().enumerate() {
        let text = format!("Respuesta {round}-{n}: sí, hay stock.");
        writes.answer(q, &text).await?;
        queued.answers.push((q, text));
    }
    for n in 0..PER_KIND {
        let text = format!("Mensaje {round}-{n}: tu paquete sale hoy.");
        writes.send_message(pack, &text).await?;
        queued.messages.push(text);
    }
    for n in 0..PER_KIND {
        let (item, variation) = &listings[(round * PER_KIND + n) % listings.len()];
        let quantity = (10 + round * PER_KIND + n) as i64;
        writes.set_stock(item, *variation, quantity).await?;
        queued.stock.insert((item.clone(), *variation), quantity);
        queued
            .stock_all
            .push(((item.clone(), *variation), quantity));
    }
    writes.delete_questions(&to_delete).await?;
    queued.deleted.extend(to_delete);
    let questions: Vec<i64> = to_block.iter().map(|(_, q)| *q).collect();
    writes.block_buyers(&questions).await?;
    queued.blocked.extend(to_block.iter().map(|(b, _)| *b));
    Ok(())
}

async fn check(h: &Harness, queued: &Queued, report: &mut Report) -> anyhow::Result<()> {
    let seller = h.seller_id;
    let answers = h.sandbox_answers().await?;
    let db = rusqlite::Connection::open(h.db_path())?;
    let failed: i64 = db.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state = 'failed'",
        [],
        |r| r.get(0),
    )?;
    let w = mostrador_sandbox::routes::lock(h.sandbox.world());
    let mut tally = |kind: &'static str, found: usize| {
        let entry = report.by_kind.entry(kind).or_default();
        report.writes += 1;
        if found == 0 {
            report.lost += 1;
            entry.0 += 1;
        } else if found > 1 {
            report.duplicated += found - 1;
            entry.1 += found - 1;
        }
    };
    for (q, text) in &queued.answers {
        let n = answers
            .iter()
            .filter(|(id, t)| id == q && t == text)
            .count();
        tally("answer", n);
    }
    let thread = w.messages.values().flatten().filter(|m| m.from == seller);
    let thread: Vec<_> = thread.collect();
    for text in &queued.messages {
        tally("message", thread.iter().filter(|m| &m.text == text).count());
    }
    let puts_of = |item: &String, variation: &Option<i64>, quantity: &i64| {
        w.writes
            .iter()
            .filter(|x| {
                matches!(x, Remote::Stock { item_id, variation_id, available_quantity }
                    if item_id == item && variation_id == variation && available_quantity == quantity)
            })
            .count()
    };
    // A value a newer one replaced before it was sent is not lost; one sent twice is duplicated.
    let mut extra_puts = 0;
    for ((item, variation), quantity) in &queued.stock_all {
        let last = queued.stock.get(&(item.clone(), *variation)) == Some(quantity);
        let puts = puts_of(item, variation, quantity);
        if !last && puts > 1 {
            extra_puts += puts - 1;
        }
    }
    for ((item, variation), quantity) in &queued.stock {
        let remote = match variation {
            Some(v) => w.items[item]
                .variations
                .iter()
                .find(|x| x.id == *v)
                .map(|x| x.available_quantity),
            None => Some(w.items[item].available_quantity),
        };
        let puts = puts_of(item, variation, quantity);
        tally(
            "stock",
            if remote == Some(*quantity) {
                puts.max(1)
            } else {
                0
            },
        );
    }
    for q in &queued.deleted {
        let deletes = w
            .writes
            .iter()
            .filter(|x| matches!(x, Remote::QuestionDeleted { question_id } if question_id == q))
            .count();
        let gone = w.questions.get(q).is_none_or(|x| x.status == "DELETED");
        tally("delete", if gone { deletes.max(1) } else { 0 });
    }
    for b in &queued.blocked {
        let blocks = w
            .writes
            .iter()
            .filter(|x| matches!(x, Remote::BuyerBlocked { buyer_id, .. } if buyer_id == b))
            .count();
        let in_effect = w.blocked.get(&seller).is_some_and(|s| s.contains(b));
        tally("block", if in_effect { blocks.max(1) } else { 0 });
    }
    report.duplicated += extra_puts;
    report.by_kind.entry("stock").or_default().1 += extra_puts;
    report.lost += failed as usize;
    Ok(())
}
