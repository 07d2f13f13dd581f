// An in-memory Backend with a small seeded inbox, for component tests and a plain browser.
// It follows the core's rules that the UI relies on (validation, answered moves out of the
// unanswered filter) so tests exercise real UI behaviour, not a shortcut.
import type { Backend } from './backend';
import { MARK_END, MARK_START, fold } from '../marked';
import { BackendError } from './backend';
import { demoPostSaleTemplates, demoQuestions, demoSales, demoTemplates, demoThreads, demoVariations, type DemoThread } from './mockData';
import type { InboxPage } from './bindings/InboxPage';
import type { InboxQuery } from './bindings/InboxQuery';
import type { GroupPage } from './bindings/GroupPage';
import type { GroupQuery } from './bindings/GroupQuery';
import type { InboxGroup } from './bindings/InboxGroup';
import type { InboxQuestion } from './bindings/InboxQuestion';
import type { ReplyTemplate } from './bindings/ReplyTemplate';
import type { ReplyTemplateDraft } from './bindings/ReplyTemplateDraft';
import type { Rendered } from './bindings/Rendered';
import type { TemplateKind } from './bindings/TemplateKind';
import type { Lint } from './bindings/Lint';
import type { TextKind } from './bindings/TextKind';
import type { Suggestion } from './bindings/Suggestion';
import type { QuestionContext } from './bindings/QuestionContext';
import type { Conversation } from './bindings/Conversation';
import type { ConversationPage } from './bindings/ConversationPage';
import type { ConversationQuery } from './bindings/ConversationQuery';
import type { ConversationThread } from './bindings/ConversationThread';
import type { WaitingItem } from './bindings/WaitingItem';
import type { WaitingPage } from './bindings/WaitingPage';
import type { WaitingQuery } from './bindings/WaitingQuery';
import type { BulkOutcome } from './bindings/BulkOutcome';
import { MockShell } from './mockShell';
import { lint, render } from './mockReplies';
import { MockStock, demoListings } from './mockStock';
import type { StockChange } from './bindings/StockChange';
import type { StockOutcome } from './bindings/StockOutcome';
import type { StockPage } from './bindings/StockPage';
import type { StockQuery } from './bindings/StockQuery';
import type { StockTarget } from './bindings/StockTarget';
import type { LinkGroup } from './bindings/LinkGroup';
import type { LedgerEntry } from './bindings/LedgerEntry';
import type { Metrics } from './bindings/Metrics';
import type { MetricsQuery } from './bindings/MetricsQuery';
import type { Thermometer } from './bindings/Thermometer';
import { MockMetrics } from './mockMetrics';
import type { Deadline } from './bindings/Deadline';
import type { DeadlineQuery } from './bindings/DeadlineQuery';
import { demoDeadlines } from './mockDeadlines';
import type { OrderPage } from './bindings/OrderPage';
import type { OrderQuery } from './bindings/OrderQuery';
import type { OrderRow } from './bindings/OrderRow';
import type { ContactOption } from './bindings/ContactOption';
import type { ContactDraft } from './bindings/ContactDraft';
import type { AttachmentUpload } from './bindings/AttachmentUpload';
import { guideOptions, guideTemplateText, listOrders } from './mockOrders';
import type { AutoRule } from './bindings/AutoRule';
import type { AutoTrigger } from './bindings/AutoTrigger';
import type { AutoPreview } from './bindings/AutoPreview';
export { defaultNotificationSettings, isMarketplacePage } from './mockShell';

export function sampleQuestion(id: number, overrides: Partial<InboxQuestion> = {}): InboxQuestion {
  return {
    id,
    account_id: 1,
    account_nickname: 'MATEANDO_SHOP',
    site_id: 'MLA',
    item_id: 'MLA1400000001',
    item_title: 'Mate Imperial de Calabaza',
    item_price: '28990',
    item_currency: 'ARS',
    item_stock: 14,
    item_permalink: 'https://articulo.mercadolibre.com.ar/MLA-1400000001',
    buyer_id: 10 + id,
    buyer_nickname: `COMPRADOR_${id}`,
    text: `Pregunta número ${id}`,
    status: 'UNANSWERED',
    date_created: new Date(Date.now() - id * 60_000).toISOString(),
    answer_text: null,
    answer_date: null,
    delivery: null,
    answered_by: null,
    highlight: null,
    ...overrides,
  };
}

/** Marks the words of `text` that start with one of `words` (accents and case folded). */
function mark(text: string, words: string[]): string {
  return text.replace(/[\p{L}\p{N}]+/gu, (w) =>
    words.some((p) => fold(w).startsWith(p)) ? `${MARK_START}${w}${MARK_END}` : w,
  );
}

export class MockBackend extends MockShell implements Backend {
  sent: { questionId: number; text: string }[] = [];

  constructor(questions?: InboxQuestion[]) {
    super();
    this.questions = questions ?? [1, 2, 3].map((id) => sampleQuestion(id));
  }

  /** A seeded seller with `rows` questions, conversations, variations and quick replies (a plain browser). */
  static demo(rows: number): MockBackend {
    const backend = new MockBackend(demoQuestions(rows));
    backend.threads = demoThreads(12);
    // The oldest conversation went silent a month ago: Mercado Libre closed it.
    backend.threads[backend.threads.length - 1]!.blocked = 'blocked_by_time';
    // A buyer waits on a parcel Mercado Libre reports late.
    backend.threads[3]!.delayed = true;
    // A Brazilian buyer writes through Mercado Libre's assistant.
    backend.threads[1]!.intermediated = true;
    backend.sales = demoSales(new Date());
    backend.photos = true;
    backend.variations = { ...demoVariations };
    backend.stock.listings = demoListings(Math.max(60, Math.floor(rows / 2)));
    for (const draft of [...demoTemplates, ...demoPostSaleTemplates]) void backend.templateSave(null, draft);
    return backend;
  }

  /** The stock view (the core's page rules, checked against its golden file). */
  stock = new MockStock();
  /** Milliseconds until queued stock changes are delivered (pending cleared); 0: never. */
  stockDeliveryMs = 1500;

  private may(permission: 'read_inbox' | 'edit_stock'): boolean {
    return this.team.me().permissions.includes(permission);
  }

  async stockPage(query: StockQuery): Promise<StockPage> {
    if (!this.may('read_inbox')) throw new BackendError('forbidden', 'may not read stock');
    return structuredClone(this.stock.page(query));
  }

  async stockSet(target: StockTarget, quantity: number): Promise<number> {
    const [outcome] = await this.stockBulk([target], { op: 'set', n: quantity });
    if (!outcome?.outbox_id) throw new BackendError(outcome?.error?.code ?? 'internal', outcome?.error?.message ?? 'refused');
    return outcome.outbox_id;
  }

  async stockBulk(targets: StockTarget[], change: StockChange): Promise<StockOutcome[]> {
    const outcomes = this.stock.bulk(targets, change, this.may('edit_stock'));
    const ids = outcomes.flatMap((o) => (o.outbox_id ? [o.outbox_id] : []));
    if (ids.length > 0) {
      this.emit({ kind: 'outbox_changed', outbox_ids: ids });
      if (this.stockDeliveryMs > 0) {
        setTimeout(() => {
          this.stock.deliverAll();
          this.emit({ kind: 'outbox_changed', outbox_ids: ids });
        }, this.stockDeliveryMs);
      }
    }
    return outcomes;
  }

  async stockLinks(): Promise<LinkGroup[]> {
    if (!this.may('read_inbox')) throw new BackendError('forbidden', 'may not read stock');
    return structuredClone(this.stock.linkGroups());
  }

  async stockLinkConfirm(sku: string): Promise<number> {
    if (!this.may('edit_stock')) throw new BackendError('forbidden', 'may not edit stock');
    const quantity = this.stock.linkConfirm(sku);
    this.emit({ kind: 'outbox_changed', outbox_ids: [] });
    return quantity;
  }

  async stockLinkUndo(sku: string): Promise<void> {
    if (!this.may('edit_stock')) throw new BackendError('forbidden', 'may not edit stock');
    this.stock.linkUndo(sku);
  }

  /** The metrics screen (the core's own figures for a generated history). */
  metrics = new MockMetrics();

  async metricsSeries(query: MetricsQuery): Promise<Metrics> {
    this.team.require('view_metrics');
    try {
      return await this.metrics.series(query);
    } catch (e) {
      throw new BackendError('invalid_input', (e as Error).message);
    }
  }

  async reputationThermometers(): Promise<Thermometer[]> {
    this.team.require('view_metrics');
    return this.metrics.thermometers();
  }

  async stockLedger(sku: string): Promise<LedgerEntry[]> {
    if (!this.may('read_inbox')) throw new BackendError('forbidden', 'may not read stock');
    return this.stock.ledger(sku);
  }

  async stockThresholdSet(scope: 'listing' | 'sku' | null, key: string | null, threshold: number | null): Promise<void> {
    if (!this.may('edit_stock')) throw new BackendError('forbidden', 'may not edit stock');
    if (threshold !== null && threshold < 0) throw new BackendError('invalid_input', 'a threshold cannot be negative');
    if (scope === null || key === null) this.stock.defaultThreshold = threshold ?? 5;
    else {
      const table = scope === 'listing' ? this.stock.listingThresholds : this.stock.skuThresholds;
      if (threshold === null) delete table[key];
      else table[key] = threshold;
    }
  }

  /** The questions under a query's filters (not its search), like the core's `WHERE`. */
  private filtered(query: InboxQuery): InboxQuestion[] {
    return this.questions
      .filter((q) =>
        query.status === 'all' ? q.status !== 'DELETED' : query.status === 'answered' ? q.status === 'ANSWERED' : q.status === 'UNANSWERED',
      )
      .filter((q) => query.account_id === undefined || q.account_id === query.account_id)
      .filter((q) => query.item_id === undefined || q.item_id === query.item_id)
      .filter((q) => query.buyer_id === undefined || q.buyer_id === query.buyer_id)
      .filter((q) => query.question_id === undefined || q.id === query.question_id)
      .filter((q) => query.from === undefined || Date.parse(q.date_created) >= Date.parse(query.from))
      .filter((q) => query.to === undefined || Date.parse(q.date_created) < Date.parse(query.to));
  }

  async inboxGroups(request: GroupQuery): Promise<GroupPage> {
    const { items } = await this.inboxList({ ...request.query, limit: 1_000_000, offset: 0 });
    const groups = new Map<string, InboxGroup>();
    for (const q of items) {
      const key = request.by === 'listing' ? q.item_id : String(q.buyer_id);
      const g = groups.get(key) ?? {
        key,
        label: request.by === 'listing' ? q.item_title : q.buyer_nickname,
        thumbnail: null,
        count: 0,
        waiting: 0,
        oldest: q.date_created,
        newest: q.date_created,
      };
      g.count += 1;
      g.waiting += q.status === 'UNANSWERED' ? 1 : 0;
      if (q.date_created < g.oldest) g.oldest = q.date_created;
      if (q.date_created > g.newest) g.newest = q.date_created;
      groups.set(key, g);
    }
    const sorted = [...groups.values()].sort((a, b) =>
      request.query.status === 'unanswered' ? a.oldest.localeCompare(b.oldest) : b.newest.localeCompare(a.newest),
    );
    const offset = request.query.offset ?? 0;
    return {
      items: sorted.slice(offset, offset + (request.query.limit ?? 100)),
      total: sorted.length,
      unanswered: this.questions.filter((q) => q.status === 'UNANSWERED').length,
    };
  }

  /** The last page the inbox asked for (browser tests check filters set from other screens). */
  lastInboxQuery: InboxQuery | null = null;

  async inboxList(query: InboxQuery): Promise<InboxPage> {
    this.lastInboxQuery = query;
    const words = (query.search ?? '').split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(fold);
    const matches = this.filtered(query)
      .filter((q) => {
        if (words.length === 0) return true;
        // Like the core: every word is a prefix of some word of the text, answer, title or buyer.
        const haystack = [q.text, q.answer_text ?? '', q.item_title ?? '', q.buyer_nickname ?? '']
          .flatMap((f) => f.split(/[^\p{L}\p{N}]+/u))
          .map(fold);
        return words.every((w) => haystack.some((h) => h.startsWith(w)));
      })
      .map((q) =>
        words.length === 0
          ? q
          : {
              ...q,
              highlight: {
                text: mark(q.text, words),
                answer: mark(q.answer_text ?? '', words),
                title: mark(q.item_title ?? '', words),
                buyer: mark(q.buyer_nickname ?? '', words),
              },
            },
      );
    // Plain comparisons: RFC 3339 UTC times sort as text (and localeCompare is slow on 100,000 rows).
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    // The core's orders: unanswered oldest first, answered by answer date (newest first), all by
    // question date (newest first); ties by id, newest first.
    const byId = (a: InboxQuestion, b: InboxQuestion) => b.id - a.id;
    const sorted = [...matches].sort((a, b) =>
      query.status === 'unanswered'
        ? cmp(a.date_created, b.date_created) || a.id - b.id
        : query.status === 'answered'
          ? cmp(b.answer_date ?? '', a.answer_date ?? '') || byId(a, b)
          : cmp(b.date_created, a.date_created) || byId(a, b),
    );
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    return {
      items: sorted.slice(offset, offset + limit),
      total: matches.length,
      total_capped: false,
      unanswered: this.questions.filter((q) => q.status === 'UNANSWERED').length,
    };
  }

  async replySend(questionId: number, text: string): Promise<number> {
    const trimmed = text.trim();
    if (!trimmed) throw new BackendError('invalid_input', 'the answer is empty');
    if ([...trimmed].length > 2000) throw new BackendError('invalid_input', 'too long');
    const q = this.questions.find((x) => x.id === questionId);
    if (!q) throw new BackendError('not_found', `question ${questionId}`);
    // Like the core: one answer at a time per question, and only to an unanswered one.
    if (q.delivery?.state === 'sending') {
      throw new BackendError('invalid_input', `an answer to question ${questionId} is already being sent`);
    }
    if (q.status !== 'UNANSWERED') {
      throw new BackendError('invalid_input', `question ${questionId} is ${q.status} and cannot be answered`);
    }
    this.sent.push({ questionId, text: trimmed });
    q.delivery = { state: 'sending', text: trimmed, error_code: null, marketplace_code: null, error_message: null };
    q.answered_by = this.team.me().name;
    const id = this.nextOutbox++;
    this.emit({ kind: 'outbox_changed', outbox_ids: [id] });
    return id;
  }

  /** Completes a pending answer as the outbox worker would. */
  deliver(questionId: number): void {
    const q = this.questions.find((x) => x.id === questionId);
    if (!q || !q.delivery) return;
    q.status = 'ANSWERED';
    q.answer_text = q.delivery.text;
    q.answer_date = new Date().toISOString();
    q.delivery = null;
    this.emit({ kind: 'questions_changed', account_id: q.account_id, question_ids: [q.id] });
  }

  /** Adds a question as a poll would. */
  arrive(q: InboxQuestion): void {
    this.questions.push(q);
    this.emit({ kind: 'questions_changed', account_id: q.account_id, question_ids: [q.id] });
  }

  async syncNow(): Promise<void> {}

  /** Post-sale conversations (none unless a test or the demo adds them). */
  threads: DemoThread[] = [];
  /** Messages queued through `messageSend`. */
  sentMessages: { accountId: number; packId: number; text: string; file?: string }[] = [];

  /** The summary row of a thread, as the core computes it. */
  private summary(th: DemoThread): Conversation {
    const live = th.messages.filter((m) => m.delivery !== 'failed');
    const last = th.messages[th.messages.length - 1]!;
    const lastSeller = [...live].reverse().find((m) => !m.from_buyer);
    // The seller's last message or the done mark, whichever is later, ends the wait.
    const answeredThrough = [lastSeller?.date_created ?? '', th.doneThrough ?? ''].reduce((a, b) => (a > b ? a : b));
    const waiting = th.messages.find((m) => m.from_buyer && m.date_created > answeredThrough);
    return {
      account_id: th.accountId,
      account_nickname: this.accounts.find((a) => a.id === th.accountId)?.nickname ?? 'MATEANDO_SHOP',
      site_id: 'MLA',
      pack_id: th.packId,
      order_id: th.orderId,
      order_status: 'paid',
      order_total: th.total,
      order_currency: 'ARS',
      order_count: 1,
      buyer_id: th.buyerId,
      buyer_nickname: th.buyer,
      item_id: th.itemId,
      item_title: th.title,
      last_text: last.text,
      last_from_buyer: last.from_buyer,
      last_at: last.date_created,
      waiting_since: waiting?.date_created ?? null,
      message_count: th.messages.length,
      highlight: null,
    };
  }

  async deadlinesList(query: DeadlineQuery): Promise<Deadline[]> {
    this.team.require('read_inbox');
    return demoDeadlines(this.threads.map((th) => this.summary(th)), 'MLA', new Date())
      .filter((d) => query.due_before == null || d.due_at < query.due_before)
      .filter((d) => query.pack_ids == null || (d.pack_id !== null && query.pack_ids.includes(d.pack_id)))
      .slice(0, Math.min(1000, Math.max(1, query.limit ?? 200)));
  }

  async conversationsList(query: ConversationQuery): Promise<ConversationPage> {
    const words = (query.search ?? '').split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(fold);
    const rows = this.threads
      .filter((th) => query.account_id === undefined || th.accountId === query.account_id)
      .map((th) => {
        const c = this.summary(th);
        if (words.length === 0) return c;
        const hit = [...th.messages].reverse().find((m) => {
          const tokens = m.text.split(/[^\p{L}\p{N}]+/u).map(fold);
          return words.every((w) => tokens.some((x) => x.startsWith(w)));
        });
        const byBuyer = words.length === 1 && fold(th.buyer).startsWith(words[0]!);
        const byNumber = [String(th.packId), String(th.orderId)].includes((query.search ?? '').trim().replace(/^#/, ''));
        if (!hit && !byBuyer && !byNumber) return null;
        return { ...c, highlight: hit ? mark(hit.text, words) : null };
      })
      .filter((c): c is Conversation => c !== null);
    const waitingAll = this.threads.filter((th) => this.summary(th).waiting_since !== null).length;
    const kept = rows.filter((c) =>
      query.status === 'unanswered' ? c.waiting_since !== null : query.status === 'answered' ? c.waiting_since === null : true,
    );
    kept.sort((a, b) =>
      query.status === 'unanswered'
        ? a.waiting_since!.localeCompare(b.waiting_since!)
        : b.last_at.localeCompare(a.last_at),
    );
    const offset = query.offset ?? 0;
    return { items: kept.slice(offset, offset + (query.limit ?? 100)), total: kept.length, waiting: waitingAll };
  }

  async waitingList(query: WaitingQuery): Promise<WaitingPage> {
    const mine = (accountId: number) => query.account_id === undefined || accountId === query.account_id;
    const rows: [string, WaitingItem][] = [
      ...this.questions
        .filter((q) => q.status === 'UNANSWERED' && mine(q.account_id))
        .map((q): [string, WaitingItem] => [q.date_created, { question: q, conversation: null }]),
      ...this.threads
        .map((th) => this.summary(th))
        .filter((c) => c.waiting_since !== null && mine(c.account_id))
        .map((c): [string, WaitingItem] => [c.waiting_since!, { question: null, conversation: c }]),
    ];
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const offset = query.offset ?? 0;
    return { items: rows.slice(offset, offset + (query.limit ?? 100)).map(([, item]) => item), total: rows.length };
  }

  async conversationGet(packId: number): Promise<ConversationThread> {
    const th = this.threads.find((x) => x.packId === packId);
    if (!th) throw new BackendError('not_found', `conversation about pack ${packId}`);
    return {
      conversation: this.summary(th),
      messages: structuredClone(th.messages),
      items: [{ order_id: th.orderId, item_id: th.itemId, title: th.title, quantity: 1, unit_price: th.total, permalink: null }],
      shipment_status: th.shipment,
      shipment_substatus: null,
      shipment_delayed: th.delayed ?? false,
      blocked: th.blocked ?? null,
      intermediated: th.intermediated ?? false,
      // The seller's last message has no answer from the assistant yet.
      awaiting_agent: (th.intermediated ?? false) && th.messages.length > 0 && !th.messages[th.messages.length - 1]!.from_buyer,
    };
  }

  async messageSend(packId: number, text: string, attachment?: AttachmentUpload | null): Promise<number> {
    const trimmed = text.trim();
    if (attachment) {
      // The core's rules (attachments.rs): JPG, PNG, PDF or TXT, at most 25 MB.
      if (!/\.(jpe?g|png|pdf|txt)$/i.test(attachment.name)) throw new BackendError('invalid_input', 'file type');
      if ((attachment.data_base64.length * 3) / 4 > 25 * 1024 * 1024) throw new BackendError('invalid_input', 'over 25 MB');
    }
    if (!trimmed) throw new BackendError('invalid_input', 'the message is empty');
    if ([...trimmed].length > 350) throw new BackendError('invalid_input', 'too long');
    const th = this.threads.find((x) => x.packId === packId);
    if (!th) throw new BackendError('not_found', `no order with pack ${packId}`);
    const accountId = th.accountId;
    if (th.blocked) throw new BackendError('invalid_input', `the conversation is blocked (${th.blocked})`);
    if (th.intermediated && !th.messages[th.messages.length - 1]!.from_buyer) {
      throw new BackendError('invalid_input', 'one message at a time');
    }
    const id = this.nextOutbox++;
    this.sentMessages.push({ accountId, packId, text: trimmed, ...(attachment ? { file: attachment.name } : {}) });
    th.messages.push({
      id: `outbox:${id}`,
      attachments: attachment ? [attachment.name] : [],
      from_buyer: false,
      text: trimmed,
      date_created: new Date().toISOString(),
      read_at: null,
      status: 'sending',
      delivery: 'sending',
      error_message: null,
      sent_by: this.team.me().name,
    });
    this.emit({ kind: 'outbox_changed', outbox_ids: [id] });
    return id;
  }

  async conversationDone(packId: number, done: boolean): Promise<void> {
    this.team.require('answer');
    const th = this.threads.find((x) => x.packId === packId);
    if (!th) throw new BackendError('not_found', `conversation ${packId}`);
    th.doneThrough = done ? th.messages[th.messages.length - 1]!.date_created : null;
    this.emit({ kind: 'messages_changed', account_id: th.accountId, pack_ids: [packId] });
  }

  /** Sales without a conversation (the threads are sales too). */
  sales: OrderRow[] = [];
  /** The action guide's reasons used per pack. */
  guideUsed = new Map<number, string[]>();

  /** Every sale as the core lists it: the threads' orders and the silent ones. */
  private orderRows(): OrderRow[] {
    const today = new Date();
    today.setHours(18, 0, 0, 0);
    const fromThreads = this.threads.map((th): OrderRow => {
      const c = this.summary(th);
      return {
        account_id: th.accountId,
        account_nickname: c.account_nickname,
        site_id: 'MLA',
        order_id: th.orderId,
        pack_id: th.packId,
        status: 'paid',
        date_created: th.messages[0]!.date_created,
        total_amount: th.total,
        currency_id: 'ARS',
        buyer_nickname: th.buyer,
        item_title: th.title,
        units: 1,
        shipment_status: th.shipment,
        dispatch_by: th.shipment === 'ready_to_ship' ? today.toISOString() : null,
        delayed: th.delayed ?? false,
        message_count: th.messages.length,
        waiting: c.waiting_since !== null,
      };
    });
    const silent = this.sales
      .filter((o) => !this.threads.some((th) => th.packId === o.pack_id))
      .map((o) => ({ ...o }));
    return [...fromThreads, ...silent];
  }

  async ordersList(query: OrderQuery): Promise<OrderPage> {
    this.team.require('read_inbox');
    return structuredClone(listOrders(this.orderRows(), query));
  }

  private sale(packId: number): OrderRow {
    const sale = this.orderRows().find((o) => o.pack_id === packId);
    if (!sale) throw new BackendError('not_found', `conversation ${packId}`);
    return sale;
  }

  async contactOptions(packId: number): Promise<ContactOption[]> {
    this.team.require('answer');
    const sale = this.sale(packId);
    return guideOptions(this.guideUsed.get(packId) ?? [], sale.shipment_status === 'delivered');
  }

  async contactBuyer(packId: number, draft: ContactDraft): Promise<number> {
    const options = await this.contactOptions(packId);
    const option = options.find((o) => o.id === draft.option_id);
    if (!option) throw new BackendError('invalid_input', `Mercado Libre does not offer ${draft.option_id} for this order`);
    if (!option.enabled) throw new BackendError('invalid_input', 'the chosen reason is not available for this order');
    let text = guideTemplateText(option.id);
    if (option.free_text) {
      text = (draft.text ?? '').trim();
      if (!text) throw new BackendError('invalid_input', 'the message is empty');
      if ([...text].length > (option.char_limit ?? 350)) throw new BackendError('invalid_input', 'too long');
    }
    const sale = this.sale(packId);
    if (!this.threads.some((th) => th.packId === packId)) {
      this.threads.push({
        accountId: sale.account_id,
        packId,
        orderId: sale.order_id,
        buyerId: 400_000 + sale.order_id % 1000,
        buyer: sale.buyer_nickname ?? '',
        itemId: 'MLA1400000001',
        title: sale.item_title ?? '',
        total: sale.total_amount ?? '0',
        shipment: sale.shipment_status ?? 'pending',
        messages: [],
      });
    }
    this.guideUsed.set(packId, [...(this.guideUsed.get(packId) ?? []), option.id]);
    const th = this.threads.find((x) => x.packId === packId)!;
    const id = this.nextOutbox++;
    this.sentMessages.push({ accountId: th.accountId, packId, text });
    th.messages.push({
      id: `outbox:${id}`,
      attachments: [],
      from_buyer: false,
      text,
      date_created: new Date().toISOString(),
      read_at: null,
      status: 'sending',
      delivery: 'sending',
      error_message: null,
      sent_by: this.team.me().name,
    });
    this.emit({ kind: 'messages_changed', account_id: th.accountId, pack_ids: [packId] });
    this.emit({ kind: 'outbox_changed', outbox_ids: [id] });
    return id;
  }

  async conversationSuggestions(packId: number): Promise<Suggestion[]> {
    this.team.require('answer');
    const th = this.threads.find((x) => x.packId === packId);
    const last = th && [...th.messages].reverse().find((m) => m.from_buyer);
    if (!th || !last) return [];
    const words = (text: string) => text.split(/[^\p{L}\p{N}]+/u).map(fold).filter((w) => w.length > 3);
    const wanted = words(last.text);
    const found: [number, Suggestion][] = [];
    for (const other of this.threads) {
      if (other.packId === packId || other.accountId !== th.accountId) continue;
      other.messages.forEach((m, i) => {
        const reply = other.messages.slice(i + 1).find((r) => !r.from_buyer && r.delivery === null);
        if (!m.from_buyer || !reply) return;
        const shared = wanted.filter((w) => words(m.text).includes(w)).length;
        if (shared > 0) found.push([shared, { answer: reply.text, question: m.text, same_listing: false }]);
      });
    }
    found.sort((a, b) => b[0] - a[0]);
    const out: Suggestion[] = [];
    for (const [, s] of found) if (out.length < 5 && !out.some((x) => x.answer === s.answer)) out.push(s);
    return out;
  }

  /** Automatic messages' rules by `${account}:${trigger}`. */
  autoRules = new Map<string, AutoRule>();

  async autoRulesGet(accountId: number): Promise<AutoRule[]> {
    this.team.require('settings');
    if (!this.accounts.some((a) => a.id === accountId)) throw new BackendError('not_found', `account ${accountId}`);
    return (['paid', 'shipped', 'delivered'] as AutoTrigger[]).map(
      (trigger) =>
        structuredClone(this.autoRules.get(`${accountId}:${trigger}`)) ?? {
          account_id: accountId,
          trigger,
          template_id: null,
          enabled: false,
          enabled_at: null,
          sent: 0,
          skipped: 0,
        },
    );
  }

  async autoRuleSet(accountId: number, trigger: AutoTrigger, templateId: number | null, enabled: boolean): Promise<void> {
    const rules = await this.autoRulesGet(accountId);
    if (templateId !== null) {
      const tpl = this.templates.find((x) => x.id === templateId);
      if (!tpl) throw new BackendError('not_found', `quick reply ${templateId}`);
      if (tpl.kind !== 'post_sale') throw new BackendError('invalid_input', 'an automatic message uses a post-sale quick reply');
    } else if (enabled) {
      throw new BackendError('invalid_input', 'choose the quick reply the rule sends before switching it on');
    }
    const was = rules.find((r) => r.trigger === trigger)!;
    this.autoRules.set(`${accountId}:${trigger}`, {
      ...was,
      template_id: templateId,
      enabled,
      enabled_at: !enabled ? null : was.enabled ? was.enabled_at : new Date().toISOString(),
    });
  }

  async autoRulesPreview(accountId: number, trigger: AutoTrigger, templateId: number): Promise<AutoPreview[]> {
    await this.autoRulesGet(accountId);
    const tpl = this.templates.find((x) => x.id === templateId);
    if (!tpl) throw new BackendError('not_found', `quick reply ${templateId}`);
    const applies = (o: OrderRow): boolean =>
      o.status === 'paid' &&
      (trigger === 'paid' || o.shipment_status === trigger);
    const sales = this.orderRows()
      .filter((o) => o.account_id === accountId && applies(o))
      .sort((a, b) => b.date_created.localeCompare(a.date_created))
      .slice(0, 3);
    return sales.map((o): AutoPreview => {
      const dispatched = o.shipment_status === 'shipped' || o.shipment_status === 'delivered';
      const rendered = render(tpl.text, {
        buyer_first_name: (o.buyer_nickname ?? '').split(/[\s._]+/)[0] ?? '',
        order_id: String(o.order_id),
        items: `${o.units} × ${o.item_title ?? ''}`,
        tracking_number: dispatched ? `TRK${o.pack_id}` : null,
        carrier: dispatched ? 'Correo Argentino' : null,
        shipping_eta: null,
        seller: o.account_nickname,
      });
      const blocked = this.threads.find((th) => th.packId === o.pack_id)?.blocked ?? null;
      const [route, reason]: [AutoPreview['route'], string | null] = blocked
        ? ['not_allowed', blocked]
        : o.message_count > 0
          ? ['message', null]
          : o.shipment_status === 'delivered'
            ? ['not_allowed', 'delivered_no_conversation']
            : ['action_guide', null];
      return {
        order_id: o.order_id,
        buyer_nickname: o.buyer_nickname,
        at: o.date_created,
        text: rendered.text,
        missing: rendered.missing,
        route,
        reason,
      };
    });
  }

  /** A buyer writes in a conversation, as a poll would bring it. */
  buyerWrites(packId: number, text: string): void {
    const th = this.threads.find((x) => x.packId === packId);
    if (!th) return;
    th.messages.push({
      id: `m${Date.now()}`,
      attachments: [],
      from_buyer: true,
      text,
      date_created: new Date().toISOString(),
      read_at: null,
      status: 'available',
      delivery: null,
      error_message: null,
      sent_by: null,
    });
    this.emit({ kind: 'messages_changed', account_id: th.accountId, pack_ids: [packId] });
  }

  blocked: { accountId: number; buyerId: number }[] = [];
  /** Variations per listing id, for the detail pane. */
  variations: Record<string, QuestionContext['variations']> = {};

  async questionContext(questionId: number): Promise<QuestionContext> {
    const q = this.questions.find((x) => x.id === questionId);
    if (!q) throw new BackendError('not_found', `question ${questionId}`);
    return {
      earlier_questions: this.questions
        .filter((x) => x.buyer_id === q.buyer_id && x.id !== q.id && x.status !== 'DELETED')
        .slice(0, 20) // the core's limit
        .map((x) => ({
          id: x.id,
          item_title: x.item_title ?? x.item_id,
          text: x.text,
          status: x.status,
          answer_text: x.answer_text,
          date_created: x.date_created,
        })),
      orders: [],
      variations: this.variations[q.item_id] ?? [],
      listing_status: 'active',
    };
  }

  /** Listings with a photo (the demo seller's); others have none, like a listing without pictures. */
  photos = false;

  async listingPhoto(itemId: string): Promise<string | null> {
    if (!this.photos) return null;
    // A tinted tile per listing, like the sandbox's image host draws.
    let hash = 0;
    for (const ch of itemId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    const hue = hash % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="90" height="90"><rect width="90" height="90" fill="hsl(${hue},45%,78%)"/><circle cx="45" cy="50" r="27" fill="hsl(${hue},40%,38%)"/></svg>`;
    return `data:image/svg+xml;base64,${btoa(svg)}`;
  }

  async questionsDelete(questionIds: number[]): Promise<BulkOutcome[]> {
    this.team.require('moderate');
    const outcomes = questionIds.map((id) => {
      const q = this.questions.find((x) => x.id === id);
      if (q) q.status = 'DELETED';
      return this.outcome(id, q !== undefined);
    });
    this.emit({ kind: 'questions_changed', account_id: 1, question_ids: questionIds });
    return outcomes;
  }

  async buyersBlock(questionIds: number[]): Promise<BulkOutcome[]> {
    this.team.require('moderate');
    return questionIds.map((id) => {
      const q = this.questions.find((x) => x.id === id);
      const known = q !== undefined;
      if (q && !this.blocked.some((b) => b.accountId === q.account_id && b.buyerId === q.buyer_id)) {
        this.blocked.push({ accountId: q.account_id, buyerId: q.buyer_id });
      }
      return this.outcome(id, known);
    });
  }

  private outcome(target: number, known: boolean): BulkOutcome {
    return known
      ? { target, outbox_id: this.nextOutbox++, error: null }
      : { target, outbox_id: null, error: { code: 'not_found', message: `question ${target}` } };
  }

  templates: ReplyTemplate[] = [];
  private nextTemplate = 1;

  async templatesList(itemId?: string, kind?: TemplateKind): Promise<ReplyTemplate[]> {
    return this.templates
      .filter((t) => !itemId || !t.item_id || t.item_id === itemId)
      .filter((t) => !kind || t.kind === kind)
      .sort((a, b) => b.usage_count - a.usage_count || a.title.localeCompare(b.title));
  }

  async templateSave(id: number | null, draft: ReplyTemplateDraft): Promise<number> {
    this.team.require('edit_templates');
    if (!draft.title.trim() || !draft.text.trim()) {
      throw new BackendError('invalid_input', 'a quick reply needs a title and a text');
    }
    if (id === null) {
      id = this.nextTemplate++;
      this.templates.push({ id, usage_count: 0, ...draft, kind: draft.kind ?? 'question' });
    } else {
      const at = this.templates.findIndex((t) => t.id === id);
      this.templates[at] = { ...this.templates[at]!, ...draft, kind: draft.kind ?? 'question' };
    }
    return id;
  }

  async templateDelete(id: number): Promise<void> {
    this.team.require('edit_templates');
    this.templates = this.templates.filter((t) => t.id !== id);
  }

  /** Fills `{variables}` like the core (unknown ones are kept and reported). */
  async templateRender(text: string, questionId: number): Promise<Rendered> {
    const q = this.questions.find((x) => x.id === questionId);
    if (!q) throw new BackendError('not_found', `question ${questionId}`);
    return render(text, {
      buyer: q.buyer_nickname ?? '',
      item_title: q.item_title ?? q.item_id,
      price: q.item_price ? `${q.item_price} ${q.item_currency ?? ''}`.trim() : '',
      stock: q.item_stock === null ? '' : String(q.item_stock),
      seller: q.account_nickname,
      site_greeting: q.site_id === 'MLB' ? 'Olá' : 'Hola',
    });
  }

  /** Fills a post-sale quick reply with the thread's order, like the core's `order_context_for`. */
  async templateRenderOrder(text: string, packId: number): Promise<Rendered> {
    this.team.require('answer');
    const th = this.threads.find((x) => x.packId === packId);
    if (!th) throw new BackendError('not_found', `no order for pack ${packId}`);
    const dispatched = th.shipment === 'shipped' || th.shipment === 'delivered';
    const eta = new Date(Date.parse(th.messages[0]!.date_created) + 4 * 86_400_000);
    const day = (n: number): string => String(n).padStart(2, '0');
    return render(text, {
      buyer_first_name: (th.buyerFirstName ?? th.buyer).split(/\s+/)[0] ?? '',
      order_id: String(th.orderId),
      items: `1 × ${th.title}`,
      tracking_number: dispatched ? `TRK${th.packId}` : null,
      carrier: dispatched ? 'Correo Argentino' : null,
      shipping_eta: dispatched ? `${day(eta.getUTCDate())}/${day(eta.getUTCMonth() + 1)}/${eta.getUTCFullYear()}` : null,
      seller: this.accounts.find((a) => a.id === th.accountId)?.nickname ?? 'MATEANDO_SHOP',
    });
  }

  async templateUsed(id: number): Promise<void> {
    const t = this.templates.find((x) => x.id === id);
    if (t) t.usage_count += 1;
  }

  async textLint(text: string, kind: TextKind): Promise<Lint> {
    return lint(text, kind);
  }

  async replySuggestions(questionId: number): Promise<Suggestion[]> {
    const q = this.questions.find((x) => x.id === questionId);
    if (!q) return [];
    return this.questions
      .filter((x) => x.id !== questionId && x.answer_text)
      .sort((a, b) => Number(b.item_id === q.item_id) - Number(a.item_id === q.item_id))
      .slice(0, 5)
      .map((x) => ({ answer: x.answer_text!, question: x.text, same_listing: x.item_id === q.item_id }));
  }

  /** Progress rows per account, as the core reports them. */
}
