// The inbox's "waiting" list: unanswered questions and conversations whose buyer wrote last, in
// one list, longest waiting first (merged by the core). Core events only trigger a refetch.
import type { Backend } from '../../lib/ipc/backend';
import { BackendError } from '../../lib/ipc/backend';
import type { ConversationThread } from '../../lib/ipc/bindings/ConversationThread';
import type { WaitingItem } from '../../lib/ipc/bindings/WaitingItem';
import { PagedRows } from '../../lib/paged.svelte';
import { conversationKey } from './conversations.svelte';

const PAGE_SIZE = 100;

/** A row's identity across refetches. */
export function itemKey(item: WaitingItem): string {
  return item.question ? `q${item.question.id}` : `c${conversationKey(item.conversation!)}`;
}

export class WaitingState {
  accountId = $state<number | null>(null);
  error = $state<string | null>(null);
  sendError = $state<string | null>(null);
  resetToken = $state(0);

  readonly rows = new PagedRows<WaitingItem>((offset, limit) => this.fetch(offset, limit), PAGE_SIZE);
  total = $derived(this.rows.total);

  selectedKey = $state<string | null>(null);
  selectedIndex = $state(-1);
  selected = $state<WaitingItem | null>(null);
  /** The open conversation's thread (when the open row is a conversation). */
  thread = $state<ConversationThread | null>(null);

  private started = false;
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private backend: Backend) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = await this.backend.onCoreEvent(() => {
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

  private async fetch(offset: number, limit: number): Promise<{ items: WaitingItem[]; total: number }> {
    return this.backend.waitingList({ limit, offset, ...(this.accountId !== null ? { account_id: this.accountId } : {}) });
  }

  async load(fromTop = false): Promise<void> {
    if (fromTop) this.resetToken++;
    try {
      await this.rows.reset(fromTop, () => this.reconcileSelection());
      await this.refreshThread();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /**
   * The open row keeps its place while it is listed; once answered it leaves the list and the
   * row now at its position opens, as in the questions list.
   */
  private reconcileSelection(): void {
    if (this.selectedKey !== null) {
      for (const [index, row] of this.rows.loadedRows()) {
        if (itemKey(row) === this.selectedKey) {
          this.selectedIndex = index;
          this.selected = row;
          return;
        }
      }
    }
    const index = Math.min(Math.max(this.selectedIndex, 0), this.rows.total - 1);
    const row = index >= 0 ? this.rows.at(index) : undefined;
    if (row) {
      this.open(row, index);
    } else {
      this.selectedKey = null;
      this.selectedIndex = -1;
      this.selected = null;
      this.thread = null;
    }
  }

  private open(row: WaitingItem, index: number): void {
    const changed = itemKey(row) !== this.selectedKey;
    this.selected = row;
    this.selectedKey = itemKey(row);
    this.selectedIndex = index;
    if (changed) {
      this.thread = null;
      this.sendError = null;
      void this.refreshThread();
    }
  }

  private async refreshThread(): Promise<void> {
    const c = this.selected?.conversation;
    if (!c) return;
    const key = this.selectedKey;
    try {
      const thread = await this.backend.conversationGet(c.account_id, c.pack_id);
      if (this.selectedKey === key) this.thread = thread;
    } catch (e) {
      if (this.selectedKey === key) this.error = e instanceof Error ? e.message : String(e);
    }
  }

  async selectIndex(index: number): Promise<void> {
    if (index < 0 || index >= this.rows.total) return;
    await this.rows.ensure(index, index);
    const row = this.rows.at(index);
    if (row) this.open(row, index);
  }

  async move(delta: number): Promise<void> {
    const from = this.selectedIndex < 0 ? (delta > 0 ? -1 : this.rows.total) : this.selectedIndex;
    await this.selectIndex(Math.min(Math.max(from + delta, 0), this.rows.total - 1));
  }

  async setAccount(accountId: number | null): Promise<void> {
    this.accountId = accountId;
    this.selectedKey = null;
    this.selectedIndex = -1;
    await this.load(true);
  }

  /** Answers the open question; true once it is durably queued. */
  async answer(questionId: number, text: string): Promise<boolean> {
    return this.sending(() => this.backend.replySend(questionId, text));
  }

  /** Writes to the open conversation's buyer; true once it is durably queued. */
  async message(text: string): Promise<boolean> {
    const c = this.selected?.conversation;
    if (!c) return false;
    return this.sending(() => this.backend.messageSend(c.account_id, c.pack_id, text));
  }

  private async sending(queue: () => Promise<number>): Promise<boolean> {
    this.sendError = null;
    try {
      await queue();
      await this.load();
      return true;
    } catch (e) {
      this.sendError = e instanceof BackendError ? e.message : String(e);
      return false;
    }
  }
}
