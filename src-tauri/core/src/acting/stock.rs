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

    /// Sets one listing's (or variation's) stock; the outbox row.
    pub async fn set(&self, target: StockTarget, quantity: i64) -> Result<i64> {
        let mut planned = self.plan(vec![target], StockChange::Set(quantity)).await?;
        let (_, slot) = planned
            .pop()
            .ok_or_else(|| Error::internal("no plan for the stock change", None))?;
        let (account_id, write, _) = slot?;
        self.at
            .core
            .outbox
            .queue_write(account_id, write, Some(self.at.caller.member_id))
            .await
    }

    /// Applies one change to many rows: one transaction, one event, an outcome per row.
    pub async fn bulk(
        &self,
        targets: Vec<StockTarget>,
        change: StockChange,
    ) -> Result<Vec<StockOutcome>> {
        let planned = self.plan(targets, change).await?;
        let mut writes = Vec::new();
        let mut slots = Vec::with_capacity(planned.len());
        for (target, slot) in planned {
            slots.push((
                target,
                slot.map(|(account_id, write, quantity)| {
                    writes.push((account_id, write));
                    (writes.len() - 1, quantity)
                }),
            ));
        }
        let queued = self
            .at
            .core
            .outbox
            .queue_writes(writes, Some(self.at.caller.member_id))
            .await?;
        Ok(slots
            .into_iter()
            .map(|(target, slot)| {
                let (quantity, outcome): (Option<i64>, std::result::Result<i64, UiError>) =
                    match slot {
                        Ok((n, quantity)) => (
                            Some(quantity),
                            match &queued[n] {
                                Ok(id) => Ok(*id),
                                Err(e) => Err(UiError {
                                    code: e.code(),
                                    message: e.to_string(),
                                }),
                            },
                        ),
                        Err(e) => (None, Err(UiError::from(e))),
                    };
                StockOutcome {
                    target,
                    quantity,
                    outbox_id: outcome.as_ref().ok().copied(),
                    error: outcome.err(),
                }
            })
            .collect())
    }

    /// Checks the permission and the change, then resolves every target from the store: its
    /// account and the write to queue (with the new quantity), or why not.
    async fn plan(
        &self,
        targets: Vec<StockTarget>,
        change: StockChange,
    ) -> Result<Vec<(StockTarget, Result<(i64, Write, i64)>)>> {
        self.at.require(Permission::EditStock)?;
        if let StockChange::Set(n) | StockChange::Add(n) | StockChange::Subtract(n) = change
            && n < 0
        {
            return Err(Error::InvalidInput(
                "a stock change cannot be negative".into(),
            ));
        }
        self.at
            .core
            .store
            .run(move |c| {
                Ok(targets
                    .into_iter()
                    .map(|t| {
                        let slot = match resolve(c, &t) {
                            Ok(None) => Err(Error::NotFound(format!("listing {}", t.item_id))),
                            Ok(Some(Resolved {
                                read_only: Some(reason),
                                ..
                            })) => Err(Error::StockReadOnly {
                                item_id: t.item_id.clone(),
                                reason,
                            }),
                            Ok(Some(r)) => {
                                let quantity = change.apply(r.current);
                                Ok((
                                    r.account_id,
                                    Write::Stock {
                                        item_id: t.item_id.clone(),
                                        variation_id: t.variation_id,
                                        quantity,
                                    },
                                    quantity,
                                ))
                            }
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

/// A target's account, current quantity and read-only reason, from the store.
fn resolve(conn: &rusqlite::Connection, target: &StockTarget) -> Result<Option<Resolved>> {
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
        None if has_variations => {
            return Err(Error::InvalidInput(format!(
                "listing {} has variations: change each variation",
                target.item_id
            )));
        }
        None => listing_qty,
    };
    let read_only = if logistic.as_deref() == Some("fulfillment") {
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
