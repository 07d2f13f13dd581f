//! The metrics screen and the thermometer through the gate ([`Permission::ViewMetrics`]:
//! owners; operators see neither sales nor reputation). The account asked for is checked
//! against the store; the series and assessments are computed by [`crate::metrics`] and
//! [`crate::reputation`].

use super::Acting;
use crate::error::Result;
use crate::metrics::{self, Metrics as Figures, MetricsQuery};
use crate::reputation::history::{self, Thermometer};
use crate::team::Permission;

/// The metrics handle.
pub struct Metrics<'a> {
    pub(super) at: &'a Acting<'a>,
}

impl Metrics<'_> {
    /// Every series for one account or all, over the range asked (default: 120 days).
    pub async fn series(&self, query: MetricsQuery) -> Result<Figures> {
        self.at.require(Permission::ViewMetrics)?;
        let today = self.at.core.clock.now().date_naive();
        self.at
            .core
            .store
            .run(move |c| metrics::series(c, &query, today))
            .await
    }

    /// The thermometer and forecast of every connected account.
    pub async fn thermometers(&self) -> Result<Vec<Thermometer>> {
        self.at.require(Permission::ViewMetrics)?;
        let today = self.at.core.clock.now().date_naive();
        self.at
            .core
            .store
            .run(move |c| {
                metrics::rollup::refresh(c)?;
                let ids: Vec<i64> = {
                    let mut stmt = c.prepare_cached("SELECT id FROM accounts ORDER BY nickname")?;
                    stmt.query_map([], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?
                };
                ids.into_iter()
                    .map(|id| history::thermometer(c, id, today))
                    .collect()
            })
            .await
    }
}
