// The inbox's state: the current page fetched through the backend, the filter and the selection.
// Core events only trigger a refetch; the page is never patched by hand.
import type { Backend } from '../../lib/ipc/backend';
import { BackendError } from '../../lib/ipc/backend';
import type { InboxQuestion } from '../../lib/ipc/bindings/InboxQuestion';
import type { StatusFilter } from '../../lib/ipc/bindings/StatusFilter';

const PAGE_SIZE = 200;

export class InboxState {
  filter = $state<StatusFilter>('unanswered');
  /** Words to search for (the core folds accents; every word is a prefix). */
  search = $state('');
  items = $state<InboxQuestion[]>([]);
  total = $state(0);
  totalCapped = $state(false);
  unanswered = $state(0);
  selectedId = $state<number | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  sendError = $state<string | null>(null);

  selected = $derived(this.items.find((q) => q.id === this.selectedId) ?? null);
  /** Rows ticked for a bulk action. */
  checked = $state<number[]>([]);

  private refetchTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;
  private unsubscribeOpen: (() => void) | null = null;

  constructor(private backend: Backend) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.backend.onCoreEvent(() => this.scheduleRefetch());
    this.unsubscribeOpen = await this.backend.onOpenQuestion((id) => void this.openQuestion(id));
    await this.load();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribeOpen?.();
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
  }

  private scheduleRefetch(): void {
    // Events come in bursts; one refetch per burst.
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    this.refetchTimer = setTimeout(() => void this.load(), 60);
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const search = this.search.trim();
      const page = await this.backend.inboxList({
        status: this.filter,
        limit: PAGE_SIZE,
        offset: 0,
        ...(search ? { search } : {}),
      });
      this.items = page.items;
      this.total = page.total;
      this.totalCapped = page.total_capped;
      this.unanswered = page.unanswered;
      this.error = null;
      const stillThere = this.items.some((q) => q.id === this.selectedId);
      if (!stillThere) this.selectedId = this.items[0]?.id ?? null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  private searchTimer: ReturnType<typeof setTimeout> | null = null;

  /** Searches as the user types (debounced). */
  setSearch(text: string): void {
    this.search = text;
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.selectedId = null;
      void this.load();
    }, 150);
  }

  async setFilter(filter: StatusFilter): Promise<void> {
    this.filter = filter;
    this.selectedId = null;
    await this.load();
  }

  /** Opens a question from outside the list (a notification click): finds it, then selects it. */
  async openQuestion(id: number): Promise<void> {
    for (const filter of ['unanswered', 'all'] as const) {
      if (this.items.some((q) => q.id === id)) break;
      this.filter = filter;
      await this.load();
    }
    this.select(id);
  }

  select(id: number): void {
    this.selectedId = id;
    this.sendError = null;
  }

  move(delta: number): void {
    if (this.items.length === 0) return;
    const index = this.items.findIndex((q) => q.id === this.selectedId);
    const next = Math.min(this.items.length - 1, Math.max(0, (index < 0 ? 0 : index) + delta));
    this.select(this.items[next]!.id);
  }

  toggleChecked(id: number): void {
    this.checked = this.checked.includes(id) ? this.checked.filter((x) => x !== id) : [...this.checked, id];
  }

  clearChecked(): void {
    this.checked = [];
  }

  /** Deletes the ticked questions (through the outbox). */
  async deleteChecked(): Promise<void> {
    const ids = this.checked;
    this.checked = [];
    try {
      await this.backend.questionsDelete(ids);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    await this.load();
  }

  /** Blocks the buyers of the ticked questions, per account (through the outbox). */
  async blockChecked(): Promise<void> {
    const rows = this.items.filter((q) => this.checked.includes(q.id));
    this.checked = [];
    const byAccount = new Map<number, Set<number>>();
    for (const q of rows) {
      if (!byAccount.has(q.account_id)) byAccount.set(q.account_id, new Set());
      byAccount.get(q.account_id)!.add(q.buyer_id);
    }
    try {
      for (const [account, buyers] of byAccount) await this.backend.buyersBlock(account, [...buyers]);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** Queues the answer; true when it was accepted by the core. */
  async send(questionId: number, text: string): Promise<boolean> {
    this.sendError = null;
    try {
      await this.backend.replySend(questionId, text);
      await this.load();
      return true;
    } catch (e) {
      this.sendError = e instanceof BackendError ? e.message : String(e);
      return false;
    }
  }
}
