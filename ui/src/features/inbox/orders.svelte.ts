// The inbox's sales: what is to dispatch by the end of today (soonest deadline first) or every
// order (newest first), read page by page from the core, with the open sale. From a sale the
// seller opens its conversation or writes to the buyer first through the action guide.
import type { ContactDraft } from '../../lib/ipc/bindings/ContactDraft';
import type { ContactOption } from '../../lib/ipc/bindings/ContactOption';
import type { OrderFilter } from '../../lib/ipc/bindings/OrderFilter';
import type { OrderRow } from '../../lib/ipc/bindings/OrderRow';
import type { Page } from '../../lib/paged.svelte';
import { OpenList } from './openList.svelte';

/** A sale's identity: packs are per account. */
export function saleKey(o: { account_id: number; order_id: number }): string {
  return `${o.account_id}:${o.order_id}`;
}

/** The end of the local day of `now`, as RFC 3339. */
export function endOfDay(now: Date): string {
  const d = new Date(now);
  d.setHours(23, 59, 59, 999);
  return d.toISOString();
}

export class OrdersState extends OpenList<OrderRow> {
  filter = $state<OrderFilter>('to_dispatch');
  accountId = $state<number | null>(null);
  /** Dispatches due by the end of today (the tab's count). */
  toDispatch = $state(0);

  protected async fetch(offset: number, limit: number): Promise<Page<OrderRow>> {
    const page = await this.backend.ordersList({
      filter: this.filter,
      dispatch_before: endOfDay(new Date()),
      limit,
      offset,
      ...(this.accountId !== null ? { account_id: this.accountId } : {}),
    });
    this.toDispatch = page.to_dispatch;
    return page;
  }

  protected keyOf(row: OrderRow): string {
    return saleKey(row);
  }

  /** The open sale keeps its place while listed; otherwise the first row opens. */
  protected reconcileSelection(): void {
    if (this.findSelected()) return;
    const first = this.rows.at(0);
    if (first) this.open(first, 0);
    else this.clearSelection();
  }

  protected override oldestFirst(): boolean {
    return this.filter === 'to_dispatch';
  }

  async setFilter(filter: OrderFilter): Promise<void> {
    this.filter = filter;
    this.clearSelection();
    await this.load(true);
  }

  async setAccount(accountId: number | null): Promise<void> {
    this.accountId = accountId;
    this.clearSelection();
    await this.load(true);
  }

  /** The reasons Mercado Libre allows now for writing to the open sale's buyer. */
  async contactOptions(): Promise<ContactOption[]> {
    const o = this.selected;
    return o ? this.backend.contactOptions(o.pack_id) : [];
  }

  /** Queues a first message to the open sale's buyer; true once it is durably queued. */
  async contact(draft: ContactDraft): Promise<boolean> {
    const o = this.selected;
    if (!o) return false;
    return this.sending(() => this.backend.contactBuyer(o.pack_id, draft));
  }
}
