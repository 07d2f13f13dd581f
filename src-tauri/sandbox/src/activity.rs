//! What buyers and time do to the marketplace: purchases (stock goes down; a listing that sells
//! out is paused), post-sale messages, claims, shipments falling behind their deadline. Used by
//! the traffic generator and by the control API's injections, so both follow the same rules.

use chrono::Duration;

use crate::world::{Claim, Message, Order, World};

/// A paid order of one unit of `item_id` (a variation with stock, if it has variations) by
/// `buyer_id`, with its shipment. `None` when the listing is missing or out of stock.
pub fn place_order(w: &mut World, item_id: &str, buyer_id: i64) -> Option<i64> {
    let now = w.now();
    let item = w.items.get_mut(item_id)?;
    if item.status != "active" || item.available_quantity <= 0 {
        return None;
    }
    let variation_id = if item.variations.is_empty() {
        None
    } else {
        let v = item
            .variations
            .iter_mut()
            .find(|v| v.available_quantity > 0)?;
        v.available_quantity -= 1;
        v.sold_quantity += 1;
        Some(v.id)
    };
    item.available_quantity -= 1;
    item.sold_quantity += 1;
    item.version += 1;
    if item.available_quantity == 0 {
        item.status = "paused".into();
        item.sub_status = vec!["out_of_stock".into()];
    }
    let (seller_id, unit_price_cents) = (item.seller_id, item.price_cents);
    let id = 2_000_012_000_000 + w.orders.len() as i64;
    w.orders.insert(
        id,
        Order {
            id,
            seller_id,
            buyer_id,
            item_id: item_id.to_owned(),
            variation_id,
            quantity: 1,
            unit_price_cents,
            status: "paid".into(),
            date_created: now,
            last_updated: now,
            pack_id: None,
            shipping_id: Some(43_000_000_000 + id % 1_000_000_000),
        },
    );
    let mut rng = w.rng.clone();
    crate::seed::post_sale(w, &mut rng, id, now);
    w.rng = rng;
    Some(id)
}

/// The buyer of `pack` (a pack id, or an order id without pack) writes `text` to the seller.
/// Returns the message id, or `None` for an unknown pack.
pub fn buyer_writes(w: &mut World, pack: i64, text: &str) -> Option<String> {
    let (seller, buyer) = w
        .orders
        .values()
        .find(|o| o.pack_id == Some(pack) || (o.pack_id.is_none() && o.id == pack))
        .map(|o| (o.seller_id, o.buyer_id))?;
    let now = w.now();
    let id = w.token("MSG", buyer);
    // An intermediated conversation relays the buyer through the site's agent.
    let from = if w.agent_conversations.contains(&pack) {
        let site = w
            .users
            .get(&seller)
            .map(|u| u.site_id.clone())
            .unwrap_or_default();
        crate::world::agent_id(&site)
    } else {
        buyer
    };
    w.messages.entry(pack).or_default().push(Message {
        id: id.clone(),
        from,
        to: seller,
        text: text.to_owned(),
        date: now,
        read: None,
    });
    Some(id)
}

/// The seller answers the pack's buyer on Mercado Libre's site (or from another machine): the
/// buyer's messages are read there, and the seller's reply joins the thread. `None` when the
/// pack is unknown.
pub fn seller_replies_on_site(w: &mut World, pack: i64, text: &str) -> Option<String> {
    let (seller, buyer) = w
        .orders
        .values()
        .find(|o| o.pack_id == Some(pack) || (o.pack_id.is_none() && o.id == pack))
        .map(|o| (o.seller_id, o.buyer_id))?;
    let now = w.now();
    let id = w.token("MSG", seller);
    let thread = w.messages.entry(pack).or_default();
    for m in thread
        .iter_mut()
        .filter(|m| m.to == seller && m.read.is_none())
    {
        m.read = Some(now);
    }
    thread.push(Message {
        id: id.clone(),
        from: seller,
        to: buyer,
        text: text.to_owned(),
        date: now,
        read: None,
    });
    Some(id)
}

/// The buyer of a paid order opens a claim on it. `None` when the order is missing, not paid,
/// or already claimed.
pub fn open_claim(w: &mut World, order_id: i64) -> Option<i64> {
    let order = w
        .orders
        .get(&order_id)
        .filter(|o| o.status == "paid")?
        .clone();
    if w.claims.values().any(|c| c.order_id == order_id) {
        return None;
    }
    let now = w.now();
    let id = 5_100_000_000 + w.claims.len() as i64;
    w.claims.insert(
        id,
        Claim {
            id,
            order_id,
            seller_id: order.seller_id,
            buyer_id: order.buyer_id,
            status: "opened".into(),
            stage: "claim".into(),
            reason_id: "PDD9949".into(),
            date_created: now,
            last_updated: now,
        },
    );
    Some(id)
}

/// A shipment not yet dispatched passes its dispatch deadline.
pub fn delay_shipment(w: &mut World, shipment_id: i64) -> bool {
    let now = w.now();
    match w.shipments.get_mut(&shipment_id) {
        Some(s) if s.shipped_at.is_none() && s.status != "cancelled" => {
            s.handling_deadline = now - Duration::minutes(1);
            s.substatus = Some("delayed".into());
            s.last_updated = now;
            true
        }
        _ => false,
    }
}
