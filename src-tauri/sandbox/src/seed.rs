//! Deterministic seed data: a demo seller (MLA) with listings, buyers, answered history and a
//! few unanswered questions. Same seed, same world.

use chrono::{DateTime, Duration, Utc};

use crate::world::{Answer, Item, User, World};

/// SplitMix64: a tiny, fast, deterministic generator (enough for simulated traffic).
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

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The demo seller's id and nickname.
pub const SELLER_ID: i64 = 241_880_452;
/// The demo seller's nickname.
pub const SELLER_NICKNAME: &str = "MATEANDO_SHOP";

const LISTINGS: &[(&str, i64, i64)] = &[
    (
        "Mate Imperial de Calabaza con Virola de Alpaca",
        2_899_000,
        14,
    ),
    ("Bombilla Pico de Loro Acero Inoxidable", 649_900, 52),
    ("Termo Acero 1 Litro Pico Cebador Verde", 3_450_000, 8),
    ("Yerba Mate Orgánica 1 kg Barbacuá", 899_000, 120),
    ("Set Matero Cuero Ecológico Completo", 5_299_900, 3),
    ("Azucarera y Yerbera de Cerámica Esmaltada", 1_250_000, 0),
    ("Mate de Vidrio Forrado Cuero Negro", 980_000, 41),
    ("Bolso Matero Impermeable con Correa", 2_150_000, 17),
    ("Mate Torpedo de Algarrobo Tallado", 1_799_900, 22),
    ("Cepillo Limpia Bombillas x3 Unidades", 159_900, 300),
    ("Termo Media Manija 1.2 L Negro Mate", 4_999_000, 5),
    ("Mate Camionero Cuero Crudo Personalizado", 3_199_000, 11),
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

/// Questions buyers ask (Spanish, accents, emoji; one HTML-looking text to prove the UI
/// renders buyer text as text).
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
];

const ANSWER_TEXTS: &[&str] = &[
    "¡Hola! Sí, tenemos stock y despachamos en el día. ¡Saludos!",
    "Hola, sí, emitimos factura A. Cargá tus datos al comprar. ¡Gracias!",
    "Hola, el envío tarda entre 2 y 4 días hábiles. ¡Saludos!",
    "¡Hola! Viene sin bombilla; la tenemos publicada aparte.",
];

/// Builds the demo world.
pub fn demo_world(seed: u64, now: DateTime<Utc>) -> World {
    let mut rng = SplitMix::new(seed);
    let mut world = World {
        users: Default::default(),
        items: Default::default(),
        questions: Default::default(),
        seller_id: SELLER_ID,
        buyer_ids: Vec::new(),
        next_question_id: 13_100_000_001,
        answers: Vec::new(),
        requests: Default::default(),
        codes: Default::default(),
        access: Default::default(),
        refresh: Default::default(),
        faults: Default::default(),
        clock_offset: Duration::zero(),
        rng: SplitMix::new(seed ^ 0x5EED),
    };
    world.users.insert(
        SELLER_ID,
        User {
            id: SELLER_ID,
            nickname: SELLER_NICKNAME.into(),
            site_id: "MLA".into(),
        },
    );
    for (i, nick) in BUYERS.iter().enumerate() {
        let id = 310_000_000 + i as i64 * 7_919;
        world.users.insert(
            id,
            User {
                id,
                nickname: (*nick).into(),
                site_id: "MLA".into(),
            },
        );
        world.buyer_ids.push(id);
    }
    for (i, (title, cents, stock)) in LISTINGS.iter().enumerate() {
        let id = format!("MLA{}", 1_400_000_001 + i as i64 * 37);
        world.items.insert(
            id.clone(),
            Item {
                id,
                seller_id: SELLER_ID,
                title: (*title).into(),
                price_cents: *cents,
                currency_id: "ARS".into(),
                available_quantity: *stock,
                sold_quantity: rng.below(400) as i64,
                status: if *stock == 0 {
                    "paused".into()
                } else {
                    "active".into()
                },
            },
        );
    }
    let item_ids: Vec<String> = world.items.keys().cloned().collect();
    // Answered history over the last two weeks, then a handful still waiting.
    for n in 0..24 {
        let at = now - Duration::minutes(60 * 24 * 14 - n * 800);
        let item = rng.pick(&item_ids).clone();
        let from = *rng.pick(&world.buyer_ids);
        let text = *rng.pick(QUESTION_TEXTS);
        if let Some(id) = world.add_question(&item, from, text, at) {
            let answer = Answer {
                text: (*rng.pick(ANSWER_TEXTS)).into(),
                date_created: at + Duration::minutes(7 + rng.below(90) as i64),
            };
            if let Some(q) = world.questions.get_mut(&id) {
                q.status = "ANSWERED".into();
                q.last_updated = answer.date_created;
                q.answer = Some(answer);
            }
        }
    }
    for minutes_ago in [190, 95, 41, 17, 6] {
        let item = rng.pick(&item_ids).clone();
        let from = *rng.pick(&world.buyer_ids);
        let text = *rng.pick(QUESTION_TEXTS);
        world.add_question(&item, from, text, now - Duration::minutes(minutes_ago));
    }
    world
}
