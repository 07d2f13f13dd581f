//! The outbox: every write to Mercado Libre is committed locally before it is sent, retried until
//! it lands, and reconciled so it lands exactly once.
//!
//! Protocol for an answer:
//! 1. [`Outbox::queue_answer`] validates the text and inserts an outbox row in one transaction;
//!    from that commit on the inbox shows the answer as "sending" and nothing can lose it.
//! 2. The worker ([`Outbox::run`]) claims due rows, a few at a time. Claiming commits `in_flight` and bumps
//!    `attempts` BEFORE the request goes out.
//! 3. A row with `attempts > 1` may already have landed (timeout, lost response, crash between
//!    send and acknowledgement). Before sending again the worker reads the question from Mercado
//!    Libre: if it already carries this exact answer, the row is done without a second POST.
//! 4. Transient failures (offline, 5xx, 429) reschedule with exponential backoff and jitter;
//!    permanent ones (4xx) mark the row failed with the API's message, keeping the text.
//!
//! Other writes (post-sale messages, stock, deleting questions, blocking buyers) follow the same
//! protocol with their own reconciliation; see [`writes`].
//!
//! The worker does not decide what the UI shows; it publishes `OutboxChanged`/`QuestionsChanged`.

use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::events::{Event, EventBus};
use crate::store::questions::{self, Question, UNANSWERED};
use crate::store::{Store, outbox as table};

/// The longest answer Mercado Libre accepts, in characters.
pub const ANSWER_MAX_CHARS: usize = 2000;

/// How many writes the worker sends at once. Writes to one target still go one at a time, in
/// order; a few in flight keep a burst of answers moving while one waits on a slow response,
/// well under Mercado Libre's write limit (500 per minute).
const IN_FLIGHT: usize = 4;

const KIND_ANSWER: &str = "answer";
/// The failure code of an answer to a question answered meanwhile elsewhere.
pub const ALREADY_ANSWERED: &str = "already_answered";
/// The failure code of an answer to a question that can no longer be answered.
pub const NOT_ANSWERABLE: &str = "not_answerable";
/// The failure code of a write the app itself could not send (an unreadable row).
pub const INTERNAL: &str = "internal";

/// What the outbox needs from Mercado Libre. Implemented over real sessions by
/// `crate::accounts::Sessions`, and by fakes in unit tests.
pub trait Transport: Send + Sync + 'static {
    /// `POST /answers`. Returns the question as echoed back, when understood.
    fn post_answer(
        &self,
        account_id: i64,
        question_id: i64,
        text: &str,
    ) -> impl Future<Output = Result<Option<Question>>> + Send;
    /// `GET /questions/{id}`.
    fn fetch_question(
        &self,
        account_id: i64,
        question_id: i64,
    ) -> impl Future<Output = Result<Question>> + Send;
    /// Sends any other write. Returns Mercado Libre's id of what it created, when the reply
    /// names one (a post-sale message).
    fn send(
        &self,
        account_id: i64,
        write: &Write,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
    /// Whether an earlier attempt of `write` already took effect (not for messages: those are
    /// reconciled against [`Transport::seller_messages`]).
    fn landed(&self, account_id: i64, write: &Write) -> impl Future<Output = Result<bool>> + Send;
    /// The seller's messages in a pack's whole conversation, without marking anything read.
    fn seller_messages(
        &self,
        account_id: i64,
        pack_id: i64,
    ) -> impl Future<Output = Result<Vec<writes::SentMessage>>> + Send;
}

pub use writes::Write;

#[derive(Serialize, Deserialize)]
struct AnswerPayload {
    question_id: i64,
    text: String,
}

/// Handle on the outbox. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    events: EventBus,
    clock: Arc<dyn Clock>,
    wake: Arc<tokio::sync::Notify>,
}

impl Outbox {
    /// An outbox over `store`.
    pub fn new(store: Store, events: EventBus, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            events,
            clock,
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Validates and queues an answer; returns the outbox row id once it is committed.
    /// `by` is the member who wrote it (recorded with the row and on the question).
    #[tracing::instrument(skip(self, text), err)]
    pub async fn queue_answer(&self, question_id: i64, text: &str, by: Option<i64>) -> Result<i64> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(Error::InvalidInput("the answer is empty".into()));
        }
        let chars = text.chars().count();
        if chars > ANSWER_MAX_CHARS {
            return Err(Error::InvalidInput(format!(
                "the answer has {chars} characters; Mercado Libre accepts at most {ANSWER_MAX_CHARS}"
            )));
        }
        let now = self.clock.now();
        let payload = serde_json::to_string(&AnswerPayload { question_id, text })
            .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
        let id = self
            .store
            .run(move |conn| {
                crate::store::durably(conn, |conn| {
                    let tx = conn.transaction()?;
                    let question = questions::get(&tx, question_id)?
                        .ok_or_else(|| Error::NotFound(format!("question {question_id}")))?;
                    if question.status != UNANSWERED {
                        return Err(Error::InvalidInput(format!(
                            "question {question_id} is {} and cannot be answered",
                            question.status
                        )));
                    }
                    let target = question_id.to_string();
                    let id = match table::open_for_target(
                        &tx,
                        question.account_id,
                        KIND_ANSWER,
                        &target,
                    )? {
                        Some(row) if row.state == table::FAILED => {
                            // Retrying a refused answer reuses its row: the attempt count makes the
                            // worker check the remote state first.
                            tx.execute(
                                "UPDATE outbox SET payload = ?2, state = ?3, next_attempt_at = ?4,
                                 error_code = NULL, error_message = NULL, updated_at = ?4
                             WHERE id = ?1",
                                rusqlite::params![
                                    row.id,
                                    payload,
                                    table::PENDING,
                                    crate::store::ts(now)
                                ],
                            )?;
                            row.id
                        }
                        Some(_) => {
                            return Err(Error::InvalidInput(format!(
                                "an answer to question {question_id} is already being sent"
                            )));
                        }
                        None => table::insert(
                            &tx,
                            question.account_id,
                            KIND_ANSWER,
                            &target,
                            &payload,
                            now,
                        )?,
                    };
                    table::attribute(&tx, id, by)?;
                    tx.execute(
                        "UPDATE questions SET answered_by = ?2 WHERE id = ?1",
                        rusqlite::params![question_id, by],
                    )?;
                    tx.commit()?;
                    Ok(id)
                })
            })
            .await?;
        self.events.publish(Event::OutboxChanged {
            outbox_ids: vec![id],
        });
        self.wake.notify_one();
        Ok(id)
    }

    /// Validates and queues any other write for `account_id`, updating the local view in the
    /// same transaction; returns the outbox row id once it is committed. A newer write to the
    /// same target replaces one still waiting (the latest stock wins).
    /// `by` is the member who asked for it. The write's text never reaches the log.
    #[tracing::instrument(skip(self, write), fields(kind = write.kind()), err)]
    pub async fn queue_write(&self, account_id: i64, write: Write, by: Option<i64>) -> Result<i64> {
        self.queue_writes(vec![(account_id, write)], by)
            .await?
            .pop()
            .unwrap_or_else(|| Err(Error::internal("no outcome for the write", None)))
    }

    /// Tells the UI and the worker about rows queued elsewhere in one of the store's
    /// transactions (the automatic messages).
    pub fn announce_queued(&self, outbox_ids: Vec<i64>) {
        if !outbox_ids.is_empty() {
            self.events.publish(Event::OutboxChanged { outbox_ids });
            self.wake();
        }
    }

    /// Queues several writes (a bulk action) in one transaction, with one event: each item's
    /// outcome in order. An item the rules refuse is reported and the others are queued.
    pub async fn queue_writes(
        &self,
        writes: Vec<(i64, Write)>,
        by: Option<i64>,
    ) -> Result<Vec<Result<i64>>> {
        let now = self.clock.now();
        let outcomes = self
            .store
            .run(move |conn| {
                crate::store::durably(conn, |conn| {
                    let tx = conn.transaction()?;
                    let mut outcomes = Vec::with_capacity(writes.len());
                    for (account_id, write) in &writes {
                        outcomes.push(match write.validate() {
                            Ok(()) => Ok(queue_in(&tx, *account_id, write, by, now)?),
                            Err(e) => Err(e),
                        });
                    }
                    tx.commit()?;
                    Ok(outcomes)
                })
            })
            .await?;
        let ids: Vec<i64> = outcomes
            .iter()
            .filter_map(|o| o.as_ref().ok())
            .copied()
            .collect();
        if !ids.is_empty() {
            self.events
                .publish(Event::OutboxChanged { outbox_ids: ids });
            self.wake.notify_one();
        }
        Ok(outcomes)
    }

    /// Runs `work` in one durable transaction that may queue writes (with [`queue_in`], pushing
    /// each row id to the list it is given) along with other changes of its own (a ledger, a
    /// group's quantity): all or nothing. Then tells the UI and wakes the worker.
    pub(crate) async fn queue_with<T: Send + 'static>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>, &mut Vec<i64>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (out, ids) = self
            .store
            .run(move |conn| {
                crate::store::durably(conn, |conn| {
                    let tx = conn.transaction()?;
                    let mut ids = Vec::new();
                    let out = work(&tx, &mut ids)?;
                    tx.commit()?;
                    Ok((out, ids))
                })
            })
            .await?;
        if !ids.is_empty() {
            self.events
                .publish(Event::OutboxChanged { outbox_ids: ids });
            self.wake.notify_one();
        }
        Ok(out)
    }

    /// Runs the worker until `cancel` fires. Rows interrupted by an earlier crash are requeued.
    /// It never stops on an error of its own (the database busy beyond its timeout, no pooled
    /// connection, a full disk): it logs it, backs off and goes on.
    pub async fn run<T: Transport>(
        self,
        transport: Arc<T>,
        cancel: CancellationToken,
    ) -> Result<()> {
        let mut failures: u32 = 0;
        loop {
            match self.serve(transport.as_ref(), &cancel).await {
                Ok(()) => return Ok(()),
                Err(e) => {
                    failures = failures.saturating_add(1);
                    let wait =
                        std::time::Duration::from_millis((250u64 << failures.min(7)).min(30_000));
                    tracing::error!(error = %e, ?wait, "outbox worker error; backing off");
                    tokio::select! {
                        _ = cancel.cancelled() => return Ok(()),
                        _ = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
    }

    /// The worker's loop: claims due rows and sends them until `cancel` (`Ok`) or an error of
    /// the store (`Err`, after which [`Outbox::run`] starts it again).
    async fn serve<T: Transport>(&self, transport: &T, cancel: &CancellationToken) -> Result<()> {
        let requeued = self.store.run(|c| table::requeue_interrupted(c)).await?;
        if requeued > 0 {
            tracing::info!(
                requeued,
                "outbox rows interrupted by a previous run requeued"
            );
        }
        let mut running = FuturesUnordered::new();
        loop {
            // Fill the free slots with due rows. Rows for one target are never claimed while an
            // older one is open, so concurrency never reorders writes to the same target.
            while running.len() < IN_FLIGHT && !cancel.is_cancelled() {
                let now = self.clock.now();
                // Durable: a claim lost to a power cut would resend without checking first.
                let claimed = self
                    .store
                    .run(move |c| crate::store::durably(c, |c| table::claim_due(c, now)))
                    .await?;
                match claimed {
                    Some(row) => running.push(Box::pin(self.process(transport, row))),
                    None => break,
                }
            }
            if cancel.is_cancelled() {
                // Let the sends under way settle; nothing new is claimed.
                while let Some(done) = running.next().await {
                    done?;
                }
                return Ok(());
            }
            if !running.is_empty() {
                tokio::select! {
                    Some(done) = running.next() => done?,
                    _ = self.wake.notified(), if running.len() < IN_FLIGHT => {}
                    else => {}
                }
                continue;
            }
            let next = self.store.run(|c| table::next_due(c)).await?;
            let wait = next
                .map(|at| (at - self.clock.now()).to_std().unwrap_or_default())
                .unwrap_or(std::time::Duration::from_secs(60));
            tokio::select! {
                _ = cancel.cancelled() => return Ok(()),
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Wakes the worker (e.g. when the network comes back).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    async fn process<T: Transport>(&self, transport: &T, row: table::OutboxRow) -> Result<()> {
        if row.kind != KIND_ANSWER {
            return self.process_write(transport, row).await;
        }
        let payload: AnswerPayload = match serde_json::from_str(&row.payload) {
            Ok(p) => p,
            Err(e) => return self.fail_unreadable(row.id, e).await,
        };
        let outcome = self.deliver(transport, &row, &payload).await;
        let now = self.clock.now();
        let id = row.id;
        if outcome == Outcome::Done {
            tracing::info!(
                outbox_id = id,
                question_id = payload.question_id,
                "answer delivered"
            );
        }
        self.settle("answer", &row, outcome, move |c| {
            table::mark_done(c, id, now)
        })
        .await
    }

    async fn process_write<T: Transport>(
        &self,
        transport: &T,
        row: table::OutboxRow,
    ) -> Result<()> {
        let id = row.id;
        let write: Write = match serde_json::from_str(&row.payload) {
            Ok(w) => w,
            Err(e) => return self.fail_unreadable(id, e).await,
        };
        let account = row.account_id;
        let (outcome, remote_id) = match &write {
            Write::Message {
                pack_id,
                text,
                guide,
                ..
            } => {
                let templated = guide.as_ref().is_some_and(|g| g.template_id.is_some());
                self.deliver_message(transport, &row, *pack_id, text, templated, &write)
                    .await
            }
            _ if row.attempts > 1 => match transport.landed(account, &write).await {
                Ok(true) => (Outcome::Done, None),
                Ok(false) => self.send_write(transport, account, &write).await,
                Err(e) => (classify(e), None),
            },
            _ => self.send_write(transport, account, &write).await,
        };
        let now = self.clock.now();
        // A file sent with a message is kept until the message lands.
        let sent_file = match (&outcome, &write) {
            (
                Outcome::Done,
                Write::Message {
                    attachment: Some(file),
                    ..
                },
            ) => Some(file.path.clone()),
            _ => None,
        };
        if outcome == Outcome::Done {
            tracing::info!(
                outbox_id = id,
                kind = write.kind(),
                remote_id,
                "write delivered"
            );
        }
        self.settle("write", &row, outcome, move |c| {
            let tx = c.transaction()?;
            if let Some(remote) = &remote_id {
                table::set_remote_id(&tx, id, remote)?;
            }
            write.applied(&tx, id, remote_id.as_deref())?;
            table::mark_done(&tx, id, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
        if let Some(path) = sent_file {
            crate::attachments::discard(&path);
        }
        Ok(())
    }

    /// A post-sale message, exactly once without guessing from text and time alone:
    /// - before the first send, the ids of the seller's messages already in the conversation are
    ///   committed with the row (its baseline);
    /// - the reply's message id is recorded with the row;
    /// - before any later send (a retry, a restart, a retry after a failure) the whole
    ///   conversation is read again and a message of the seller that is neither in the baseline
    ///   nor another row's is this one's when its text matches (see [`writes::identify`]).
    async fn deliver_message<T: Transport>(
        &self,
        transport: &T,
        row: &table::OutboxRow,
        pack_id: i64,
        text: &str,
        templated: bool,
        write: &Write,
    ) -> (Outcome, Option<String>) {
        let account = row.account_id;
        let thread = match transport.seller_messages(account, pack_id).await {
            Ok(thread) => thread,
            Err(e) => return (classify(e), None),
        };
        let claimed = {
            let row = row.clone();
            match self
                .store
                .run(move |c| table::claimed_remote_ids(c, &row))
                .await
            {
                Ok(claimed) => claimed,
                Err(e) => return (classify(e), None),
            }
        };
        let baseline = match &row.baseline {
            Some(baseline) => {
                if let Some(found) = writes::identify(&thread, baseline, &claimed, text, templated)
                {
                    tracing::info!(
                        outbox_id = row.id,
                        remote_id = %found.id,
                        "message found in the conversation; not sent again"
                    );
                    if templated {
                        self.adopt_text(row.id, &found.text).await;
                    }
                    return (Outcome::Done, Some(found.id.clone()));
                }
                baseline.clone()
            }
            None => {
                let id = row.id;
                let ids: Vec<String> = thread.into_iter().map(|m| m.id).collect();
                let stored = {
                    let ids = ids.clone();
                    self.store
                        .run(move |c| {
                            crate::store::durably(c, |c| table::set_baseline(c, id, &ids))
                        })
                        .await
                };
                if let Err(e) = stored {
                    return (classify(e), None);
                }
                ids
            }
        };
        match self.send_write(transport, account, write).await {
            // Landed, but the reply named no id: find it, so the conversation shows it once.
            // A guide template's text is Mercado Libre's: read it, so the conversation shows
            // what the buyer received.
            (Outcome::Done, reply_id) if reply_id.is_none() || templated => {
                let found = transport
                    .seller_messages(account, pack_id)
                    .await
                    .ok()
                    .and_then(|thread| {
                        let found = match &reply_id {
                            Some(id) => thread.iter().find(|m| &m.id == id),
                            None => writes::identify(&thread, &baseline, &claimed, text, templated),
                        };
                        found.map(|m| (m.id.clone(), m.text.clone()))
                    });
                if templated && let Some((_, remote_text)) = &found {
                    self.adopt_text(row.id, remote_text).await;
                }
                (Outcome::Done, found.map(|(id, _)| id).or(reply_id))
            }
            other => other,
        }
    }

    /// Gives a queued message's local copy the text Mercado Libre stored (a guide template's).
    /// Only the view: a failure is logged, the next read of the conversation corrects it.
    async fn adopt_text(&self, outbox_id: i64, text: &str) {
        let local = writes::local_message_id(outbox_id);
        let text = crate::inbox::search::inert(text).into_owned();
        let adopted = self
            .store
            .run(move |c| {
                c.execute(
                    "UPDATE messages SET text = ?2 WHERE id = ?1",
                    rusqlite::params![local, text],
                )?;
                Ok(())
            })
            .await;
        if let Err(e) = adopted {
            tracing::warn!(outbox_id, error = %e, "the template's text not kept locally");
        }
    }

    /// Records what happened to a claimed row (`done` runs on success) and tells the UI.
    async fn settle(
        &self,
        what: &'static str,
        row: &table::OutboxRow,
        outcome: Outcome,
        done: impl FnOnce(&mut rusqlite::Connection) -> Result<()> + Send + 'static,
    ) -> Result<()> {
        let (id, now) = (row.id, self.clock.now());
        match outcome {
            Outcome::Done => self.store.run(done).await?,
            Outcome::Retry(reason) => {
                let at = now + backoff(row.attempts, id);
                let replaceable = matches!(
                    row.kind.as_str(),
                    "stock" | "listing_status" | "delete_question" | "block_buyer"
                );
                let superseded = self
                    .store
                    .run(move |c| {
                        // A newer write to the same target wins: this one is not sent again.
                        if replaceable && table::supersede_if_newer(c, id, now)? {
                            return Ok(true);
                        }
                        table::reschedule(c, id, at, &reason, now)?;
                        Ok(false)
                    })
                    .await?;
                if superseded {
                    tracing::info!(outbox_id = id, "{what} superseded by a newer one");
                } else {
                    tracing::warn!(outbox_id = id, retry_at = %at, "{what} not delivered; will retry");
                }
            }
            Outcome::Failed { code, message } => {
                tracing::warn!(outbox_id = id, %code, %message, "{what} refused");
                self.store
                    .run(move |c| {
                        let tx = c.transaction()?;
                        table::mark_failed(&tx, id, &code, &message, now)?;
                        writes::refused(&tx, id, &code, now)?;
                        tx.commit()?;
                        Ok(())
                    })
                    .await?;
            }
        }
        self.events.publish(Event::OutboxChanged {
            outbox_ids: vec![id],
        });
        Ok(())
    }

    /// Fails a row whose payload cannot be read (written by another version, or damaged).
    async fn fail_unreadable(&self, id: i64, err: serde_json::Error) -> Result<()> {
        let now = self.clock.now();
        let msg = format!("unreadable outbox payload: {err}");
        self.store
            .run(move |c| {
                let tx = c.transaction()?;
                table::mark_failed(&tx, id, INTERNAL, &msg, now)?;
                writes::refused(&tx, id, INTERNAL, now)?;
                tx.commit()?;
                Ok(())
            })
            .await
    }

    async fn send_write<T: Transport>(
        &self,
        transport: &T,
        account: i64,
        write: &Write,
    ) -> (Outcome, Option<String>) {
        match transport.send(account, write).await {
            Ok(remote_id) => (Outcome::Done, remote_id),
            Err(e) if write.already_in_effect(&e) => (Outcome::Done, None),
            // A 409 (optimistic locking, a locked pack) is transient: retried like a 5xx.
            Err(e) => (classify(e), None),
        }
    }

    async fn deliver<T: Transport>(
        &self,
        transport: &T,
        row: &table::OutboxRow,
        payload: &AnswerPayload,
    ) -> Outcome {
        let account = row.account_id;
        let qid = payload.question_id;
        if row.attempts > 1 {
            // An earlier attempt may have landed: look before sending again.
            match transport.fetch_question(account, qid).await {
                Ok(remote) => match remote.answer_text.as_deref() {
                    Some(existing) if existing == payload.text => {
                        return self.record_answer(remote, &payload.text).await;
                    }
                    Some(_) => {
                        self.answered_elsewhere(remote).await;
                        return Outcome::Failed {
                            code: ALREADY_ANSWERED.into(),
                            message: "this question was already answered with another text".into(),
                        };
                    }
                    None if remote.status != UNANSWERED => {
                        let status = remote.status.clone();
                        self.store_remote(remote).await;
                        return Outcome::Failed {
                            code: NOT_ANSWERABLE.into(),
                            message: format!("the question is now {status}"),
                        };
                    }
                    None => {}
                },
                Err(e) => return classify(e),
            }
        }
        match transport.post_answer(account, qid, &payload.text).await {
            Ok(Some(remote)) => self.record_answer(remote, &payload.text).await,
            Ok(None) => {
                let now = self.clock.now();
                let text = payload.text.clone();
                match self
                    .store
                    .run(move |c| questions::set_answered(c, qid, &text, now, now))
                    .await
                {
                    Ok(()) => self.changed(account, qid),
                    Err(e) => tracing::error!(error = %e, "could not record a delivered answer"),
                }
                Outcome::Done
            }
            // Refused: when it is because the question was answered meanwhile (on the site, or
            // from another computer), say so and keep both texts.
            Err(
                e @ Error::Api {
                    status: 400..=499, ..
                },
            ) => match transport.fetch_question(account, qid).await {
                Ok(remote) => match remote.answer_text.as_deref() {
                    Some(existing) if existing == payload.text => {
                        self.record_answer(remote, &payload.text).await
                    }
                    Some(_) => {
                        self.answered_elsewhere(remote).await;
                        Outcome::Failed {
                            code: ALREADY_ANSWERED.into(),
                            message: "this question was already answered on Mercado Libre".into(),
                        }
                    }
                    None => classify(e),
                },
                Err(_) => classify(e),
            },
            Err(e) => classify(e),
        }
    }

    /// The question was answered elsewhere: its answer is Mercado Libre's, written by no member
    /// of this computer.
    async fn answered_elsewhere(&self, remote: Question) {
        let qid = remote.id;
        self.store_remote(remote).await;
        let cleared = self
            .store
            .run(move |c| {
                c.execute(
                    "UPDATE questions SET answered_by = NULL WHERE id = ?1",
                    [qid],
                )?;
                Ok(())
            })
            .await;
        if let Err(e) = cleared {
            tracing::error!(error = %e, "could not clear the answer's author");
        }
    }

    async fn record_answer(&self, mut remote: Question, text: &str) -> Outcome {
        if remote.answer_text.is_none() {
            remote.answer_text = Some(text.to_owned());
        }
        if remote.answer_date.is_none() {
            remote.answer_date = Some(self.clock.now());
        }
        self.store_remote(remote).await;
        Outcome::Done
    }

    async fn store_remote(&self, remote: Question) {
        let now = self.clock.now();
        let (account, qid) = (remote.account_id, remote.id);
        match self
            .store
            .run(move |c| questions::upsert(c, &remote, now))
            .await
        {
            Ok(_) => self.changed(account, qid),
            Err(e) => tracing::error!(error = %e, question_id = qid, "could not store question"),
        }
    }

    fn changed(&self, account_id: i64, question_id: i64) {
        self.events.publish(Event::QuestionsChanged {
            account_id,
            question_ids: vec![question_id],
        });
    }
}

mod queue;
mod retry;

pub(crate) use queue::queue_in;
use retry::{Outcome, backoff, classify};

#[cfg(test)]
mod tests;
pub mod writes;
