//! The stock view through the gate: reading it ([`Permission::ReadInbox`]: an operator sees
//! stock to answer "is there any left?") and changing it ([`Permission::EditStock`]: owners).
//! Every change is a [`Write::Stock`] in the outbox, on the account that owns the listing, and
//! is refused here when the row is read-only (Full, catalog variations, closed).

use serde::Serialize;
use ts_rs::TS;

use super::Acting;
use crate::error::{Error, Result, UiError};
use crate::outbox::Write;
use crate::stock::{self, ReadOnlyReason, StockChange, StockPage, StockQuery, StockTarget};
use crate::team::Permission;

/// The stock handle.
pub struct Stock<'a> {
    pub(super) at: &'a Acting<'a>,
}

/// One row of a bulk stock change: queued (its outbox row and the new quantity) or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "StockOutcome.ts")]
pub struct StockOutcome {
    /// The row acted on.
    pub target: StockTarget,
    /// The quantity queued.
    #[ts(type = "number | null")]
    pub quantity: Option<i64>,
    /// The queued write.
    #[ts(type = "number | null")]
    pub outbox_id: Option<i64>,
    /// Why it was not queued.
    pub error: Option<UiError>,
}

/// A target's planned write: its account, the write and the new quantity, or why not.
type Planned = (StockTarget, Result<(i64, Write, i64)>);

/// What the store says about one target before it is changed.
struct Resolved {
    account_id: i64,
    current: i64,
    read_only: Option<ReadOnlyReason>,
}

impl Stock<'_> {
    /// One page of the stock view.
    pub async fn page(&self, query: StockQuery) -> Result<StockPage> {
        self.at.require(Permission::ReadInbox)?;
        let now = self.at.core.clock.now();
        self.at
            .core
            .store
            .run(move |c| stock::page(c, &query, now))
            .await
    }

    /// Sets one listing's (or variation's) stock; the outbox row. A linked SKU's members are
    /// all set (see [`crate::stock::links`]).
    pub async fn set(&self, target: StockTarget, quantity: i64) -> Result<i64> {
        let planned = self.plan(vec![target], StockChange::Set(quantity)).await?;
        let (_, queued) = self
            .queue(planned)
            .await?
            .pop()
            .ok_or_else(|| Error::internal("no outcome for the stock change", None))?;
        queued.map(|(_, id)| id)
    }

    /// Applies one change to many rows: one transaction, one event, an outcome per row.
    pub async fn bulk(
        &self,
        targets: Vec<StockTarget>,
        change: StockChange,
    ) -> Result<Vec<StockOutcome>> {
        let planned = self.plan(targets, change).await?;
        Ok(self
            .queue(planned)
            .await?
            .into_iter()
            .map(|(target, queued)| match queued {
                Ok((quantity, id)) => StockOutcome {
                    target,
                    quantity: Some(quantity),
                    outbox_id: Some(id),
                    error: None,
                },
                Err(e) => StockOutcome {
                    target,
                    quantity: None,
                    outbox_id: None,
                    error: Some(UiError::from(e)),
                },
            })
            .collect())
    }

    /// Queues the planned writes in one durable transaction: a linked member's change sets its
    /// whole group (with its ledger row); any other is queued alone.
    async fn queue(&self, planned: Vec<Planned>) -> Result<Vec<(StockTarget, Result<(i64, i64)>)>> {
        let by = Some(self.at.caller.member_id);
        let now = self.at.core.clock.now();
        self.at
            .core
            .outbox
            .queue_with(move |tx, ids| {
                let mut out = Vec::with_capacity(planned.len());
                for (target, slot) in planned {
                    let queued = match slot {
                        Err(e) => Err(e),
                        Ok((account_id, write, quantity)) => {
                            let linked = matches!(write, Write::Stock { .. })
                                && crate::stock::links::manual(
                                    tx,
                                    (account_id, &target.item_id, target.variation_id),
                                    quantity,
                                    by,
                                    now,
                                    ids,
                                )?;
                            let id = if linked {
                                tx.query_row(
                                    "SELECT id FROM outbox WHERE kind = 'stock' AND target_id = ?1
                                     AND account_id = ?2 ORDER BY id DESC LIMIT 1",
                                    rusqlite::params![write.target(), account_id],
                                    |r| r.get(0),
                                )?
                            } else {
                                if let Err(e) = write.validate() {
                                    out.push((target, Err(e)));
                                    continue;
                                }
                                let id = crate::outbox::queue_in(tx, account_id, &write, by, now)?;
                                ids.push(id);
                                id
                            };
                            Ok((quantity, id))
                        }
                    };
                    out.push((target, queued));
                }
                Ok(out)
            })
            .await
    }

    /// Groups of listings sharing a SKU across accounts: proposed and confirmed.
    pub async fn links(&self) -> Result<Vec<crate::stock::links::LinkGroup>> {
        self.at.require(Permission::ReadInbox)?;
        let now = self.at.core.clock.now();
        self.at
            .core
            .store
            .run(move |c| {
                crate::stock::links::propose(c, now)?;
                crate::stock::links::groups(c)
            })
            .await
    }

    /// Confirms a proposed group: every member takes the lowest quantity among them.
    pub async fn link_confirm(&self, sku: String) -> Result<i64> {
        self.at.require(Permission::EditStock)?;
        let by = self.at.caller.member_id;
        let now = self.at.core.clock.now();
        self.at
            .core
            .outbox
            .queue_with(move |tx, ids| crate::stock::links::confirm(tx, &sku, by, now, ids))
            .await
    }

    /// Undoes a group: its members move on their own again.
    pub async fn link_undo(&self, sku: String) -> Result<()> {
        self.at.require(Permission::EditStock)?;
        let by = self.at.caller.member_id;
        let now = self.at.core.clock.now();
        self.at
            .core
            .outbox
            .queue_with(move |tx, _| crate::stock::links::undo(tx, &sku, by, now))
            .await
    }

    /// The movements of a linked SKU, newest first.
    pub async fn ledger(&self, sku: String) -> Result<Vec<crate::stock::links::LedgerEntry>> {
        self.at.require(Permission::ReadInbox)?;
        self.at
            .core
            .store
            .run(move |c| crate::stock::links::ledger_of(c, &sku, 200))
            .await
    }

    /// Checks the permission and the change, then resolves every target from the store: its
    /// account and the write to queue (with the new quantity), or why not.
    async fn plan(&self, targets: Vec<StockTarget>, change: StockChange) -> Result<Vec<Planned>> {
        self.at.require(Permission::EditStock)?;
        if let StockChange::Set(n) | StockChange::Add(n) | StockChange::Subtract(n) = change
            && n < 0
        {
            return Err(Error::InvalidInput(
                "a stock change cannot be negative".into(),
            ));
        }
        // Pausing and activating act on listings: a variation's row stands for its listing.
        let status_change = change.apply(0).is_none();
        let targets = if status_change {
            let mut seen = std::collections::HashSet::new();
            targets
                .into_iter()
                .map(|t| StockTarget {
                    item_id: t.item_id,
                    variation_id: None,
                })
                .filter(|t| seen.insert(t.item_id.clone()))
                .collect()
        } else {
            targets
        };
        self.at
            .core
            .store
            .run(move |c| {
                Ok(targets
                    .into_iter()
                    .map(|t| {
                        let slot = match resolve(c, &t, status_change) {
                            Ok(None) => Err(Error::NotFound(format!("listing {}", t.item_id))),
                            Ok(Some(Resolved {
                                read_only: Some(reason),
                                ..
                            })) => Err(Error::StockReadOnly {
                                item_id: t.item_id.clone(),
                                reason,
                            }),
                            Ok(Some(r)) => match change.apply(r.current) {
                                Some(quantity) => Ok((
                                    r.account_id,
                                    Write::Stock {
                                        item_id: t.item_id.clone(),
                                        variation_id: t.variation_id,
                                        quantity,
                                    },
                                    quantity,
                                )),
                                // Pausing and activating are the listing's, whatever row.
                                None => Ok((
                                    r.account_id,
                                    Write::ListingStatus {
                                        item_id: t.item_id.clone(),
                                        status: if change == StockChange::Pause {
                                            "paused".into()
                                        } else {
                                            "active".into()
                                        },
                                    },
                                    r.current,
                                )),
                            },
                            Err(e) => Err(e),
                        };
                        (t, slot)
                    })
                    .collect())
            })
            .await
    }

    /// Sets the default low-stock threshold.
    pub async fn set_default_threshold(&self, threshold: i64) -> Result<()> {
        self.at.require(Permission::EditStock)?;
        self.at
            .core
            .store
            .run(move |c| stock::set_default_threshold(c, threshold))
            .await
    }

    /// Sets (or removes) the low-stock threshold of a listing or of a SKU.
    pub async fn set_threshold(
        &self,
        scope: String,
        key: String,
        threshold: Option<i64>,
    ) -> Result<()> {
        self.at.require(Permission::EditStock)?;
        self.at
            .core
            .store
            .run(move |c| stock::set_threshold(c, &scope, &key, threshold))
            .await
    }
}

/// A target's account, current quantity and read-only reason, from the store. For a status
/// change (`status_change`), only a closed listing is read-only and variations do not matter.
fn resolve(
    conn: &rusqlite::Connection,
    target: &StockTarget,
    status_change: bool,
) -> Result<Option<Resolved>> {
    use rusqlite::OptionalExtension;
    let listing = conn
        .query_row(
            "SELECT account_id, COALESCE(available_quantity, 0), logistic_type, catalog_listing,
                    status, has_variations
             FROM listings WHERE id = ?1",
            [&target.item_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((account_id, listing_qty, logistic, catalog, status, has_variations)) = listing else {
        return Ok(None);
    };
    let current = match target.variation_id {
        Some(v) => {
            let q: Option<i64> = conn
                .query_row(
                    "SELECT available_quantity FROM listing_variations
                     WHERE id = ?1 AND listing_id = ?2",
                    rusqlite::params![v, target.item_id],
                    |r| r.get(0),
                )
                .optional()?;
            match q {
                Some(q) => q,
                None => return Ok(None),
            }
        }
        // A listing with variations is changed per variation.
        None if has_variations && !status_change => {
            return Err(Error::InvalidInput(format!(
                "listing {} has variations: change each variation",
                target.item_id
            )));
        }
        None => listing_qty,
    };
    let read_only = if status_change {
        (status.as_deref() == Some("closed")).then_some(ReadOnlyReason::Closed)
    } else if logistic.as_deref() == Some("fulfillment") {
        Some(ReadOnlyReason::Fulfillment)
    } else if status.as_deref() == Some("closed") {
        Some(ReadOnlyReason::Closed)
    } else if catalog && target.variation_id.is_some() {
        Some(ReadOnlyReason::Catalog)
    } else {
        None
    };
    Ok(Some(Resolved {
        account_id,
        current,
        read_only,
    }))
}
