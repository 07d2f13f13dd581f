// A list read page by page from the core with one open row: a refetch on every burst of core
// events, a selection that survives refetches, j/k, and queuing a write from the open row. The
// inbox's conversations and waiting lists build on it.
import type { Backend } from '../../lib/ipc/backend';
import { PagedRows, type Page } from '../../lib/paged.svelte';
import { errorText } from '../../lib/errors';

export abstract class OpenList<T> {
  error = $state<string | null>(null);
  sendError = $state<string | null>(null);
  /** Bumped when the list starts over: the view scrolls to the top. */
  resetToken = $state(0);
  selectedKey = $state<string | null>(null);
  selectedIndex = $state(-1);
  /** The open row (kept while it is off the loaded pages or out of the list). */
  selected = $state<T | null>(null);
  readonly rows = new PagedRows<T>((offset, limit) => this.fetch(offset, limit), 100);
  total = $derived(this.rows.total);

  /** The open row is no longer listed: `j` goes to the row that took its place. */
  protected detached = false;
  /** The row just written to: when a refetch no longer lists it, the next row opens. */
  private advanceFrom: string | null = null;
  private started = false;
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(protected readonly backend: Backend) {}

  /** One page from the core. */
  protected abstract fetch(offset: number, limit: number): Promise<Page<T>>;
  /** A row's identity across refetches. */
  protected abstract keyOf(row: T): string;
  /** After a refetch: where the selection goes (see `findSelected`). */
  protected abstract reconcileSelection(): void;
  /** A different row opened. */
  protected opened(_row: T): void {}
  /** After every load (to re-read what the open row shows). */
  protected async refreshed(): Promise<void> {}

  /** Subscribes to core events and reads the first page (once; the inbox keeps this state). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = await this.backend.onCoreEvent(() => {
      // Events come in bursts; one refetch per burst.
      if (this.refetchTimer) clearTimeout(this.refetchTimer);
      this.refetchTimer = setTimeout(() => void this.load(), 60);
    });
    await this.load(true);
  }

  stop(): void {
    this.started = false;
    this.unsubscribe?.();
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
  }

  /** Re-reads what is on screen; `fromTop` starts the list over. */
  async load(fromTop = false): Promise<void> {
    if (fromTop) this.resetToken++;
    try {
      await this.rows.reset(fromTop, () => this.reconcileSelection());
      await this.refreshed();
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** Whether the open row is among the loaded rows; if so its place and row are updated. */
  protected findSelected(): boolean {
    if (this.selectedKey === null) return false;
    for (const [index, row] of this.rows.loadedRows()) {
      if (this.keyOf(row) === this.selectedKey) {
        this.selectedIndex = index;
        this.selected = row;
        this.detached = false;
        return true;
      }
    }
    return false;
  }

  /**
   * After a refetch that no longer lists the open row: when that row was just written to, opens
   * the row that took its place (true); otherwise leaves the selection alone (false).
   */
  protected advanceAfterWrite(): boolean {
    if (this.selectedKey === null || this.selectedKey !== this.advanceFrom) return false;
    this.advanceFrom = null;
    const index = Math.min(Math.max(this.selectedIndex, 0), this.rows.total - 1);
    const row = index >= 0 ? this.rows.at(index) : undefined;
    if (!row) return false;
    this.open(row, index);
    return true;
  }

  /** Nothing open. */
  protected clearSelection(): void {
    this.selectedKey = null;
    this.selectedIndex = -1;
    this.selected = null;
    this.detached = false;
  }

  protected open(row: T, index: number): void {
    const changed = this.keyOf(row) !== this.selectedKey;
    this.detached = false;
    this.selected = row;
    this.selectedKey = this.keyOf(row);
    this.selectedIndex = index;
    if (changed) {
      this.sendError = null;
      this.opened(row);
    }
  }

  async selectIndex(index: number): Promise<void> {
    if (index < 0 || index >= this.rows.total) return;
    await this.rows.ensure(index, index);
    const row = this.rows.at(index);
    if (row) this.open(row, index);
  }

  /** j/k: the next or previous row. */
  async move(delta: number): Promise<void> {
    let from = this.selectedIndex < 0 ? (delta > 0 ? -1 : this.rows.total) : this.selectedIndex;
    if (this.detached && delta > 0) from -= 1;
    await this.selectIndex(Math.min(Math.max(from + delta, 0), this.rows.total - 1));
  }

  /** The newest arrival (`n`): the last row of a list oldest first, else the first. */
  async newest(): Promise<void> {
    if (this.rows.total === 0) return;
    await this.selectIndex(this.oldestFirst() ? this.rows.total - 1 : 0);
  }

  /** Whether the list shows the oldest first (the waiting lists). */
  protected oldestFirst(): boolean {
    return true;
  }

  /**
   * Queues a write for the open row; true once it is durably queued (then the list re-reads).
   * When that row left the list (no longer waiting), the next one opens: answering a queue is
   * write, send, write, send.
   */
  protected async sending(queue: () => Promise<unknown>): Promise<boolean> {
    this.sendError = null;
    const key = this.selectedKey;
    try {
      await queue();
      // Whichever refetch first misses the row (this one, or one a core event started)
      // opens the next.
      this.advanceFrom = key;
      await this.load();
      if (this.advanceFrom === key && this.findSelected()) this.advanceFrom = null;
      return true;
    } catch (e) {
      this.sendError = errorText(e);
      return false;
    }
  }
}
