// The inbox's state: the filters, the list (read page by page from the core), the optional
// grouping by listing or buyer, and the selection. Core events only trigger a refetch; rows are
// never patched by hand.
import type { Backend } from '../../lib/ipc/backend';
import type { GroupBy } from '../../lib/ipc/bindings/GroupBy';
import type { InboxGroup } from '../../lib/ipc/bindings/InboxGroup';
import type { InboxQuery } from '../../lib/ipc/bindings/InboxQuery';
import type { InboxQuestion } from '../../lib/ipc/bindings/InboxQuestion';
import type { StatusFilter } from '../../lib/ipc/bindings/StatusFilter';
import { PagedRows } from '../../lib/paged.svelte';
import { ConversationsState } from './conversations.svelte';
import { WaitingState } from './waiting.svelte';
import { OrdersState } from './orders.svelte';
import { errorText } from '../../lib/errors';

const PAGE_SIZE = 100;

/** A group the user opened: its questions are listed under a header. */
export interface OpenGroup {
  by: GroupBy;
  key: string;
  label: string;
}

/** The start of a local calendar day `YYYY-MM-DD` (plus `days`), as RFC 3339. */
export function dayStart(day: string, days = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).toISOString();
}

/** What the inbox lists: everything waiting, pre-sale questions, post-sale conversations, or sales. */
export type InboxKind = 'waiting' | 'questions' | 'messages' | 'sales';

/** The kinds in the order the switch shows them (and `m` goes through them). */
export const KINDS: InboxKind[] = ['waiting', 'questions', 'messages', 'sales'];

export class InboxState {
  kind = $state<InboxKind>('questions');
  /** The post-sale side (its own filters, list and open conversation). */
  readonly conversations: ConversationsState;
  /** Questions and conversations waiting, merged. */
  readonly waiting: WaitingState;
  /** Sales: what is to dispatch today, or all. */
  readonly orders: OrdersState;
  filter = $state<StatusFilter>('unanswered');
  /** Words to search for (the core folds accents; every word is a prefix). */
  search = $state('');
  accountId = $state<number | null>(null);
  /** Local calendar days `YYYY-MM-DD`, both included; '' for open-ended. */
  fromDay = $state('');
  toDay = $state('');
  /** Grouping of the list: none, or groups first and then the opened group's questions. */
  groupBy = $state<GroupBy | null>(null);
  group = $state<OpenGroup | null>(null);

  totalCapped = $state(false);
  unanswered = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  sendError = $state<string | null>(null);
  /** Bumped when the list starts over (new filter): the view scrolls to the top. */
  resetToken = $state(0);

  readonly rows = new PagedRows<InboxQuestion>((offset, limit) => this.fetchQuestions(offset, limit), PAGE_SIZE);
  readonly groups = new PagedRows<InboxGroup>((offset, limit) => this.fetchGroups(offset, limit), PAGE_SIZE);

  selectedId = $state<number | null>(null);
  selectedIndex = $state(-1);
  /** The open question (kept even when its page scrolls out of memory). */
  selected = $state<InboxQuestion | null>(null);
  groupIndex = $state(0);
  /** Rows ticked for a bulk action, by id. */
  checkedRows = $state<Record<number, InboxQuestion>>({});
  checked = $derived(Object.keys(this.checkedRows).map(Number));

  /** True while the list shows groups rather than questions. */
  showingGroups = $derived(this.groupBy !== null && this.group === null);
  total = $derived(this.rows.total);
  /** Any filter beyond the status tabs is on. */
  filtered = $derived(this.accountId !== null || this.fromDay !== '' || this.toDay !== '');

  /** The next reconciliation follows a restart (see `reconcileSelection`). */
  private restarting = false;
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;
  private unsubscribeOpen: (() => void) | null = null;
  private unsubscribeConversation: (() => void) | null = null;

  constructor(private backend: Backend) {
    this.conversations = new ConversationsState(backend);
    this.waiting = new WaitingState(backend);
    this.orders = new OrdersState(backend);
  }

  async start(): Promise<void> {
    void this.conversations.start();
    void this.waiting.start();
    void this.orders.start();
    this.unsubscribe = await this.backend.onCoreEvent(() => this.scheduleRefetch());
    this.unsubscribeOpen = await this.backend.onOpenQuestion((id) => void this.openQuestion(id));
    this.unsubscribeConversation = await this.backend.onOpenConversation((target) => {
      this.kind = 'messages';
      void this.conversations.openConversation(target.account_id, target.pack_id);
    });
    await this.load(true);
  }

  stop(): void {
    this.conversations.stop();
    this.waiting.stop();
    this.orders.stop();
    this.unsubscribe?.();
    this.unsubscribeOpen?.();
    this.unsubscribeConversation?.();
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    if (this.searchTimer) clearTimeout(this.searchTimer);
  }

  /** The core query for the current filters (without paging). */
  query(): InboxQuery {
    const search = this.search.trim();
    return {
      status: this.filter,
      limit: PAGE_SIZE,
      offset: 0,
      ...(search ? { search } : {}),
      ...(this.accountId !== null ? { account_id: this.accountId } : {}),
      ...(this.fromDay ? { from: dayStart(this.fromDay) } : {}),
      ...(this.toDay ? { to: dayStart(this.toDay, 1) } : {}),
      ...(this.group?.by === 'listing' ? { item_id: this.group.key } : {}),
      ...(this.group?.by === 'buyer' ? { buyer_id: Number(this.group.key) } : {}),
    };
  }

  private async fetchQuestions(offset: number, limit: number): Promise<{ items: InboxQuestion[]; total: number }> {
    const page = await this.backend.inboxList({ ...this.query(), offset, limit });
    this.totalCapped = page.total_capped;
    this.unanswered = page.unanswered;
    return page;
  }

  private async fetchGroups(offset: number, limit: number): Promise<{ items: InboxGroup[]; total: number }> {
    const page = await this.backend.inboxGroups({ by: this.groupBy ?? 'listing', query: { ...this.query(), offset, limit } });
    this.unanswered = page.unanswered;
    return page;
  }

  private scheduleRefetch(): void {
    // Events come in bursts; one refetch per burst.
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    this.refetchTimer = setTimeout(() => void this.load(), 60);
  }

  /** Re-reads what is on screen; `fromTop` starts the list over (a new filter). */
  async load(fromTop = false): Promise<void> {
    this.loading = true;
    if (fromTop) this.resetToken++;
    try {
      if (this.showingGroups) {
        await this.groups.reset(fromTop);
        if (fromTop) this.groupIndex = 0;
        this.groupIndex = Math.min(this.groupIndex, Math.max(0, this.groups.total - 1));
      } else {
        await this.rows.reset(fromTop, () => this.reconcileSelection());
      }
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loading = false;
    }
  }

  /**
   * After a refetch: the open question keeps its place if it is still listed; otherwise the row
   * now at its position is opened (answering moves on to the next question). After a restart
   * (new filter or search) the first row opens unless the open question is still listed.
   */
  private reconcileSelection(): void {
    const restarting = this.restarting;
    this.restarting = false;
    if (this.selectedId !== null) {
      for (const [index, row] of this.rows.loadedRows()) {
        if (row.id === this.selectedId) {
          this.selectedIndex = index;
          this.selected = row;
          return;
        }
      }
      if (this.selectedIndex < 0 && !restarting) return; // opened from outside the list: keep it
    }
    const index = restarting ? 0 : Math.min(Math.max(this.selectedIndex, 0), this.rows.total - 1);
    const row = index >= 0 ? this.rows.at(index) : undefined;
    if (row) this.selectRow(row, index);
    else this.clearSelection();
  }

  private clearSelection(): void {
    this.selectedId = null;
    this.selectedIndex = -1;
    this.selected = null;
  }

  /** Searches as the user types (debounced). */
  setSearch(text: string): void {
    this.search = text;
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.restart(), 150);
  }

  /** Applies changed filters: back to the top of the list, the first row open (or the open
   * question, when the new list still has it). */
  async restart(): Promise<void> {
    // The open question stays open (and its draft with it) while it is still listed: a search
    // refined letter by letter must not close and reopen it.
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

  async setDays(fromDay: string, toDay: string): Promise<void> {
    this.fromDay = fromDay;
    this.toDay = toDay;
    await this.restart();
  }

  /** Every question asked on one day (from the metrics screen), of one account or all. */
  async showDay(day: string, accountId: number | null): Promise<void> {
    this.kind = 'questions';
    this.filter = 'all';
    this.search = '';
    this.groupBy = null;
    this.group = null;
    this.accountId = accountId;
    this.fromDay = day;
    this.toDay = day;
    await this.restart();
  }

  async clearFilters(): Promise<void> {
    this.accountId = null;
    this.fromDay = '';
    this.toDay = '';
    await this.restart();
  }

  /** Lists by listing or by buyer (null: one flat list). */
  async setGroupBy(by: GroupBy | null): Promise<void> {
    this.groupBy = by;
    this.group = null;
    await this.restart();
  }

  /** Opens a group: the list shows its questions. */
  async openGroup(group: InboxGroup): Promise<void> {
    if (!this.groupBy) return;
    this.group = { by: this.groupBy, key: group.key, label: group.label ?? group.key };
    await this.restart();
  }

  /** Shows only this listing's questions (from the detail pane). */
  async showListing(itemId: string, title: string): Promise<void> {
    this.groupBy = 'listing';
    this.group = { by: 'listing', key: itemId, label: title };
    await this.restart();
  }

  /** Back from an opened group to the groups. */
  async closeGroup(): Promise<void> {
    this.group = null;
    this.clearSelection();
    await this.load(true);
  }

  /**
   * Opens a question from outside the list (a notification click): shows it at once, then lists
   * its tab (unanswered, else all) with the filters cleared and marks its row.
   */
  async openQuestion(id: number): Promise<void> {
    const page = await this.backend.inboxList({ status: 'all', question_id: id, limit: 1, offset: 0 });
    const row = page.items[0];
    if (!row) return;
    this.kind = 'questions';
    this.search = '';
    this.accountId = null;
    this.fromDay = '';
    this.toDay = '';
    this.groupBy = null;
    this.group = null;
    this.filter = row.status === 'UNANSWERED' ? 'unanswered' : 'all';
    this.selectedId = row.id;
    this.selectedIndex = -1;
    this.selected = row;
    this.sendError = null;
    await this.load(true);
  }

  private selectRow(row: InboxQuestion, index: number): void {
    this.selectedId = row.id;
    this.selectedIndex = index;
    this.selected = row;
    this.sendError = null;
  }

  /** Opens the row at `index` of the list. */
  async selectIndex(index: number): Promise<void> {
    if (index < 0 || index >= this.rows.total) return;
    let row = this.rows.at(index);
    if (!row) {
      await this.rows.ensure(index, index);
      row = this.rows.at(index);
    }
    if (row) this.selectRow(row, index);
  }

  /** `n`: the newest question (the last row while unanswered come oldest first). */
  async newest(): Promise<void> {
    if (this.showingGroups || this.rows.total === 0) return;
    await this.selectIndex(this.filter === 'unanswered' ? this.rows.total - 1 : 0);
  }

  /** j/k: the next or previous question (or group). */
  async move(delta: number): Promise<void> {
    if (this.showingGroups) {
      const total = this.groups.total;
      if (total > 0) this.groupIndex = Math.min(total - 1, Math.max(0, this.groupIndex + delta));
      return;
    }
    if (this.rows.total === 0) return;
    const from = this.selectedIndex < 0 ? (delta > 0 ? -1 : 0) : this.selectedIndex;
    await this.selectIndex(Math.min(this.rows.total - 1, Math.max(0, from + delta)));
  }

  /** Enter on a group opens it. */
  async openSelectedGroup(): Promise<void> {
    const group = this.groups.at(this.groupIndex);
    if (group) await this.openGroup(group);
  }

  toggleChecked(id: number): void {
    if (this.checkedRows[id]) {
      const { [id]: _, ...rest } = this.checkedRows;
      this.checkedRows = rest;
      return;
    }
    const row = this.selected?.id === id ? this.selected : [...this.rows.loadedRows()].find(([, r]) => r.id === id)?.[1];
    if (row) this.checkedRows = { ...this.checkedRows, [id]: row };
  }

  isChecked(id: number): boolean {
    return id in this.checkedRows;
  }

  clearChecked(): void {
    this.checkedRows = {};
  }

  /** Deletes the ticked questions (through the outbox). */
  async deleteChecked(): Promise<void> {
    const ids = this.checked;
    this.checkedRows = {};
    try {
      await this.backend.questionsDelete(ids);
    } catch (e) {
      this.error = errorText(e);
    }
    await this.load();
  }

  /** Blocks the buyers of the ticked questions (the core finds each one's account). */
  async blockChecked(): Promise<void> {
    const ids = this.checked;
    this.checkedRows = {};
    try {
      await this.backend.buyersBlock(ids);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** The next kind in the switch (`m`). */
  nextKind(): void {
    this.kind = KINDS[(KINDS.indexOf(this.kind) + 1) % KINDS.length]!;
  }

  /**
   * Queues the answer; true once it is durably queued. Among the unanswered, the next question
   * opens (answering a queue is 1, Ctrl+Enter, 1, Ctrl+Enter): the refetch opened it already when
   * the answered question left the list, otherwise (its answer still on its way) `j` does.
   */
  async send(questionId: number, text: string): Promise<boolean> {
    this.sendError = null;
    try {
      await this.backend.replySend(questionId, text);
      await this.load();
      if (this.filter === 'unanswered' && this.selectedId === questionId) await this.move(1);
      return true;
    } catch (e) {
      this.sendError = errorText(e);
      return false;
    }
  }
}
