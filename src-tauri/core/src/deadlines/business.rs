//! Business-hours arithmetic per site: working days are Monday to Friday minus the site's
//! national holidays, working hours 08:00–21:00 in the site's time (`calendar.json`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
struct SiteCalendar {
    utc_offset_hours: i32,
    holidays: BTreeSet<NaiveDate>,
}

/// The calendar file.
#[derive(Debug, Deserialize)]
pub struct Calendar {
    /// Where the rules and holidays come from.
    pub source: String,
    /// The choices made.
    pub notes: Vec<String>,
    /// The hour the working day starts.
    pub opens: u32,
    /// The hour it ends.
    pub closes: u32,
    /// Business hours to reply to a buyer's post-sale message.
    pub message_hours: i64,
    /// Business days to resolve a claim.
    pub claim_days: i64,
    sites: BTreeMap<String, SiteCalendar>,
}

/// The calendar, parsed once.
pub fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| {
        // Shipped inside the binary and parsed by a unit test: a failure is a build defect.
        #[allow(clippy::expect_used)]
        serde_json::from_str(include_str!("calendar.json")).expect("calendar.json is valid")
    })
}

/// One site's working time.
#[derive(Debug, Clone, Copy)]
pub struct Site {
    offset: FixedOffset,
    holidays: &'static BTreeSet<NaiveDate>,
    opens: NaiveTime,
    closes: NaiveTime,
}

impl Site {
    /// The working time of `site_id`.
    pub fn of(site_id: &str) -> Result<Site> {
        let c = calendar();
        let site = c
            .sites
            .get(site_id)
            .ok_or_else(|| Error::InvalidInput(format!("no business calendar for {site_id:?}")))?;
        let time = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        Ok(Site {
            offset: FixedOffset::east_opt(site.utc_offset_hours * 3600)
                .ok_or_else(|| Error::internal("bad offset in calendar.json", None))?,
            holidays: &site.holidays,
            opens: time(c.opens),
            closes: time(c.closes),
        })
    }

    /// The site's calendar day at `at`.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.offset).date_naive()
    }

    /// Whether `day` is a working day.
    pub fn works(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The instant `hours` business hours after `start`.
    pub fn add_hours(&self, start: DateTime<Utc>, hours: i64) -> DateTime<Utc> {
        let mut left = Duration::hours(hours);
        let mut at = start.with_timezone(&self.offset).naive_local();
        // At most a year of skipping: the calendar has far fewer closed days than that.
        for _ in 0..800 {
            let day = at.date();
            if !self.works(day) || at.time() >= self.closes {
                at = (day + Duration::days(1)).and_time(self.opens);
                continue;
            }
            if at.time() < self.opens {
                at = day.and_time(self.opens);
            }
            let today = day.and_time(self.closes) - at;
            if left <= today {
                at += left;
                break;
            }
            left -= today;
            at = (day + Duration::days(1)).and_time(self.opens);
        }
        self.utc_of(at)
    }

    /// The instant `days` business days after `start` (business hours, a working day each).
    pub fn add_days(&self, start: DateTime<Utc>, days: i64) -> DateTime<Utc> {
        self.add_hours(start, days * (self.closes - self.opens).num_hours())
    }

    /// The site's calendar day at `at`.
    pub fn day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.offset).date_naive()
    }

    /// When the site's calendar day of `at` ends.
    pub fn end_of_day(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        self.utc_of((self.day(at) + Duration::days(1)).and_time(NaiveTime::MIN))
    }

    fn utc_of(&self, local: chrono::NaiveDateTime) -> DateTime<Utc> {
        (local - Duration::seconds(i64::from(self.offset.local_minus_utc()))).and_utc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn site(id: &str) -> Site {
        Site::of(id).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_calendar_parses_and_knows_every_site() {
        let c = calendar();
        assert_eq!(
            (c.opens, c.closes, c.message_hours, c.claim_days),
            (8, 21, 8, 2)
        );
        for id in ["MLA", "MLB", "MLM", "MCO", "MLC", "MLU", "MEC", "MPE"] {
            assert!(Site::of(id).is_ok(), "{id}");
        }
        assert!(Site::of("XXX").is_err());
    }

    #[test]
    fn within_a_working_day() {
        // Tuesday 2026-11-24, 10:00 in Buenos Aires (13:00 UTC) + 8 h = 18:00 local.
        let due = site("MLA").add_hours(at("2026-11-24T13:00:00Z"), 8);
        assert_eq!(due, at("2026-11-24T18:00:00-03:00"));
    }

    #[test]
    fn across_the_night() {
        // Tuesday 19:00 local: 2 h today, 6 h from 08:00 Wednesday = 14:00.
        let due = site("MLA").add_hours(at("2026-11-24T19:00:00-03:00"), 8);
        assert_eq!(due, at("2026-11-25T14:00:00-03:00"));
        // Asked at 23:30: the night does not count; 08:00 + 8 h = 16:00 next day.
        let due = site("MLA").add_hours(at("2026-11-24T23:30:00-03:00"), 8);
        assert_eq!(due, at("2026-11-25T16:00:00-03:00"));
        // Asked at 05:00: the clock starts at 08:00.
        let due = site("MLA").add_hours(at("2026-11-25T05:00:00-03:00"), 8);
        assert_eq!(due, at("2026-11-25T16:00:00-03:00"));
    }

    #[test]
    fn across_a_weekend() {
        // Friday 2026-11-27 20:00: one hour on Friday, then Monday from 08:00 for seven.
        let due = site("MLB").add_hours(at("2026-11-27T20:00:00-03:00"), 8);
        assert_eq!(due, at("2026-11-30T15:00:00-03:00"));
        // Saturday counts nothing.
        let due = site("MLB").add_hours(at("2026-11-28T12:00:00-03:00"), 8);
        assert_eq!(due, at("2026-11-30T16:00:00-03:00"));
    }

    #[test]
    fn across_a_national_holiday_of_one_site_only() {
        // Friday 2026-11-20 is Brazil's Consciência Negra and a working day in Mexico.
        let br = site("MLB").add_hours(at("2026-11-19T18:00:00-03:00"), 8);
        assert_eq!(br, at("2026-11-23T13:00:00-03:00"));
        let mx = site("MLM").add_hours(at("2026-11-19T18:00:00-06:00"), 8);
        assert_eq!(mx, at("2026-11-20T13:00:00-06:00"));
        // Argentina's Monday 2026-11-23 holiday pushes a Friday-evening message to Tuesday.
        let ar = site("MLA").add_hours(at("2026-11-20T20:00:00-03:00"), 8);
        assert_eq!(ar, at("2026-11-24T15:00:00-03:00"));
    }

    #[test]
    fn two_business_days_for_a_claim() {
        // Opened Thursday 2026-12-24 11:00 in Colombia: Friday is Christmas, so Monday and
        // Tuesday are the two days: due Tuesday 11:00.
        let due = site("MCO").add_days(at("2026-12-24T11:00:00-05:00"), 2);
        assert_eq!(due, at("2026-12-29T11:00:00-05:00"));
    }

    #[test]
    fn the_day_and_its_end_are_the_sites() {
        let s = site("MLM");
        // 03:00 UTC is still the evening before in Mexico City.
        let late = at("2026-11-25T03:00:00Z");
        assert_eq!(
            s.day(late),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
        );
        assert_eq!(s.end_of_day(late), at("2026-11-25T00:00:00-06:00"));
    }
}

/// Business-time cases for the UI's mock, which computes its demo deadlines with the same rules.
#[cfg(test)]
#[test]
fn export_bindings_business_hours_golden() {
    let starts = [
        "2026-11-24T13:00:00Z",
        "2026-11-24T22:00:00Z",
        "2026-11-25T02:30:00Z",
        "2026-11-25T08:00:00Z",
        "2026-11-27T23:00:00Z",
        "2026-11-28T15:00:00Z",
        "2026-11-19T21:00:00Z",
        "2026-11-20T23:00:00Z",
        "2026-12-24T16:00:00Z",
        "2026-12-31T20:30:00Z",
    ];
    let mut cases = Vec::new();
    for site in ["MLA", "MLB", "MLM", "MCO", "MLC", "MLU", "MEC", "MPE"] {
        let rules = Site::of(site).unwrap_or_else(|e| panic!("{e}"));
        for start in starts {
            let at = DateTime::parse_from_rfc3339(start)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default();
            for hours in [1, 8, 26] {
                cases.push(serde_json::json!({
                    "site": site, "start": start, "hours": hours,
                    "due": rules.add_hours(at, hours).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                }));
            }
        }
    }
    let sites: serde_json::Map<String, serde_json::Value> = calendar()
        .sites
        .iter()
        .map(|(id, s)| {
            (
                id.clone(),
                serde_json::json!({ "utc_offset_hours": s.utc_offset_hours, "holidays": s.holidays }),
            )
        })
        .collect();
    let c = calendar();
    let golden = serde_json::json!({
        "opens": c.opens, "closes": c.closes, "message_hours": c.message_hours,
        "claim_days": c.claim_days, "sites": sites, "cases": cases,
    });
    let out = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string_pretty(&golden).unwrap_or_else(|e| panic!("{e}")) + "\n";
    std::fs::write(out.join("business_hours.json"), json).unwrap_or_else(|e| panic!("{e}"));
}
