//! Bounds on walking Mercado Libre's paged searches (offset pages, or a scan's scroll). A walk
//! stops with a `malformed` error once it has covered more entries than the server's first total
//! allows, read a page holding only entries it has already read, read more pages than any real
//! account needs in one pass, or started an expired scan again too often. A server that lies about its totals, or keeps handing out pages, cannot make a
//! sync pass loop or the store grow without bound; the resource fails for this pass, is logged,
//! and the other resources go on.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, RandomState};

use crate::error::{Error, Result};

/// Pages one pass reads of one resource at most. The largest account the app is built for
/// (100,000 questions at 50 a page) needs 2,000.
pub(crate) const MAX_PAGES_PER_PASS: usize = 5_000;

/// Times one pass starts an expired scan again.
const MAX_RESTARTS: u32 = 3;

/// Entries a walk may cover beyond the first total it was told: what is created while it runs.
fn allowance(total: i64) -> i64 {
    total / 10 + 500
}

/// One walk through a paged search, for one resource of one account.
#[derive(Debug)]
pub(crate) struct Walk {
    resource: &'static str,
    account_id: i64,
    pages: usize,
    first_total: Option<i64>,
    restarts: u32,
    /// Hashes of the entries read in this pass.
    read: HashSet<u64>,
    hasher: RandomState,
}

impl Walk {
    /// A walk that has read nothing yet.
    pub(crate) fn new(resource: &'static str, account_id: i64) -> Self {
        Self {
            resource,
            account_id,
            pages: 0,
            first_total: None,
            restarts: 0,
            read: HashSet::new(),
            hasher: RandomState::new(),
        }
    }

    /// Records one more page holding the entries `keys` (their ids), after which the walk has
    /// covered `seen` entries (counted from where it began, which may be an earlier pass) of a
    /// reported `total`. Refuses to go on past what the first total of this pass allows, after a
    /// page of entries all read before in this pass, or past [`MAX_PAGES_PER_PASS`].
    pub(crate) fn page<K: Hash>(
        &mut self,
        seen: i64,
        total: i64,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<()> {
        self.pages += 1;
        let mut entries = 0;
        let mut new = 0;
        for k in keys {
            entries += 1;
            new += usize::from(self.read.insert(self.hasher.hash_one(k)));
        }
        if entries > 0 && new == 0 {
            return Err(self.runaway(format!("a page of {entries} entries all read before")));
        }
        let first = *self.first_total.get_or_insert(total.max(0));
        if seen > first + allowance(first) {
            return Err(self.runaway(format!(
                "{seen} entries read of a reported total of {first}"
            )));
        }
        if self.pages > MAX_PAGES_PER_PASS {
            return Err(self.runaway(format!("more than {MAX_PAGES_PER_PASS} pages in one pass")));
        }
        Ok(())
    }

    /// Records that an expired scan starts again; refuses after [`MAX_RESTARTS`].
    pub(crate) fn restart(&mut self) -> Result<()> {
        self.restarts += 1;
        if self.restarts > MAX_RESTARTS {
            return Err(self.runaway(format!(
                "the scan expired {} times in one pass",
                self.restarts
            )));
        }
        Ok(())
    }

    fn runaway(&self, detail: String) -> Error {
        tracing::warn!(
            account_id = self.account_id,
            resource = self.resource,
            pages = self.pages,
            "{detail}; the walk stops for this pass"
        );
        Error::Malformed {
            resource: self.resource.to_string(),
            detail: format!("paging does not end: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_honest_walk_with_entries_arriving_meanwhile_passes() {
        let mut w = Walk::new("orders", 1);
        let mut seen = 0;
        for _ in 0..40 {
            seen += 50;
            w.page(seen, 2_000, seen - 49..=seen)
                .expect("within the total");
        }
        // A few hundred created during the walk are still read.
        w.page(2_400, 2_400, 2_001..=2_400)
            .expect("within the allowance");
    }

    #[test]
    fn a_total_that_grows_every_page_cannot_extend_the_walk() {
        let mut w = Walk::new("orders", 1);
        let mut seen = 0;
        let mut stopped_at = None;
        for page in 0..10_000 {
            seen += 50;
            if w.page(seen, 1_000 + seen * 2, seen - 49..=seen).is_err() {
                stopped_at = Some(page);
                break;
            }
        }
        // The first total is 1,100, so 1,100 + 110 + 500 entries are allowed: the 35th page
        // (1,750 entries) goes past.
        assert_eq!(stopped_at, Some(34));
    }

    #[test]
    fn pages_that_cover_nothing_are_capped_per_pass() {
        let mut w = Walk::new("listings", 1);
        let err = (0..=MAX_PAGES_PER_PASS)
            .map(|_| w.page(0, 1_000_000, std::iter::empty::<i64>()))
            .find_map(Result::err)
            .expect("the cap is reached");
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
    }

    #[test]
    fn a_page_repeating_what_was_read_ends_the_walk() {
        let mut w = Walk::new("orders", 1);
        w.page(50, 1_000_000, 1..=50).expect("first page");
        w.page(100, 1_000_000, 40..=89)
            .expect("some entries are new");
        let err = w.page(150, 1_000_000, 40..=89).expect_err("nothing new");
        assert!(err.to_string().contains("all read before"), "{err}");
        // A page whose entries could not be read at all is not a repeat.
        let mut w = Walk::new("orders", 1);
        w.page(50, 100, std::iter::empty::<i64>())
            .expect("no entries");
        w.page(100, 100, std::iter::empty::<i64>())
            .expect("no entries");
    }

    #[test]
    fn an_expired_scan_restarts_a_few_times_only() {
        let mut w = Walk::new("questions", 1);
        for _ in 0..MAX_RESTARTS {
            w.restart().expect("a restart is allowed");
        }
        assert!(w.restart().is_err());
    }
}
