// The mock backend's stock: raw listing facts and the core's page rules (`stock::page`):
// derived status, days of cover over the last 30 days' units, the threshold by listing, SKU or
// default, read-only reasons, filters, accent-free search and sorting. Checked case by case
// against the core's golden file in `mockStock.test.ts`.
import { fold } from '../marked';
import { BackendError } from './backend';
import type { ReadOnlyReason } from './bindings/ReadOnlyReason';
import type { StockChange } from './bindings/StockChange';
import type { StockOutcome } from './bindings/StockOutcome';
import type { StockPage } from './bindings/StockPage';
import type { StockQuery } from './bindings/StockQuery';
import type { StockRow } from './bindings/StockRow';
import type { StockStatus } from './bindings/StockStatus';
import type { StockTarget } from './bindings/StockTarget';
import type { StockVariation } from './bindings/StockVariation';
import type { LedgerEntry } from './bindings/LedgerEntry';
import type { LinkGroup } from './bindings/LinkGroup';
import type { LinkMember } from './bindings/LinkMember';

/** A variation as the store holds it. */
export interface RawVariation {
  id: number;
  attributes: [string, string][];
  sku: string | null;
  available: number;
  sold: number | null;
  /** Units sold in the last 30 days. */
  units: number;
}

/** A listing as the store holds it (what the core's page query reads). */
export interface RawListing {
  id: string;
  account_id: number;
  account: string;
  title: string;
  thumbnail: string | null;
  sku: string | null;
  available: number;
  sold: number | null;
  /** Mercado Libre's status, verbatim. */
  status: string;
  sub_status: string[];
  price: string | null;
  currency_id: string | null;
  logistic_type: string | null;
  catalog_listing: boolean;
  units: number;
  open_questions: number;
  variations: RawVariation[];
}

const SALES_DAYS = 30;

function derivedStatus(l: RawListing): StockStatus {
  if (l.status === 'closed') return 'closed';
  if (l.status === 'under_review') return 'under_review';
  if (l.available === 0 || l.sub_status.includes('out_of_stock')) return 'out_of_stock';
  if (l.status === 'paused') return 'paused';
  if (l.status === 'active') return 'active';
  return 'other';
}

const cover = (available: number, units: number): number | null =>
  units > 0 ? (available * SALES_DAYS) / units : null;

/** Compares like SQLite's `ORDER BY`: NULLs first ascending; text without case. */
function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : 1;
}

export class MockStock {
  listings: RawListing[] = [];
  defaultThreshold = 5;
  listingThresholds: Record<string, number> = {};
  skuThresholds: Record<string, number> = {};
  /** Targets (`item` or `item:variation`) with a change waiting. */
  pending = new Set<string>();
  /** Every change queued: what a test inspects. */
  queued: { target: StockTarget; quantity: number }[] = [];
  /** Linked SKUs decided by the owner (absent: proposed when on two accounts). */
  links: Record<string, { state: 'confirmed' | 'undone'; quantity: number }> = {};
  ledgers: Record<string, LedgerEntry[]> = {};
  private nextOutbox = 1;

  /** Every listing or variation that can carry linked stock, with its SKU (like the core's). */
  private members(): (LinkMember & { sku: string })[] {
    const out: (LinkMember & { sku: string })[] = [];
    for (const l of this.listings) {
      if (l.logistic_type === 'fulfillment' || l.status === 'closed') continue;
      const base = { account_id: l.account_id, account: l.account, item_id: l.id, title: l.title };
      if (l.variations.length === 0) {
        if (l.sku) out.push({ ...base, variation_id: null, available: l.available, sku: l.sku });
      } else if (!l.catalog_listing) {
        for (const v of l.variations) if (v.sku) out.push({ ...base, variation_id: v.id, available: v.available, sku: v.sku });
      }
    }
    return out;
  }

  /** Groups on two or more accounts, proposed first (the core's `links::groups`). */
  linkGroups(): LinkGroup[] {
    const bySku = new Map<string, (LinkMember & { sku: string })[]>();
    for (const m of this.members()) bySku.set(m.sku, [...(bySku.get(m.sku) ?? []), m]);
    const groups: LinkGroup[] = [];
    for (const [sku, members] of bySku) {
      if (new Set(members.map((m) => m.account_id)).size < 2) continue;
      const decided = this.links[sku];
      if (decided?.state === 'undone') continue;
      groups.push({
        sku,
        state: decided ? 'confirmed' : 'proposed',
        quantity: decided?.quantity ?? null,
        members: members.map(({ sku: _sku, ...m }) => m).sort((a, b) => a.account.localeCompare(b.account) || a.item_id.localeCompare(b.item_id)),
      });
    }
    return groups.sort((a, b) => Number(a.state === 'confirmed') - Number(b.state === 'confirmed') || a.sku.localeCompare(b.sku));
  }

  private setSku(sku: string, quantity: number): void {
    for (const l of this.listings) {
      if (l.variations.length === 0 && l.sku === sku) {
        l.available = quantity;
        this.pending.add(l.id);
      }
      for (const v of l.variations) {
        if (v.sku === sku) {
          v.available = quantity;
          this.pending.add(`${l.id}:${v.id}`);
        }
      }
      if (l.variations.length > 0) l.available = l.variations.reduce((s, v) => s + v.available, 0);
    }
  }

  private record(sku: string, entry: Omit<LedgerEntry, 'at'>): void {
    (this.ledgers[sku] ??= []).unshift({ at: new Date().toISOString(), ...entry });
  }

  linkConfirm(sku: string): number {
    const group = this.linkGroups().find((g) => g.sku === sku);
    if (!group) throw new BackendError('not_found', `linked SKU ${sku}`);
    if (group.state !== 'proposed') throw new BackendError('invalid_input', `the SKU ${sku} is ${group.state}`);
    const quantity = Math.max(0, Math.min(...group.members.map((m) => m.available)));
    this.links[sku] = { state: 'confirmed', quantity };
    this.setSku(sku, quantity);
    this.record(sku, { cause: 'link', account: null, item_id: null, variation_id: null, order_id: null, member: 'Dueño', delta: 0, quantity });
    return quantity;
  }

  linkUndo(sku: string): void {
    this.links[sku] = { state: 'undone', quantity: this.links[sku]?.quantity ?? 0 };
  }

  /** A sale on one member (the demo's traffic): the others follow, as the core does. */
  sell(itemId: string, variationId: number | null, units: number, orderId: number): void {
    const l = this.listings.find((x) => x.id === itemId);
    if (!l) return;
    const v = variationId === null ? null : l.variations.find((x) => x.id === variationId) ?? null;
    const sku = v ? v.sku : l.sku;
    if (v) v.available = Math.max(0, v.available - units);
    else l.available = Math.max(0, l.available - units);
    const link = sku ? this.links[sku] : undefined;
    if (!sku || link?.state !== 'confirmed') return;
    const quantity = Math.max(0, link.quantity - units);
    link.quantity = quantity;
    this.setSku(sku, quantity);
    this.record(sku, { cause: 'sale', account: l.account, item_id: l.id, variation_id: variationId, order_id: orderId, member: null, delta: -units, quantity });
  }

  ledger(sku: string): LedgerEntry[] {
    return structuredClone(this.ledgers[sku] ?? []);
  }

  private threshold(l: RawListing): number {
    return this.listingThresholds[l.id] ?? (l.sku !== null ? this.skuThresholds[l.sku] : undefined) ?? this.defaultThreshold;
  }

  private variationThreshold(l: RawListing, v: RawVariation): number {
    return (v.sku !== null ? this.skuThresholds[v.sku] : undefined) ?? this.listingThresholds[l.id] ?? this.defaultThreshold;
  }

  private row(l: RawListing): StockRow {
    const status = derivedStatus(l);
    const threshold = this.threshold(l);
    const full = l.logistic_type === 'fulfillment';
    let readOnly: ReadOnlyReason | null = full ? 'fulfillment' : status === 'closed' ? 'closed' : null;
    const variations: StockVariation[] = l.variations.map((v) => {
      const vt = this.variationThreshold(l, v);
      return {
        id: v.id,
        attributes: v.attributes,
        sku: v.sku,
        available: v.available,
        sold: v.sold,
        cover_days: cover(v.available, v.units),
        low: v.available > 0 && v.available <= vt,
        read_only: full ? 'fulfillment' : l.catalog_listing ? 'catalog' : null,
        pending: this.pending.has(`${l.id}:${v.id}`),
        linked: v.sku !== null && this.links[v.sku]?.state === 'confirmed',
      };
    });
    if (readOnly === null && variations.length > 0 && variations.every((v) => v.read_only !== null)) {
      readOnly = variations[0]!.read_only;
    }
    return {
      id: l.id,
      account_id: l.account_id,
      account: l.account,
      title: l.title,
      thumbnail: l.thumbnail,
      sku: l.sku,
      available: l.available,
      sold: l.sold,
      status,
      price: l.price,
      currency_id: l.currency_id,
      cover_days: cover(l.available, l.units),
      open_questions: l.open_questions,
      threshold,
      low: l.available > 0 && l.available <= threshold,
      read_only: readOnly,
      pending: this.pending.has(l.id) || variations.some((v) => v.pending),
      linked: (variations.length === 0 && l.sku !== null && this.links[l.sku]?.state === 'confirmed') || variations.some((v) => v.linked),
      variations,
    };
  }

  page(query: StockQuery): StockPage {
    const words = (query.search ?? '')
      .split(/\s+/)
      .map((w) => fold(w).replace(/[\\%_]/g, ''))
      .filter((w) => w.length > 0)
      .slice(0, 8);
    const keyOf = (l: RawListing): string =>
      [l.title, l.sku ?? '', ...l.variations.map((v) => v.sku ?? '')].map(fold).join(' ');
    let rows = this.listings
      .filter((l) => words.every((w) => keyOf(l).includes(w)))
      .map((l) => this.row(l))
      .filter((r) => query.account_id === null || query.account_id === undefined || r.account_id === query.account_id)
      .filter((r) => !query.status || r.status === query.status)
      .filter((r) => !query.low || r.low)
      .filter((r) => !(query.out || query.out_with_questions) || r.status === 'out_of_stock')
      .filter((r) => !query.out_with_questions || r.open_questions > 0)
      .filter((r) => !query.linked || r.linked);
    const dir = query.descending ? -1 : 1;
    // NULLs go last where the core says `x IS NULL, x`.
    const nullsLast = (a: unknown, b: unknown): number => (a === null ? 1 : 0) - (b === null ? 1 : 0);
    const key = (r: StockRow): string | number | null => {
      switch (query.sort) {
        case 'sku':
          return r.sku;
        case 'available':
          return r.available;
        case 'sold':
          return r.sold;
        case 'status':
          return r.status;
        case 'price':
          return r.price === null ? null : Number(r.price);
        case 'cover':
          return r.cover_days;
        case 'questions':
          return r.open_questions;
        case 'threshold':
          return r.threshold;
        default:
          return r.title;
      }
    };
    const nullable = ['sku', 'sold', 'price', 'cover'].includes(query.sort);
    rows = rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      if (nullable) {
        const n = nullsLast(x, y);
        if (n !== 0) return n;
      }
      return dir * compare(x, y) || compare(a.id, b.id);
    });
    const limit = Math.min(Math.max(query.limit, 1), 200);
    return { items: rows.slice(query.offset, query.offset + limit), total: rows.length, default_threshold: this.defaultThreshold };
  }

  private find(target: StockTarget): { listing: RawListing; variation: RawVariation | null } | null {
    const listing = this.listings.find((l) => l.id === target.item_id);
    if (!listing) return null;
    if (target.variation_id === null) return { listing, variation: null };
    const variation = listing.variations.find((v) => v.id === target.variation_id);
    return variation ? { listing, variation } : null;
  }

  bulk(targets: StockTarget[], change: StockChange, mayEdit: boolean): StockOutcome[] {
    if (!mayEdit) throw new BackendError('forbidden', 'may not edit stock');
    if (change.op === 'pause' || change.op === 'activate') {
      // The listing's status, whatever row stands for it (one outcome per listing).
      const seen = new Set<string>();
      return targets
        .filter((t) => !seen.has(t.item_id) && seen.add(t.item_id))
        .map((t) => {
          const target = { item_id: t.item_id, variation_id: null };
          const listing = this.listings.find((l) => l.id === t.item_id);
          if (!listing) return { target, quantity: null, outbox_id: null, error: { code: 'not_found', message: t.item_id } };
          if (listing.status === 'closed')
            return { target, quantity: null, outbox_id: null, error: { code: 'stock_read_only', message: 'closed' } };
          listing.status = change.op === 'pause' ? 'paused' : 'active';
          this.pending.add(listing.id);
          return { target, quantity: listing.available, outbox_id: this.nextOutbox++, error: null };
        });
    }
    if (change.n < 0) throw new BackendError('invalid_input', 'a stock change cannot be negative');
    const n = change.n;
    return targets.map((target) => {
      const found = this.find(target);
      const refuse = (code: 'not_found' | 'stock_read_only' | 'invalid_input', message: string): StockOutcome => ({
        target,
        quantity: null,
        outbox_id: null,
        error: { code, message },
      });
      if (!found) return refuse('not_found', `listing ${target.item_id}`);
      const { listing, variation } = found;
      if (!variation && listing.variations.length > 0) return refuse('invalid_input', 'change each variation');
      const row = this.row(listing);
      const reason = variation ? row.variations.find((v) => v.id === variation.id)!.read_only : row.read_only;
      if (reason) return refuse('stock_read_only', reason);
      const current = variation ? variation.available : listing.available;
      const quantity =
        change.op === 'set' ? n : change.op === 'add' ? current + n : Math.max(0, current - n);
      const sku = variation ? variation.sku : listing.sku;
      const link = sku ? this.links[sku] : undefined;
      if (sku && link?.state === 'confirmed') {
        // A linked member's change sets its whole group.
        this.record(sku, { cause: 'manual', account: listing.account, item_id: listing.id, variation_id: variation?.id ?? null, order_id: null, member: 'Dueño', delta: quantity - link.quantity, quantity });
        link.quantity = quantity;
        this.setSku(sku, quantity);
        this.queued.push({ target, quantity });
        return { target, quantity, outbox_id: this.nextOutbox++, error: null };
      }
      if (variation) {
        variation.available = quantity;
        listing.available = listing.variations.reduce((s, v) => s + v.available, 0);
      } else {
        listing.available = quantity;
      }
      this.pending.add(variation ? `${listing.id}:${variation.id}` : listing.id);
      this.queued.push({ target, quantity });
      return { target, quantity, outbox_id: this.nextOutbox++, error: null };
    });
  }

  /** The outbox delivered everything: nothing pending any more. */
  deliverAll(): void {
    this.pending.clear();
  }
}

/**
 * A demo catalogue: `count` listings, a quarter with variations, some in Full, some catalog; and
 * a second account (the outlet) selling the first ten products again under the same SKUs.
 */
export function demoListings(count: number): RawListing[] {
  const shop = catalogue(count);
  const outlet = shop
    .slice(0, 20)
    .filter((l) => l.variations.length === 0 && l.logistic_type !== 'fulfillment')
    .slice(0, 10)
    .map((l, n) => ({
      ...structuredClone(l),
      id: `MLA${1500000001 + n * 37}`,
      account_id: 2,
      account: 'MATEANDO_OUTLET',
      title: `${l.title} (outlet)`,
      available: Math.max(0, l.available - 2 - (n % 3)),
      open_questions: 0,
    }));
  return [...shop, ...outlet];
}

function catalogue(count: number): RawListing[] {
  const products = ['Mate Imperial de Calabaza', 'Bombilla de Alpaca', 'Termo Acero 1 L', 'Yerbera de Cuero', 'Set Matero Completo', 'Cuchara de Algarrobo', 'Pava Eléctrica Matera', 'Azucarera Térmica'];
  const colors = ['Negro', 'Rojo', 'Azul', 'Verde', 'Natural'];
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: count }, (_, i) => {
    const withVariations = i % 4 === 3;
    const variations: RawVariation[] = withVariations
      ? Array.from({ length: 2 + (i % 3) }, (_, v) => ({
          id: 17_000_000_000 + i * 10 + v,
          attributes: [['Color', colors[v % colors.length]!]],
          sku: `SKU-${String(i).padStart(5, '0')}-${v}`,
          available: Math.floor(next() * 30),
          sold: Math.floor(next() * 200),
          units: Math.floor(next() * 12),
        }))
      : [];
    const available = i % 11 === 5 ? 0 : withVariations ? variations.reduce((s, v) => s + v.available, 0) : [0, 3, 8, 14, 22, 41, 52, 120][Math.floor(next() * 8)]!;
    const base = products[i % products.length]!;
    return {
      id: `MLA${1400000001 + i * 37}`,
      account_id: 1,
      account: 'MATEANDO_SHOP',
      title: i < products.length ? base : `${base} ${colors[i % colors.length]} ${2020 + (i % 6)}`,
      thumbnail: null,
      sku: `SKU-${String(i).padStart(5, '0')}`,
      available,
      sold: Math.floor(next() * 400),
      status: available === 0 ? 'paused' : 'active',
      sub_status: available === 0 ? ['out_of_stock'] : [],
      price: String(5000 + Math.floor(next() * 60000)),
      currency_id: 'ARS',
      logistic_type: i % 17 === 7 ? 'fulfillment' : 'cross_docking',
      catalog_listing: withVariations && i % 19 === 11,
      units: Math.floor(next() * 40),
      open_questions: i % 9 === 5 ? 2 : i % 13 === 0 ? 1 : 0,
      variations,
    };
  });
}
