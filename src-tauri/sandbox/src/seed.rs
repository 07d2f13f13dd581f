//! Deterministic seed data. A [`Profile`] sizes the demo seller (MLA): `tiny` is the demo-mode
//! seller, `huge` has 100,000 questions, 50,000 orders and 5,000 listings with variations. Every
//! profile also seeds two small sellers on MLB (Portuguese) and MLM. Same seed, same world.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

use crate::world::{Answer, Claim, Item, Message, Order, Shipment, User, Variation, World};

/// SplitMix64: a tiny, fast, deterministic generator (enough for simulated data and traffic).
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How big the demo seller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The demo-mode seller: 12 listings, a few dozen questions.
    Tiny,
    /// 100 listings, 1,000 questions, 500 orders.
    Small,
    /// 1,000 listings, 10,000 questions, 5,000 orders.
    Large,
    /// 5,000 listings with variations, 100,000 questions, 50,000 orders.
    Huge,
}

impl FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "tiny" => Ok(Self::Tiny),
            "small" => Ok(Self::Small),
            "large" => Ok(Self::Large),
            "huge" => Ok(Self::Huge),
            other => Err(format!(
                "unknown profile {other:?} (tiny, small, large, huge)"
            )),
        }
    }
}

struct Sizes {
    listings: usize,
    questions: usize,
    unanswered: usize,
    orders: usize,
    days: i64,
}

impl Profile {
    fn sizes(self) -> Sizes {
        match self {
            Self::Tiny => Sizes {
                listings: 12,
                questions: 29,
                unanswered: 5,
                orders: 40,
                days: 14,
            },
            Self::Small => Sizes {
                listings: 100,
                questions: 1_000,
                unanswered: 20,
                orders: 500,
                days: 150,
            },
            Self::Large => Sizes {
                listings: 1_000,
                questions: 10_000,
                unanswered: 120,
                orders: 5_000,
                days: 150,
            },
            Self::Huge => Sizes {
                listings: 5_000,
                questions: 100_000,
                unanswered: 400,
                orders: 50_000,
                days: 150,
            },
        }
    }
}

/// The demo seller (MLA).
pub const SELLER_ID: i64 = 241_880_452;
/// The demo seller's second account (MLA): part of its listings share SKUs with the first.
pub const OUTLET_ID: i64 = 241_880_977;
/// Its nickname.
pub const OUTLET_NICKNAME: &str = "MATEANDO_OUTLET";
/// The demo seller's nickname.
pub const SELLER_NICKNAME: &str = "MATEANDO_SHOP";

const ES_PRODUCTS: &[&str] = &[
    "Mate Imperial de Calabaza con Virola de Alpaca",
    "Bombilla Pico de Loro Acero Inoxidable",
    "Termo Acero 1 Litro Pico Cebador",
    "Yerba Mate Orgánica 1 kg Barbacuá",
    "Set Matero Cuero Ecológico Completo",
    "Azucarera y Yerbera de Cerámica Esmaltada",
    "Mate de Vidrio Forrado Cuero",
    "Bolso Matero Impermeable con Correa",
    "Mate Torpedo de Algarrobo Tallado",
    "Cepillo Limpia Bombillas x3 Unidades",
    "Termo Media Manija 1.2 L",
    "Mate Camionero Cuero Crudo Personalizado",
];
const PT_PRODUCTS: &[&str] = &[
    "Cuia de Chimarrão Porongo Natural",
    "Bomba Inox para Chimarrão",
    "Garrafa Térmica 1 Litro Bico Dosador",
    "Erva-Mate Nativa 1 kg Moída Grossa",
    "Kit Chimarrão Completo com Bolsa",
];
const COLORS: &[&str] = &["Negro", "Marrón", "Verde", "Azul", "Rojo", "Blanco"];
const EDITIONS: &[&str] = &[
    "Clásico",
    "Premium",
    "Edición Limitada",
    "Artesanal",
    "Pack x2",
    "Grande",
];

const BUYERS: &[&str] = &[
    "LUCIA.GOMEZ88",
    "MARTINPEREZ_AR",
    "SOFI-RIOS",
    "JUANCRUZ2002",
    "CAROLINAB",
    "TOMASVILLALBA",
    "AGUS.FERNANDEZ",
    "PAULA_MDQ",
    "NICO_ROSARIO",
    "VALEN.SUAREZ",
    "JOAQUINLOPEZ77",
    "FLORENCIA.DIAZ",
    "MATIAS_CBA",
    "CAMILA.RUIZ",
    "GONZA-TUCUMAN",
    "ROCIO_SALTA",
    "FEDE.MORALES",
    "EMILIA_NQN",
];

/// Questions buyers ask (Spanish, accents, emoji; HTML-looking, phone and e-mail texts that a
/// seller tool must show as plain text and that Mercado Libre moderates in answers).
pub const QUESTION_TEXTS: &[&str] = &[
    "Hola! ¿Tenés stock para envío hoy?",
    "¿Hacen factura A? Gracias",
    "Buenas, ¿el envío a Córdoba cuánto tarda?",
    "¿Viene con bombilla incluida o se compra aparte?",
    "Hola, ¿es de calabaza natural? ¿Hay que curarlo?",
    "¿Tienen en color negro? 🙏",
    "Si compro 3 ¿me hacen descuento?",
    "¿La virola es de alpaca de verdad o es acero?",
    "Hola! Lo puedo retirar por el local? Estoy en Palermo",
    "¿Mantiene el agua caliente todo el día? ☕",
    "¿Aceptan Mercado Pago en cuotas sin interés?",
    "<img src=x onerror=alert('hola')> ¿tienen talle grande?",
    "Buen día, ¿cuál es la medida exacta del mate?",
    "¿Cuándo les vuelve a entrar stock?",
    "Pasame tu whatsapp 11 5555-0123 así arreglamos por afuera",
    "Mandame fotos a comprador.curioso@example.com porfa",
    "<script>alert(document.cookie)</script> hola?",
];

/// Portuguese questions for the MLB seller.
pub const PT_QUESTION_TEXTS: &[&str] = &[
    "Olá! Tem pronta entrega? 😊",
    "Emite nota fiscal?",
    "Qual o prazo de entrega para Porto Alegre?",
    "A cuia já vem curada?",
    "Vocês fazem desconto para 3 unidades?",
];

const ANSWER_TEXTS: &[&str] = &[
    "¡Hola! Sí, tenemos stock y despachamos en el día. ¡Saludos!",
    "Hola, sí, emitimos factura A. Cargá tus datos al comprar. ¡Gracias!",
    "Hola, el envío tarda entre 2 y 4 días hábiles. ¡Saludos!",
    "¡Hola! Viene sin bombilla; la tenemos publicada aparte.",
];

/// A very long question (near the 2,000-character limit) to exercise layouts and truncation.
fn long_text() -> String {
    let sentence = "Hola, quería consultar por las medidas, el material, los colores disponibles y \
                    si el envío incluye seguro, porque la última vez que compré algo similar llegó roto. ";
    sentence.repeat(10).trim_end().to_owned()
}

struct SellerSpec {
    id: i64,
    nickname: &'static str,
    site: &'static str,
    currency: &'static str,
    item_base: i64,
    products: &'static [&'static str],
    texts: &'static [&'static str],
    /// SKUs of its own on odd listings (`{prefix}-…`); the even ones share the `SKU-…` of the
    /// other accounts (the same product sold on two accounts).
    own_skus: Option<&'static str>,
    /// No unanswered questions (a second account the demo adds without crowding the inbox).
    quiet: bool,
}

/// Builds the world for `profile`.
pub fn world(profile: Profile, seed: u64, now: DateTime<Utc>) -> World {
    let mut rng = SplitMix::new(seed);
    let mut world = World::empty(SplitMix::new(seed ^ 0x5EED));
    let sellers = [
        (
            SellerSpec {
                id: SELLER_ID,
                nickname: SELLER_NICKNAME,
                site: "MLA",
                currency: "ARS",
                item_base: 1_400_000_001,
                products: ES_PRODUCTS,
                texts: QUESTION_TEXTS,
                own_skus: None,
                quiet: false,
            },
            profile,
        ),
        (
            SellerSpec {
                id: 318_002_117,
                nickname: "CASA_DO_CHIMARRAO",
                site: "MLB",
                currency: "BRL",
                item_base: 3_100_000_001,
                products: PT_PRODUCTS,
                texts: PT_QUESTION_TEXTS,
                own_skus: None,
                quiet: false,
            },
            Profile::Tiny,
        ),
        (
            SellerSpec {
                id: PROTECTED_SELLER_ID,
                nickname: "TIENDA_DEL_MATE_MX",
                site: "MLM",
                currency: "MXN",
                item_base: 2_200_000_001,
                products: ES_PRODUCTS,
                texts: QUESTION_TEXTS,
                own_skus: None,
                quiet: false,
            },
            Profile::Tiny,
        ),
        (
            SellerSpec {
                id: OUTLET_ID,
                nickname: OUTLET_NICKNAME,
                site: "MLA",
                currency: "ARS",
                item_base: 1_500_000_001,
                products: ES_PRODUCTS,
                texts: QUESTION_TEXTS,
                own_skus: Some("OUT"),
                quiet: true,
            },
            Profile::Tiny,
        ),
    ];
    let buyer_count = (profile.sizes().questions / 20).max(BUYERS.len());
    for n in 0..buyer_count {
        let id = 310_000_000 + n as i64 * 7_919;
        let nickname = BUYERS
            .get(n)
            .map(|s| (*s).to_owned())
            .unwrap_or_else(|| format!("COMPRADOR{}", 1000 + n));
        world.users.insert(
            id,
            User {
                id,
                nickname,
                site_id: "MLA".into(),
            },
        );
        world.buyer_ids.push(id);
    }
    for (spec, size) in &sellers {
        seed_seller(
            &mut world,
            &mut rng,
            spec,
            size.sizes(),
            *size == Profile::Huge,
            now,
        );
    }
    world.seller_id = SELLER_ID;
    // The MLM seller is under reputation protection, so protected responses are served too.
    world
        .protected_until
        .insert(PROTECTED_SELLER_ID, now + Duration::days(45));
    world
}

/// The seeded seller under reputation protection (MLM).
pub const PROTECTED_SELLER_ID: i64 = 402_771_905;

/// The demo-mode world (the `tiny` profile).
pub fn demo_world(seed: u64, now: DateTime<Utc>) -> World {
    world(Profile::Tiny, seed, now)
}

/// The SKU prefix of a seller's `i`-th listing.
fn sku_prefix(spec: &SellerSpec, i: usize) -> &'static str {
    match spec.own_skus {
        Some(prefix) if i % 2 == 1 => prefix,
        _ => "SKU",
    }
}

fn seed_seller(
    world: &mut World,
    rng: &mut SplitMix,
    spec: &SellerSpec,
    sizes: Sizes,
    all_variations: bool,
    now: DateTime<Utc>,
) {
    world.users.insert(
        spec.id,
        User {
            id: spec.id,
            nickname: spec.nickname.into(),
            site_id: spec.site.into(),
        },
    );
    world.seller_ids.push(spec.id);
    let mut item_ids = Vec::with_capacity(sizes.listings);
    for i in 0..sizes.listings {
        let id = format!("{}{}", spec.site, spec.item_base + i as i64 * 37);
        let base = spec.products[i % spec.products.len()];
        let title = if i < spec.products.len() {
            base.to_owned()
        } else {
            format!("{base} {} {}", rng.pick(EDITIONS), rng.pick(COLORS))
        };
        let with_variations = all_variations || i % 4 == 3;
        let variations: Vec<Variation> = if with_variations {
            (0..2 + rng.below(3))
                .map(|v| Variation {
                    id: 17_000_000_000 + world.items.len() as i64 * 10 + v as i64,
                    attributes: vec![("Color".into(), COLORS[v % COLORS.len()].into())],
                    available_quantity: rng.below(30) as i64,
                    sold_quantity: rng.below(200) as i64,
                    sku: Some(format!("{}-{i:05}-{v}", sku_prefix(spec, i))),
                })
                .collect()
        } else {
            Vec::new()
        };
        // The sixth listing of every seller is out of stock (paused), as real catalogues have.
        let stock = if i == 5 {
            0
        } else if variations.is_empty() {
            [0, 3, 8, 14, 22, 41, 52, 120, 300][rng.below(9)].max(1)
        } else {
            variations.iter().map(|v| v.available_quantity).sum()
        };
        let paused = stock == 0;
        world.items.insert(
            id.clone(),
            Item {
                id: id.clone(),
                seller_id: spec.id,
                title,
                price_cents: (500 + rng.below(60_000) as i64) * 100 + [0, 0, 90, 99][rng.below(4)],
                currency_id: spec.currency.into(),
                available_quantity: stock,
                sold_quantity: rng.below(400) as i64,
                status: if paused {
                    "paused".into()
                } else {
                    "active".into()
                },
                sub_status: if paused {
                    vec!["out_of_stock".into()]
                } else {
                    Vec::new()
                },
                sku: Some(format!("{}-{i:05}", sku_prefix(spec, i))),
                // Some listings are in Full (stock held by Mercado Libre) and some catalog
                // listings keep variations that cannot change, as real catalogues have.
                catalog_listing: !variations.is_empty() && i % 19 == 11,
                variations,
                version: 1,
                logistic_type: if i % 17 == 7 {
                    "fulfillment".into()
                } else {
                    "cross_docking".into()
                },
            },
        );
        item_ids.push(id);
    }
    let answered = sizes.questions - sizes.unanswered;
    let span = Duration::days(sizes.days).num_minutes();
    for n in 0..answered {
        // Spread evenly over the window, oldest first, ending a few hours ago.
        let at = now - Duration::minutes(span - (n as i64 * (span - 300)) / answered.max(1) as i64);
        let item = rng.pick(&item_ids).clone();
        let from = *rng.pick(&world.buyer_ids);
        let text = if n % 97 == 13 {
            long_text()
        } else {
            (*rng.pick(spec.texts)).to_owned()
        };
        if let Some(id) = world.add_question(&item, from, &text, at) {
            let answer = Answer {
                text: (*rng.pick(ANSWER_TEXTS)).into(),
                date_created: at + Duration::minutes(3 + rng.below(240) as i64),
            };
            if let Some(q) = world.questions.get_mut(&id) {
                q.last_updated = answer.date_created;
                // Every status Mercado Libre documents appears in the history.
                q.status = match n % 97 {
                    41 => "CLOSED_UNANSWERED",
                    53 => "UNDER_REVIEW",
                    67 => "DISABLED",
                    79 => "BANNED",
                    _ => "ANSWERED",
                }
                .into();
                match q.status.as_str() {
                    "ANSWERED" => q.answer = Some(answer),
                    // Banned questions come back with empty text, and a banned answer too.
                    "BANNED" => {
                        q.text.clear();
                        q.answer = Some(Answer {
                            text: String::new(),
                            ..answer
                        });
                        q.answer_banned = true;
                    }
                    _ => {}
                }
            }
        }
    }
    let unanswered = if spec.quiet { 0 } else { sizes.unanswered };
    for n in 0..unanswered {
        let minutes_ago = [190, 95, 41, 17, 6][n % 5] + (n / 5) as i64 * 60;
        let item = rng.pick(&item_ids).clone();
        let from = *rng.pick(&world.buyer_ids);
        let text = *rng.pick(spec.texts);
        world.add_question(&item, from, text, now - Duration::minutes(minutes_ago));
    }
    for n in 0..sizes.orders {
        let item_id = rng.pick(&item_ids).clone();
        let (price, variation_id) = match world.items.get(&item_id) {
            Some(i) => (i.price_cents, i.variations.first().map(|v| v.id)),
            None => continue,
        };
        let created = now - Duration::minutes(rng.below(span as usize) as i64);
        let id = 2_000_012_000_000 + world.orders.len() as i64;
        let pack_id = (n % 10 == 9).then(|| 2_000_009_000_000 + id % 1_000_000);
        world.orders.insert(
            id,
            Order {
                id,
                seller_id: spec.id,
                buyer_id: *rng.pick(&world.buyer_ids),
                item_id,
                variation_id,
                quantity: 1 + rng.below(3) as i64,
                unit_price_cents: price,
                status: if rng.below(20) == 0 {
                    "cancelled".into()
                } else {
                    "paid".into()
                },
                date_created: created,
                // Updated after it was placed, never after now.
                last_updated: (created + Duration::minutes(rng.below(4_000) as i64)).min(now),
                pack_id,
                shipping_id: Some(43_000_000_000 + id % 1_000_000_000),
            },
        );
        post_sale(world, rng, id, now);
    }
}

const BUYER_MESSAGES: &[&str] = &[
    "Hola! ¿Cuándo despachan mi compra?",
    "Buenas, ¿me pasan la factura por favor?",
    "¿Me confirman el color que me va a llegar?",
    "Hola, todavía no me llegó el paquete 😟",
];

/// The shipment of a new order, and sometimes a claim and a buyer's message thread.
pub fn post_sale(world: &mut World, rng: &mut SplitMix, order_id: i64, now: DateTime<Utc>) {
    let Some(order) = world.orders.get(&order_id).cloned() else {
        return;
    };
    let age = now - order.date_created;
    let deadline = order.date_created + Duration::hours(48);
    let delayed = rng.below(20) == 0;
    let (status, substatus, shipped_at) = if order.status == "cancelled" {
        ("cancelled", None, None)
    } else if age > Duration::days(7) {
        let left = if delayed {
            deadline + Duration::hours(20)
        } else {
            deadline - Duration::hours(20)
        };
        ("delivered", None, Some(left))
    } else if age > Duration::days(2) {
        let left = if delayed {
            deadline + Duration::hours(6)
        } else {
            deadline - Duration::hours(6)
        };
        (
            "shipped",
            if delayed { Some("delayed") } else { None },
            Some(left),
        )
    } else if age > Duration::hours(6) {
        ("ready_to_ship", Some("printed"), None)
    } else {
        ("handling", None, None)
    };
    if let Some(id) = order.shipping_id {
        world.shipments.insert(
            id,
            Shipment {
                id,
                order_id,
                seller_id: order.seller_id,
                status: status.into(),
                substatus: substatus.map(str::to_owned),
                date_created: order.date_created,
                last_updated: shipped_at.unwrap_or(order.date_created),
                handling_deadline: deadline,
                shipped_at,
            },
        );
    }
    if order.status == "paid" && age > Duration::days(3) && rng.below(33) == 0 {
        let id = 5_100_000_000 + world.claims.len() as i64;
        let open = age < Duration::days(20);
        world.claims.insert(
            id,
            Claim {
                id,
                order_id,
                seller_id: order.seller_id,
                buyer_id: order.buyer_id,
                status: if open {
                    "opened".into()
                } else {
                    "closed".into()
                },
                stage: if rng.below(4) == 0 {
                    "dispute".into()
                } else {
                    "claim".into()
                },
                reason_id: "PDD9949".into(),
                date_created: order.date_created + Duration::days(3),
                last_updated: order.date_created + Duration::days(if open { 3 } else { 9 }),
            },
        );
    }
    if rng.below(5) == 0 {
        let pack = order.pack_id.unwrap_or(order_id);
        let at = order.date_created + Duration::minutes(30 + rng.below(600) as i64);
        let read = (now - at > Duration::hours(2)).then_some(at + Duration::hours(1));
        let id = format!("{:032x}", rng.next_u64() as u128 * 31 + order_id as u128);
        world.messages.entry(pack).or_default().push(Message {
            id,
            from: order.buyer_id,
            to: order.seller_id,
            text: (*rng.pick(BUYER_MESSAGES)).into(),
            date: at.min(now),
            read,
        });
    }
}

/// Gives the main seller `count` conversations waiting on the buyer's unread message: one on
/// each of its most recent paid orders that has none yet, written in the last hours.
pub fn open_conversations(world: &mut World, count: usize, now: DateTime<Utc>) {
    let seller = world.seller_id;
    let mut recent: Vec<Order> = world
        .orders
        .values()
        .filter(|o| o.seller_id == seller && o.status == "paid")
        .cloned()
        .collect();
    recent.sort_by_key(|o| std::cmp::Reverse(o.date_created));
    let mut opened = 0;
    for order in recent {
        if opened == count {
            break;
        }
        let pack = order.pack_id.unwrap_or(order.id);
        let thread = world.messages.entry(pack).or_default();
        if thread.iter().any(|m| m.read.is_none()) {
            continue;
        }
        let at = now - Duration::minutes(25 + 70 * opened as i64);
        thread.push(Message {
            id: format!("{:032x}", 0x0de0_u128 << 96 | order.id as u128),
            from: order.buyer_id,
            to: order.seller_id,
            text: BUYER_MESSAGES[opened % BUYER_MESSAGES.len()].into(),
            date: at.max(order.date_created),
            read: None,
        });
        opened += 1;
    }
}
