// A seller's inbox for the mock backend in a plain browser (UI development, Playwright): any
// number of varied questions across listings and buyers, the same every time (seeded).
import type { InboxQuestion } from './bindings/InboxQuestion';
import type { OrderRow } from './bindings/OrderRow';
import type { QuestionContext } from './bindings/QuestionContext';
import type { ReplyTemplateDraft } from './bindings/ReplyTemplateDraft';
import type { ThreadMessage } from './bindings/ThreadMessage';

const LISTINGS: [string, string, number][] = [
  ['MLA1400000001', 'Mate Imperial de Calabaza con Virola de Alpaca', 28990],
  ['MLA1400000002', 'Termo Acero Inoxidable 1 L Pico Cebador', 45500],
  ['MLA1400000003', 'Bombilla Pico de Loro Alpaca Cincelada', 12900],
  ['MLA1400000004', 'Yerbera y Azucarera de Cuero Set Matero', 18750],
  ['MLA1400000005', 'Set Matero Completo Bolso + Termo + Mate', 89990],
  ['MLA1400000006', 'Mate de Vidrio Forrado en Cuero Negro', 9990],
  ['MLA1400000007', 'Yerba Mate Orgánica 1 kg Barbacuá', 7490],
  ['MLA1400000008', 'Pava Eléctrica Corte 80° Acero 1.7 L', 38900],
];

const BUYERS = [
  'MATERO_CORDOBES',
  'LUCIA.GOMEZ88',
  'ELCHINO_ROSARIO',
  'FERNANDEZ_ANA',
  'TIENDA_PATAGONIA',
  'JUANCITO_77',
  'VALEN.M',
  'PAMPA_COMPRAS',
  'MARTINA_SOSA',
  'NICOLAS.RUIZ',
  'GAUCHITO_SHOP',
  'CAROLINA_PEREYRA',
];

const QUESTIONS: [string, string][] = [
  ['Hola, ¿hacen envío a Córdoba capital? ¿Cuánto tarda?', 'Hola, sí: llega en 48 a 72 h hábiles por Mercado Envíos.'],
  ['¿Tenés stock para entrega inmediata?', 'Sí, hay stock y despachamos en el día si comprás antes de las 14 h.'],
  ['¿La calabaza viene curada o hay que curarla?', 'Viene lista para curar; te mandamos las instrucciones con la compra.'],
  ['¿Hacen factura A?', 'Sí, emitimos factura A. Cargá tus datos fiscales al comprar.'],
  ['¿Es de alpaca o de acero? ¿Se oxida?', 'Es alpaca; no se oxida con el uso normal.'],
  ['¿Se puede retirar en persona por Palermo?', 'Por ahora solo enviamos por Mercado Envíos.'],
  ['¿Cuánto mide de alto? Quiero saber si entra en el bolso.', 'Mide 14 cm de alto y 9 cm de diámetro.'],
  ['Buenas, ¿tienen en color marrón?', 'Hola, por ahora solo en negro y suela.'],
  ['¿Mantiene el agua caliente todo el día?', 'Mantiene el agua caliente 24 horas y fría 12.'],
  ['¿Aceptan cuotas sin interés?', 'Sí, con las cuotas que ofrezca Mercado Pago en el momento.'],
  ['Si compro 3, ¿me hacen precio?', 'Agregalos al carrito: el descuento por cantidad se aplica solo.'],
  ['¿Tiene garantía? ¿Cuánto tiempo?', 'Tiene 6 meses de garantía por defectos de fabricación.'],
  ['¿Es original? En otra publicación lo vi más barato.', 'Es original, con sello del fabricante.'],
  ['¿Viene con bombilla incluida?', 'No incluye bombilla; la tenemos en otra publicación.'],
  ['¿Se puede grabar un nombre?', 'Sí, agregá el nombre en una nota al comprar; tarda 2 días más.'],
  ['¿El pico cebador se desarma para lavarlo?', 'Sí, se desenrosca y se lava fácil.'],
];

/** A small deterministic generator (mulberry32), so the mock inbox is the same on every load. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` questions: the newest `unanswered` are waiting (minutes to days), the rest answered,
 * spread over the last months.
 */
export function demoQuestions(count: number, unanswered = Math.min(count, 24), now = Date.now()): InboxQuestion[] {
  const next = random(7);
  const out: InboxQuestion[] = [];
  for (let i = 0; i < count; i++) {
    const [itemId, title, price] = LISTINGS[Math.floor(next() * LISTINGS.length)]!;
    const buyer = Math.floor(next() * BUYERS.length);
    const [text, answer] = QUESTIONS[Math.floor(next() * QUESTIONS.length)]!;
    const waiting = i < unanswered;
    // Waiting ones from 2 minutes to 2 days; answered ones over ~120 days.
    const age = waiting ? 2 * 60_000 * Math.pow(1.35, i) : (2 + (i / count) * 120 * 24) * 3_600_000;
    const asked = new Date(now - Math.min(age, 2 * 86_400_000 * (waiting ? 1 : 100)));
    out.push({
      id: 13_000_000_000 + i,
      account_id: 1,
      account_nickname: 'MATEANDO_SHOP',
      site_id: 'MLA',
      item_id: itemId,
      item_title: title,
      item_price: String(price),
      item_currency: 'ARS',
      item_stock: Math.floor(next() * 40),
      item_permalink: `https://articulo.mercadolibre.com.ar/${itemId.replace('MLA', 'MLA-')}`,
      buyer_id: 300_000 + buyer,
      buyer_nickname: BUYERS[buyer]!,
      text,
      status: waiting ? 'UNANSWERED' : 'ANSWERED',
      date_created: asked.toISOString(),
      answer_text: waiting ? null : answer,
      answer_date: waiting ? null : new Date(asked.getTime() + 40 * 60_000).toISOString(),
      delivery: null,
      answered_by: null,
      highlight: null,
    });
  }
  return out;
}

/** Stock per variation for some demo listings. */
export const demoVariations: Record<string, QuestionContext['variations']> = {
  MLA1400000001: [
    { id: 1, label: 'Color: Negro', available_quantity: 8 },
    { id: 2, label: 'Color: Suela', available_quantity: 5 },
    { id: 3, label: 'Color: Marrón', available_quantity: 0 },
  ],
  MLA1400000002: [
    { id: 4, label: 'Color: Verde', available_quantity: 12 },
    { id: 5, label: 'Color: Negro', available_quantity: 3 },
  ],
};

/** Quick replies a seller would have. */
export const demoTemplates: ReplyTemplateDraft[] = [
  { title: 'Envío', text: '{site_greeting} {buyer}, sí: enviamos a todo el país por Mercado Envíos. ¡Gracias!', item_id: null, shortcut: null },
  { title: 'Stock', text: '{site_greeting} {buyer}, hay {stock} unidades disponibles para entrega inmediata.', item_id: null, shortcut: null },
  { title: 'Factura A', text: 'Sí, emitimos factura A. Cargá tus datos fiscales al comprar. Saludos, {seller}.', item_id: null, shortcut: null },
];

/** The demo's post-sale quick replies (the app's demo seeds the same three). */
export const demoPostSaleTemplates: ReplyTemplateDraft[] = [
  {
    title: 'Gracias',
    text: '¡Hola {buyer_first_name}! Gracias por tu compra #{order_id} ({items}). Ya la estamos preparando. {seller}',
    item_id: null,
    shortcut: null,
    kind: 'post_sale',
  },
  {
    title: 'Seguimiento',
    text: '¡Hola {buyer_first_name}! Tu compra ya viaja con {carrier}: el seguimiento es {tracking_number} y llega el {shipping_eta}.',
    item_id: null,
    shortcut: null,
    kind: 'post_sale',
  },
  {
    title: 'Factura',
    text: 'Hola {buyer_first_name}, te dejamos la factura de la compra #{order_id} en este mensaje. ¡Gracias!',
    item_id: null,
    shortcut: null,
    kind: 'post_sale',
  },
];

/** A post-sale conversation of the mock seller: what the core's thread read model returns. */
export interface DemoThread {
  accountId: number;
  packId: number;
  orderId: number;
  buyerId: number;
  buyer: string;
  /** The first name the order gives, when it does. */
  buyerFirstName?: string;
  itemId: string;
  title: string;
  total: string;
  shipment: string;
  messages: ThreadMessage[];
  /** Marked done through this message time (the core's `conversation_marks.done_through`). */
  doneThrough?: string | null;
  /** Why Mercado Libre does not let the seller write here (the core's `ConversationThread.blocked`). */
  blocked?: string | null;
  /** Mercado Libre reports the shipment late. */
  delayed?: boolean;
  /** Mercado Libre's AI agent intermediates the conversation. */
  intermediated?: boolean;
}

const POST_SALE: [string, string | null][] = [
  ['Hola! ¿Cuándo despachan mi compra?', 'Hola, sale hoy por la tarde. Te llega el código de seguimiento por Mercado Libre.'],
  ['Buenas, ¿me pasan la factura por favor?', null],
  ['¿Me confirman el color que me va a llegar?', 'Te llega en negro, como elegiste en la compra.'],
  ['Hola, todavía no me llegó el paquete 😟', null],
  ['¿Puedo cambiar la dirección de envío?', null],
  ['Llegó perfecto, muchas gracias!', 'Gracias a vos por la compra. ¡Que lo disfrutes!'],
];

/** `count` conversations: the first `waiting` end with the buyer's message, the rest answered. */
export function demoThreads(count: number, waiting = Math.min(count, 4), now = Date.now()): DemoThread[] {
  const next = random(11);
  const out: DemoThread[] = [];
  for (let i = 0; i < count; i++) {
    const [itemId, title, price] = LISTINGS[Math.floor(next() * LISTINGS.length)]!;
    const buyer = Math.floor(next() * BUYERS.length);
    const [ask, reply] = POST_SALE[i % POST_SALE.length]!;
    const at = now - 9 * 60_000 * Math.pow(2.2, i);
    const packId = 2_000_000_000 + i;
    const messages: ThreadMessage[] = [
      { id: `m${i}a`, attachments: [], from_buyer: true, text: ask, date_created: new Date(at).toISOString(), read_at: null, status: 'available', delivery: null, error_message: null, sent_by: null },
    ];
    if (i >= waiting) {
      messages.push({
        id: `m${i}b`,
        attachments: [],
        from_buyer: false,
        text: reply ?? 'Hola, ya lo estamos viendo y te escribimos en un rato.',
        date_created: new Date(at + 25 * 60_000).toISOString(),
        read_at: null,
        status: 'available',
        delivery: null,
        error_message: null,
        sent_by: null,
      });
    }
    out.push({
      accountId: 1,
      packId,
      orderId: 2_000_100_000 + i,
      buyerId: 300_000 + buyer,
      buyer: BUYERS[buyer]!,
      itemId,
      title,
      total: String(price),
      shipment: i < 2 ? 'ready_to_ship' : 'shipped',
      messages,
    });
  }
  return out;
}

/** Sales nobody has written about yet, around `now`: some to dispatch today (one overdue), some
 * tomorrow, some on their way or delivered (the demo's sales list and first contacts). */
export function demoSales(now: Date): OrderRow[] {
  const next = random(29);
  const day = (offsetDays: number, hour: number): string => {
    const d = new Date(now);
    d.setDate(d.getDate() + offsetDays);
    d.setHours(hour, 0, 0, 0);
    return d.toISOString();
  };
  const plan: [string, string | null, boolean][] = [
    ['ready_to_ship', new Date(now.getTime() - 2 * 3_600_000).toISOString(), false],
    ['ready_to_ship', day(0, 13), false],
    ['handling', day(0, 17), true],
    ['ready_to_ship', day(0, 19), false],
    ['handling', day(1, 13), false],
    ['ready_to_ship', day(2, 13), false],
    ['shipped', null, false],
    ['delivered', null, false],
    ['delivered', null, false],
  ];
  return plan.map(([shipment, due, delayed], i) => {
    const [, title, price] = LISTINGS[Math.floor(next() * LISTINGS.length)]!;
    const units = 1 + Math.floor(next() * 3);
    return {
      account_id: i % 3 === 2 ? 2 : 1,
      account_nickname: i % 3 === 2 ? 'MATEANDO_OUTLET' : 'MATEANDO_SHOP',
      site_id: 'MLA',
      order_id: 2_000_200_000 + i,
      pack_id: 2_000_300_000 + i,
      status: 'paid',
      date_created: new Date(now.getTime() - (i + 1) * 5 * 3_600_000).toISOString(),
      total_amount: String(price * units),
      currency_id: 'ARS',
      buyer_nickname: BUYERS[Math.floor(next() * BUYERS.length)]!,
      item_title: title,
      units,
      shipment_status: shipment,
      dispatch_by: due,
      delayed,
      message_count: 0,
      waiting: false,
    };
  });
}
