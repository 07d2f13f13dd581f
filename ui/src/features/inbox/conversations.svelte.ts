// The inbox's post-sale side: conversations (one per pack) read page by page from the core, the
// open one's thread, and sending a message. Core events only trigger a refetch.
import type { Backend } from '../../lib/ipc/backend';
import { BackendError } from '../../lib/ipc/backend';
import type { Conversation } from '../../lib/ipc/bindings/Conversation';
import type { ConversationQuery } from '../../lib/ipc/bindings/ConversationQuery';
import type { ConversationThread } from '../../lib/ipc/bindings/ConversationThread';
import type { StatusFilter } from '../../lib/ipc/bindings/StatusFilter';
import { PagedRows } from '../../lib/paged.svelte';

const PAGE_SIZE = 100;

/** A conversation's identity: packs are per account. */
export function conversationKey(c: { account_id: number; pack_id: number }): string {
  return `${c.account_id}:${c.pack_id}`;
}

export class ConversationsState {
  /** `unanswered`: the buyer wrote last; `answered`: the seller did. */
  filter = $state<StatusFilter>('unanswered');
  search = $state('');
  accountId = $state<number | null>(null);
  /** Conversations waiting for the seller, across accounts (always shown). */
  waiting = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  sendError = $state<string | null>(null);
  resetToken = $state(0);

  readonly rows = new PagedRows<Conversation>((offset, limit) => this.fetch(offset, limit), PAGE_SIZE);
  total = $derived(this.rows.total);

  selectedKey = $state<string | null>(null);
  selectedIndex = $state(-1);
  selected = $state<Conversation | null>(null);
  /** The open conversation's messages and order. */
  thread = $state<ConversationThread | null>(null);

  /** The next reconciliation follows a new filter or search. */
  private restarting = false;
  /** The open conversation is no longer in the list (see `reconcileSelection`). */
  private detached = false;
  private started = false;
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private backend: Backend) {}

  /** Subscribes to core events and reads the first page (once; the inbox keeps this state). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = await this.backend.onCoreEvent(() => this.scheduleRefetch());
    await this.load(true);
  }

  stop(): void {
    this.started = false;
    this.unsubscribe?.();
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    if (this.searchTimer) clearTimeout(this.searchTimer);
  }

  query(): ConversationQuery {
    const search = this.search.trim();
    return {
      status: this.filter,
      limit: PAGE_SIZE,
      offset: 0,
      ...(search ? { search } : {}),
      ...(this.accountId !== null ? { account_id: this.accountId } : {}),
    };
  }

  private async fetch(offset: number, limit: number): Promise<{ items: Conversation[]; total: number }> {
    const page = await this.backend.conversationsList({ ...this.query(), offset, limit });
    this.waiting = page.waiting;
    return page;
  }

  private scheduleRefetch(): void {
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    this.refetchTimer = setTimeout(() => void this.load(), 60);
  }

  /** Re-reads what is on screen (and the open thread); `fromTop` starts the list over. */
  async load(fromTop = false): Promise<void> {
    this.loading = true;
    if (fromTop) this.resetToken++;
    try {
      await this.rows.reset(fromTop, () => this.reconcileSelection());
      await this.refreshThread();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  /**
   * The open conversation keeps its place if it is still listed. One that left the list (the
   * seller answered it) stays open until the seller moves on; `j` then goes to the row that took
   * its place. With nothing open, or after a new filter or search that no longer lists it, the
   * first row opens.
   */
  private reconcileSelection(): void {
    const restarting = this.restarting;
    this.restarting = false;
    if (this.selectedKey !== null) {
      for (const [index, row] of this.rows.loadedRows()) {
        if (conversationKey(row) === this.selectedKey) {
          this.selectedIndex = index;
          this.selected = row;
          this.detached = false;
          return;
        }
      }
      if (!restarting) {
        this.detached = true;
        return;
      }
    }
    const first = this.rows.at(0);
    if (first) {
      this.open(first, 0);
    } else {
      this.selected = null;
      this.selectedKey = null;
      this.thread = null;
      this.selectedIndex = -1;
    }
  }

  /** A new filter or search: back to the top (the open conversation stays if still listed). */
  private async restart(): Promise<void> {
    this.restarting = true;
    await this.load(true);
  }

  private open(row: Conversation, index: number): void {
    const changed = conversationKey(row) !== this.selectedKey;
    this.detached = false;
    this.selected = row;
    this.selectedKey = conversationKey(row);
    this.selectedIndex = index;
    if (changed) {
      this.thread = null;
      this.sendError = null;
      void this.refreshThread();
    }
  }

  private async refreshThread(): Promise<void> {
    const c = this.selected;
    if (!c) return;
    const key = conversationKey(c);
    try {
      const thread = await this.backend.conversationGet(c.account_id, c.pack_id);
      if (this.selectedKey === key) {
        this.thread = thread;
        // The header follows the thread (waiting time, last message) even off the list.
        this.selected = thread.conversation;
      }
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
    let from = this.selectedIndex < 0 ? (delta > 0 ? -1 : this.rows.total) : this.selectedIndex;
    if (this.detached && delta > 0) from -= 1;
    await this.selectIndex(Math.min(Math.max(from + delta, 0), this.rows.total - 1));
  }

  async setFilter(filter: StatusFilter): Promise<void> {
    this.filter = filter;
    await this.restart();
  }

  async setAccount(accountId: number | null): Promise<void> {
    this.accountId = accountId;
    await this.restart();
  }

  setSearch(text: string): void {
    this.search = text;
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.restart(), 150);
  }

  /**
   * Opens a conversation from outside the list (a notification): shown at once, then the
   * waiting list with its filters cleared; `packId` null only shows the waiting list.
   */
  async openConversation(accountId: number, packId: number | null): Promise<void> {
    this.search = '';
    this.accountId = null;
    this.filter = 'unanswered';
    if (packId !== null) {
      try {
        const thread = await this.backend.conversationGet(accountId, packId);
        this.selected = thread.conversation;
        this.selectedKey = conversationKey(thread.conversation);
        this.thread = thread;
        this.sendError = null;
        this.selectedIndex = -1;
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e);
      }
    } else {
      this.selectedKey = null;
      this.selectedIndex = -1;
    }
    await this.load(true);
  }

  /** Queues a message to the open conversation's buyer; true once it is durably queued. */
  async send(text: string): Promise<boolean> {
    const c = this.selected;
    if (!c) return false;
    try {
      await this.backend.messageSend(c.account_id, c.pack_id, text);
      this.sendError = null;
      await this.refreshThread();
      return true;
    } catch (e) {
      this.sendError = e instanceof BackendError ? e.message : String(e);
      return false;
    }
  }
}
