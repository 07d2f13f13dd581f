//! The seller reputation `/users/{id}` reports, computed from the sandbox's own orders, claims
//! and shipments with Mercado Libre's rules: a 60-day window when the seller made at least the
//! site's threshold of sales in it, else 365 days; claims, cancellations and delayed-dispatch
//! rates; the colour is the worst colour any rate reaches under the site's limits. A protected
//! seller is shown green with zeroed metrics; the true colour goes in `real_level` and the true
//! figures in each metric's `excluded`, with `protection_end_date`.

use std::collections::HashSet;

use chrono::Duration;
use serde_json::{Value, json};

use crate::world::World;

/// Sales in 60 days from which the 60-day window applies, per site.
fn window_threshold(site: &str) -> usize {
    match site {
        "MLB" | "MCO" => 60,
        "MLM" | "MLC" => 40,
        _ => 50,
    }
}

/// Highest rates (%) for green, yellow and orange: (claims, cancellations, delayed).
fn limits(site: &str) -> [(f64, f64, f64); 3] {
    match site {
        "MLB" => [(2.0, 1.5, 10.0), (4.5, 3.5, 18.0), (8.0, 4.0, 22.0)],
        "MCO" | "MLU" | "MLC" => [(3.5, 2.5, 12.0), (5.5, 7.0, 18.0), (7.0, 9.0, 26.0)],
        _ => [(1.5, 1.0, 10.0), (3.0, 2.5, 15.0), (6.0, 3.0, 22.0)],
    }
}

/// The `seller_reputation` object of a seller.
pub fn seller_reputation(world: &World, seller: i64, site: &str) -> Value {
    let now = world.now();
    let in_days = |days: i64| {
        world
            .orders
            .values()
            .filter(move |o| o.seller_id == seller && o.date_created >= now - Duration::days(days))
    };
    let days = if in_days(60).count() >= window_threshold(site) {
        60
    } else {
        365
    };
    let orders: Vec<_> = in_days(days).collect();
    let ids: HashSet<i64> = orders.iter().map(|o| o.id).collect();
    let total = orders.len();
    let cancelled = orders.iter().filter(|o| o.status == "cancelled").count();
    let claimed: HashSet<i64> = world
        .claims
        .values()
        .filter(|c| ids.contains(&c.order_id))
        .map(|c| c.order_id)
        .collect();
    let shipped: Vec<_> = world
        .shipments
        .values()
        .filter(|s| ids.contains(&s.order_id))
        .filter_map(|s| s.shipped_at.map(|at| at > s.handling_deadline))
        .collect();
    let delayed = shipped.iter().filter(|late| **late).count();
    let rate = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let (claims_rate, cancel_rate, delayed_rate) = (
        rate(claimed.len(), total),
        rate(cancelled, total),
        rate(delayed, shipped.len()),
    );
    let colours = ["5_green", "3_yellow", "2_orange"];
    let level = limits(site)
        .iter()
        .zip(colours)
        .find(|((c, x, d), _)| {
            claims_rate * 100.0 <= *c && cancel_rate * 100.0 <= *x && delayed_rate * 100.0 <= *d
        })
        .map(|(_, colour)| colour)
        .unwrap_or("1_red");
    let all_time = world.orders.values().filter(|o| o.seller_id == seller);
    let (completed, canceled) = all_time.fold((0, 0), |(c, x), o| {
        if o.status == "paid" {
            (c + 1, x)
        } else {
            (c, x + 1)
        }
    });
    let period = format!("{days} days");
    let protected_until = world
        .protected_until
        .get(&seller)
        .filter(|until| **until > now);
    let metric = |r: f64, v: usize| {
        let rate = (r * 10_000.0).round() / 10_000.0;
        match protected_until {
            Some(_) => json!({"period": period, "rate": 0, "value": 0,
                              "excluded": {"real_value": v, "real_rate": rate}}),
            None => json!({"period": period, "rate": rate, "value": v}),
        }
    };
    let shown = if protected_until.is_some() {
        "5_green"
    } else {
        level
    };
    let mut reputation = json!({
        "level_id": if total > 10 { json!(shown) } else { json!(null) },
        "power_seller_status": if shown == "5_green" && total >= 60 { json!("gold") } else { json!(null) },
        "transactions": {
            "canceled": canceled, "completed": completed, "period": "historic", "total": canceled + completed,
            "ratings": {"negative": 0.02, "neutral": 0.03, "positive": 0.95},
        },
        "metrics": {
            "sales": {"period": period, "completed": total - cancelled},
            "claims": metric(claims_rate, claimed.len()),
            "delayed_handling_time": metric(delayed_rate, delayed),
            "cancellations": metric(cancel_rate, cancelled),
        },
    });
    if let (Some(until), Some(map)) = (protected_until, reputation.as_object_mut()) {
        // `real_level` is the colour alone, as in Mercado Libre's example ("red").
        let colour = level.split_once('_').map_or(level, |(_, c)| c);
        map.insert("real_level".into(), json!(colour));
        map.insert(
            "protection_end_date".into(),
            json!(world.format_time(*until, site)),
        );
    }
    reputation
}
