// The inbox's "waiting" list: unanswered questions and conversations whose buyer wrote last, in
// one list, longest waiting first (merged by the core). Core events only trigger a refetch.
import type { AttachmentUpload } from '../../lib/ipc/bindings/AttachmentUpload';
import type { ConversationThread } from '../../lib/ipc/bindings/ConversationThread';
import type { WaitingItem } from '../../lib/ipc/bindings/WaitingItem';
import type { Page } from '../../lib/paged.svelte';
import { conversationKey } from './conversations.svelte';
import { OpenList } from './openList.svelte';
import { errorText } from '../../lib/errors';

/** A row's identity across refetches. */
export function itemKey(item: WaitingItem): string {
  return item.question ? `q${item.question.id}` : `c${conversationKey(item.conversation!)}`;
}

export class WaitingState extends OpenList<WaitingItem> {
  accountId = $state<number | null>(null);
  /** The open conversation's thread (when the open row is a conversation). */
  thread = $state<ConversationThread | null>(null);

  protected fetch(offset: number, limit: number): Promise<Page<WaitingItem>> {
    return this.backend.waitingList({ limit, offset, ...(this.accountId !== null ? { account_id: this.accountId } : {}) });
  }

  protected keyOf(row: WaitingItem): string {
    return itemKey(row);
  }

  /**
   * The open row keeps its place while it is listed; once answered it leaves the list and the
   * row now at its position opens, as in the questions list.
   */
  protected reconcileSelection(): void {
    if (this.findSelected()) return;
    const index = Math.min(Math.max(this.selectedIndex, 0), this.rows.total - 1);
    const row = index >= 0 ? this.rows.at(index) : undefined;
    if (row) {
      this.open(row, index);
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
    const c = this.selected?.conversation;
    if (!c) return;
    const key = this.selectedKey;
    try {
      const thread = await this.backend.conversationGet(c.pack_id);
      if (this.selectedKey === key) this.thread = thread;
    } catch (e) {
      if (this.selectedKey === key) this.error = errorText(e);
    }
  }

  async setAccount(accountId: number | null): Promise<void> {
    this.accountId = accountId;
    this.clearSelection();
    await this.load(true);
  }

  /** Answers the open question; true once it is durably queued. */
  async answer(questionId: number, text: string): Promise<boolean> {
    return this.sending(() => this.backend.replySend(questionId, text));
  }

  /** Writes to the open conversation's buyer; true once it is durably queued. */
  async message(text: string, attachment?: AttachmentUpload | null): Promise<boolean> {
    const c = this.selected?.conversation;
    if (!c) return false;
    return this.sending(() => this.backend.messageSend(c.pack_id, text, attachment));
  }

  /** Marks the open conversation done ("no reply needed"); the next waiting item opens. */
  async markDone(): Promise<boolean> {
    const c = this.selected?.conversation;
    if (!c) return false;
    return this.sending(() => this.backend.conversationDone(c.pack_id, true));
  }
}
