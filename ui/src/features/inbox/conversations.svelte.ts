// The inbox's post-sale side: conversations (one per pack) read page by page from the core, the
// open one's thread, and sending a message. Core events only trigger a refetch.
import type { AttachmentUpload } from '../../lib/ipc/bindings/AttachmentUpload';
import type { Conversation } from '../../lib/ipc/bindings/Conversation';
import type { ConversationQuery } from '../../lib/ipc/bindings/ConversationQuery';
import type { ConversationThread } from '../../lib/ipc/bindings/ConversationThread';
import type { Deadline } from '../../lib/ipc/bindings/Deadline';
import type { StatusFilter } from '../../lib/ipc/bindings/StatusFilter';
import type { Page } from '../../lib/paged.svelte';
import { OpenList } from './openList.svelte';
import { errorText } from '../../lib/errors';

/** A conversation's identity: packs are per account. */
export function conversationKey(c: { account_id: number; pack_id: number }): string {
  return `${c.account_id}:${c.pack_id}`;
}

export class ConversationsState extends OpenList<Conversation> {
  /** `unanswered`: the buyer wrote last; `answered`: the seller did. */
  filter = $state<StatusFilter>('unanswered');
  search = $state('');
  accountId = $state<number | null>(null);
  /** Conversations waiting for the seller, across accounts (always shown). */
  waiting = $state(0);
  /** Open deadlines by pack (messages to answer, claims, dispatches), read with the first page. */
  deadlines = $state<Record<number, Deadline[]>>({});
  /** The open conversation's messages and order. */
  thread = $state<ConversationThread | null>(null);

  /** The next reconciliation follows a new filter or search. */
  private restarting = false;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;

  override stop(): void {
    super.stop();
    if (this.searchTimer) clearTimeout(this.searchTimer);
  }

  query(): ConversationQuery {
    const search = this.search.trim();
    return {
      status: this.filter,
      limit: 100,
      offset: 0,
      ...(search ? { search } : {}),
      ...(this.accountId !== null ? { account_id: this.accountId } : {}),
    };
  }

  protected async fetch(offset: number, limit: number): Promise<Page<Conversation>> {
    const page = await this.backend.conversationsList({ ...this.query(), offset, limit });
    this.waiting = page.waiting;
    // The page's deadlines (a countdown chip per row); a failure only leaves the chips out.
    const packs = page.items.map((c) => c.pack_id);
    if (packs.length > 0) {
      void this.backend
        .deadlinesList({ due_before: null, pack_ids: packs, limit: 1000 })
        .then((deadlines) => {
          const byPack: Record<number, Deadline[]> = offset === 0 ? {} : { ...this.deadlines };
          for (const p of packs) delete byPack[p];
          for (const d of deadlines) if (d.pack_id !== null) (byPack[d.pack_id] ??= []).push(d);
          this.deadlines = byPack;
        })
        .catch(() => undefined);
    }
    return page;
  }

  protected keyOf(row: Conversation): string {
    return conversationKey(row);
  }

  /**
   * The open conversation keeps its place if it is still listed. One that left the list (the
   * seller answered it) stays open until the seller moves on. With nothing open, or after a new
   * filter or search that no longer lists it, the first row opens.
   */
  protected reconcileSelection(): void {
    const restarting = this.restarting;
    this.restarting = false;
    if (this.findSelected()) return;
    if (!restarting && this.advanceAfterWrite()) return;
    if (this.selectedKey !== null && !restarting) {
      this.detached = true;
      return;
    }
    const first = this.rows.at(0);
    if (first) {
      this.open(first, 0);
    } else {
      this.clearSelection();
      this.thread = null;
    }
  }

  protected override opened(): void {
    this.thread = null;
    void this.refreshed();
  }

  /** Re-reads the open conversation's thread. */
  protected override async refreshed(): Promise<void> {
    const c = this.selected;
    if (!c) return;
    const key = conversationKey(c);
    try {
      const thread = await this.backend.conversationGet(c.pack_id);
      if (this.selectedKey === key) {
        this.thread = thread;
        // The header follows the thread (waiting time, last message) even off the list.
        this.selected = thread.conversation;
      }
    } catch (e) {
      if (this.selectedKey === key) this.error = errorText(e);
    }
  }

  /** A new filter or search: back to the top (the open conversation stays if still listed). */
  private async restart(): Promise<void> {
    this.restarting = true;
    await this.load(true);
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
        const thread = await this.backend.conversationGet(packId);
        this.selected = thread.conversation;
        this.selectedKey = conversationKey(thread.conversation);
        this.thread = thread;
        this.sendError = null;
        this.selectedIndex = -1;
      } catch (e) {
        this.error = errorText(e);
      }
    } else {
      this.clearSelection();
    }
    await this.load(true);
  }

  protected override oldestFirst(): boolean {
    return this.filter === 'unanswered';
  }

  /** Marks the open conversation done ("no reply needed"); the next waiting one opens. */
  async markDone(): Promise<boolean> {
    const c = this.selected;
    if (!c) return false;
    return this.sending(() => this.backend.conversationDone(c.pack_id, true));
  }

  /** Queues a message to the open conversation's buyer; true once it is durably queued. */
  async send(text: string, attachment?: AttachmentUpload | null): Promise<boolean> {
    const c = this.selected;
    if (!c) return false;
    return this.sending(() => this.backend.messageSend(c.pack_id, text, attachment));
  }
}
