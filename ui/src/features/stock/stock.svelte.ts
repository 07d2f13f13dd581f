// The stock view's state: the query, the listings read a page at a time, the listings opened to
// show their variations (flattened into one list of display rows), the selected row, the ticked
// rows for a bulk change, and the cell being edited.
import type { Backend } from '../../lib/ipc/backend';
import type { StockChange } from '../../lib/ipc/bindings/StockChange';
import type { StockOutcome } from '../../lib/ipc/bindings/StockOutcome';
import type { StockQuery } from '../../lib/ipc/bindings/StockQuery';
import type { StockRow } from '../../lib/ipc/bindings/StockRow';
import type { StockSort } from '../../lib/ipc/bindings/StockSort';
import type { StockStatus } from '../../lib/ipc/bindings/StockStatus';
import type { StockTarget } from '../../lib/ipc/bindings/StockTarget';
import type { StockVariation } from '../../lib/ipc/bindings/StockVariation';
import { PagedRows } from '../../lib/paged.svelte';

/** One line of the table: a listing, or one variation of an opened listing. */
export type DisplayRow =
  | { kind: 'listing'; listing: StockRow; index: number }
  | { kind: 'variation'; listing: StockRow; variation: StockVariation; index: number };

/** The key of a target: `item` or `item:variation`. */
export const targetKey = (t: StockTarget): string => (t.variation_id === null ? t.item_id : `${t.item_id}:${t.variation_id}`);

/** What a display row changes, when it can be changed (a listing with variations cannot). */
export function targetOf(row: DisplayRow): StockTarget | null {
  if (row.kind === 'variation') return { item_id: row.listing.id, variation_id: row.variation.id };
  return row.listing.variations.length > 0 ? null : { item_id: row.listing.id, variation_id: null };
}

/** Why a display row is read-only, if it is. */
export const readOnlyOf = (row: DisplayRow) => (row.kind === 'variation' ? row.variation.read_only : row.listing.read_only);

export class StockState {
  search = $state('');
  accountId = $state<number | null>(null);
  status = $state<StockStatus | null>(null);
  low = $state(false);
  out = $state(false);
  outWithQuestions = $state(false);
  linked = $state(false);
  sort = $state<StockSort>('title');
  descending = $state(false);
  /** Bumped when the list starts over (a new filter): scrolls back to the top. */
  resetToken = $state(0);
  /** Opened listings: id → how many variation rows follow it. */
  opened = $state<Record<string, number>>({});
  selected = $state(0);
  ticked = $state<Record<string, StockTarget>>({});
  editing = $state<{ key: string; value: string } | null>(null);
  /** The last outcome to tell (a queued edit, a bulk result, an error). */
  notice = $state<{ text: string; error: boolean } | null>(null);
  readonly rows: PagedRows<StockRow>;
  /** The default low-stock threshold, as the last page said. */
  defaultThreshold = $state<number | null>(null);
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly backend: Backend) {
    this.rows = new PagedRows<StockRow>(async (offset, limit) => {
      const page = await this.backend.stockPage(this.query(offset, limit));
      this.defaultThreshold = page.default_threshold;
      return page;
    }, 100);
  }

  query(offset: number, limit: number): StockQuery {
    return {
      account_id: this.accountId,
      status: this.status,
      low: this.low,
      out: this.out,
      out_with_questions: this.outWithQuestions,
      linked: this.linked,
      search: this.search.trim() || null,
      sort: this.sort,
      descending: this.descending,
      offset,
      limit,
    };
  }

  /** Listing indexes that are opened, with their variation counts, in order. */
  private openedAt(): [number, number][] {
    const out: [number, number][] = [];
    for (const [i, row] of this.rows.loadedRows()) {
      const n = this.opened[row.id];
      if (n) out.push([i, n]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Display rows in all. */
  get total(): number {
    return this.rows.total + Object.values(this.opened).reduce((s, n) => s + n, 0);
  }

  /** The listing index (and variation position) a display index falls on. */
  locate(display: number): { listing: number; variation: number | null } {
    let offset = 0;
    for (const [i, n] of this.openedAt()) {
      if (display <= i + offset) break;
      if (display <= i + offset + n) return { listing: i, variation: display - i - offset - 1 };
      offset += n;
    }
    return { listing: display - offset, variation: null };
  }

  /** The display index of listing `index`. */
  private displayOf(index: number): number {
    return index + this.openedAt().filter(([i]) => i < index).reduce((s, [, n]) => s + n, 0);
  }

  at(display: number): DisplayRow | undefined {
    const { listing, variation } = this.locate(display);
    const row = this.rows.at(listing);
    if (!row) return undefined;
    if (variation === null) return { kind: 'listing', listing: row, index: display };
    const v = row.variations[variation];
    return v ? { kind: 'variation', listing: row, variation: v, index: display } : undefined;
  }

  show(first: number, last: number): void {
    void this.rows.show(this.locate(first).listing, this.locate(last).listing);
  }

  /** Starts over with the current filters. */
  async restart(): Promise<void> {
    this.opened = {};
    this.selected = 0;
    this.editing = null;
    this.resetToken++;
    await this.rows.reset(true);
  }

  /** Re-reads what is on screen (an edit queued or delivered, a sync). */
  async refresh(): Promise<void> {
    await this.rows.reset(false, () => {
      // Opened listings keep their variation counts as they are now.
      const opened: Record<string, number> = {};
      for (const [, row] of this.rows.loadedRows()) if (this.opened[row.id]) opened[row.id] = row.variations.length;
      this.opened = opened;
    });
  }

  setSearch(text: string): void {
    this.search = text;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.restart(), 200);
  }

  sortBy(column: StockSort): void {
    if (this.sort === column) this.descending = !this.descending;
    else {
      this.sort = column;
      this.descending = column !== 'title' && column !== 'sku';
    }
    void this.restart();
  }

  get filtered(): boolean {
    return this.accountId !== null || this.status !== null || this.low || this.out || this.outWithQuestions || this.linked || this.search.trim() !== '';
  }

  clearFilters(): void {
    this.accountId = null;
    this.status = null;
    this.low = this.out = this.outWithQuestions = this.linked = false;
    this.search = '';
    void this.restart();
  }

  toggleOpen(row: StockRow): void {
    if (row.variations.length === 0) return;
    const next = { ...this.opened };
    if (next[row.id]) delete next[row.id];
    else next[row.id] = row.variations.length;
    this.opened = next;
  }

  move(by: number): void {
    this.selected = Math.max(0, Math.min(this.total - 1, this.selected + by));
  }

  /** Selects the listing of the selected variation (closing it), used by ← / h. */
  toParent(): void {
    const row = this.at(this.selected);
    if (!row) return;
    if (row.kind === 'variation') this.selected = this.displayOf(this.locate(this.selected).listing);
    else if (this.opened[row.listing.id]) this.toggleOpen(row.listing);
  }

  toggleTick(row: DisplayRow): void {
    const targets =
      row.kind === 'variation' || row.listing.variations.length === 0
        ? [targetOf(row)!]
        : row.listing.variations.map((v) => ({ item_id: row.listing.id, variation_id: v.id }));
    const next = { ...this.ticked };
    const all = targets.every((t) => next[targetKey(t)]);
    for (const t of targets) {
      if (all) delete next[targetKey(t)];
      else next[targetKey(t)] = t;
    }
    this.ticked = next;
  }

  isTicked(row: DisplayRow): boolean {
    const t = targetOf(row);
    if (t) return Boolean(this.ticked[targetKey(t)]);
    return row.listing.variations.length > 0 && row.listing.variations.every((v) => this.ticked[`${row.listing.id}:${v.id}`]);
  }

  get tickedCount(): number {
    return Object.keys(this.ticked).length;
  }

  startEdit(row: DisplayRow): boolean {
    const target = targetOf(row);
    if (!target || readOnlyOf(row)) return false;
    const current = row.kind === 'variation' ? row.variation.available : row.listing.available;
    this.editing = { key: targetKey(target), value: String(current) };
    return true;
  }

  /** Opens the threshold of a listing for editing (empty: back to the default). */
  startThreshold(row: DisplayRow): void {
    if (row.kind !== 'listing') return;
    this.editing = { key: `t:${row.listing.id}`, value: String(row.listing.threshold) };
  }

  /** Saves the edited threshold of a listing (an empty box removes its own). */
  async commitThreshold(row: DisplayRow): Promise<void> {
    const editing = this.editing;
    if (row.kind !== 'listing' || !editing) return;
    // A number box binds a number (or null when empty).
    const text = String(editing.value ?? '').trim();
    const threshold = text === '' ? null : Number(text);
    if (threshold !== null && (!Number.isInteger(threshold) || threshold < 0)) throw new RangeError('a whole number, 0 or more');
    this.editing = null;
    await this.backend.stockThresholdSet('listing', row.listing.id, threshold);
    await this.refresh();
  }

  /** Sets the default low-stock threshold. */
  async setDefaultThreshold(threshold: number): Promise<void> {
    if (!Number.isInteger(threshold) || threshold < 0) throw new RangeError('a whole number, 0 or more');
    await this.backend.stockThresholdSet(null, null, threshold);
    await this.refresh();
  }

  /** Queues the edited value; returns the error text's code when it was refused. */
  async commitEdit(row: DisplayRow): Promise<void> {
    const target = targetOf(row);
    const editing = this.editing;
    if (!target || !editing) return;
    const quantity = Number(editing.value);
    if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError('a whole number, 0 or more');
    this.editing = null;
    await this.backend.stockSet(target, quantity);
    await this.refresh();
  }

  async bulk(change: StockChange): Promise<StockOutcome[]> {
    const targets = Object.values(this.ticked);
    const outcomes = await this.backend.stockBulk(targets, change);
    // What was queued leaves the selection; what was refused stays ticked, to see why.
    const next: Record<string, StockTarget> = {};
    for (const o of outcomes) if (o.error) next[targetKey(o.target)] = o.target;
    this.ticked = next;
    await this.refresh();
    return outcomes;
  }
}
