// An in-memory Backend with a small seeded inbox, for component tests and a plain browser.
// It follows the core's rules that the UI relies on (validation, answered moves out of the
// unanswered filter) so tests exercise real UI behaviour, not a shortcut.
import type { Backend, ConversationTarget } from './backend';
import { MARK_END, MARK_START, fold } from '../marked';
import { BackendError } from './backend';
import { demoQuestions, demoTemplates, demoThreads, demoVariations, type DemoThread } from './mockData';
import type { CoreEvent } from './bindings/CoreEvent';
import type { InboxPage } from './bindings/InboxPage';
import type { InboxQuery } from './bindings/InboxQuery';
import type { GroupPage } from './bindings/GroupPage';
import type { GroupQuery } from './bindings/GroupQuery';
import type { InboxGroup } from './bindings/InboxGroup';
import type { InboxQuestion } from './bindings/InboxQuestion';
import type { AccountSummary } from './bindings/AccountSummary';
import type { NotificationSettings } from './bindings/NotificationSettings';
import type { AppPreferences } from './bindings/AppPreferences';
import type { ConnectRequest } from './bindings/ConnectRequest';
import type { ResourceProgress } from './bindings/ResourceProgress';
import type { ReplyTemplate } from './bindings/ReplyTemplate';
import type { ReplyTemplateDraft } from './bindings/ReplyTemplateDraft';
import type { Rendered } from './bindings/Rendered';
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
import type { AppMode } from './bindings/AppMode';
import type { ErrorCode } from './bindings/ErrorCode';
import type { Mode } from './bindings/Mode';
import type { ApplicationInfo } from './bindings/ApplicationInfo';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { Caller } from './bindings/Caller';
import type { Member } from './bindings/Member';
import type { MemberDraft } from './bindings/MemberDraft';
import type { MemberFigures } from './bindings/MemberFigures';
import { MockTeam } from './mockTeam';

export function defaultNotificationSettings(): NotificationSettings {
  return {
    enabled: true,
    paused_until: null,
    group_threshold: 3,
    quiet_hours: [],
    realert_minutes: 15,
    realert_in_quiet_hours: false,
    accounts: {},
  };
}

type Listener = (event: CoreEvent | { kind: 'resync' }) => void;

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

/** Mercado Libre's registrable domains (the core's `links` module has the same list). */
const MARKETPLACE_DOMAINS = [
  'mercadolibre.com',
  'mercadolibre.com.ar',
  'mercadolivre.com.br',
  'mercadolibre.com.mx',
  'mercadolibre.cl',
  'mercadolibre.com.co',
  'mercadolibre.com.uy',
  'mercadolibre.com.pe',
  'mercadolibre.com.ec',
  'mercadolibre.com.ve',
];

/** The core's rule for `link_open`: https, no credentials or port, a Mercado Libre host. */
export function isMarketplacePage(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  const host = u.hostname.toLowerCase();
  return MARKETPLACE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
}

/** The error code the core gives an OAuth refusal in the landed address. */
function oauthErrorCode(error: string): ErrorCode {
  const codes: Record<string, ErrorCode> = {
    invalid_client: 'invalid_client',
    invalid_grant: 'invalid_grant',
    redirect_uri_mismatch: 'redirect_uri_mismatch',
    unauthorized_application: 'unauthorized_application',
    unauthorized_client: 'unauthorized_client',
    invalid_operator_user_id: 'operator_cannot_connect',
    access_denied: 'authorization_denied',
  };
  return codes[error] ?? 'invalid_input';
}

export class MockBackend implements Backend {
  questions: InboxQuestion[];
  sent: { questionId: number; text: string }[] = [];
  private listeners = new Set<Listener>();
  private openListeners = new Set<(id: number) => void>();
  settings: NotificationSettings = defaultNotificationSettings();
  preferences: AppPreferences = { start_at_login: false, start_minimized: false, language: null, theme: 'system' };
  accounts: AccountSummary[] = [{ id: 1, nickname: 'MATEANDO_SHOP', site_id: 'MLA', status: 'connected' }];
  private nextOutbox = 1;

  constructor(questions?: InboxQuestion[]) {
    this.questions = questions ?? [1, 2, 3].map((id) => sampleQuestion(id));
  }

  /** A seeded seller with `rows` questions, conversations, variations and quick replies (a plain browser). */
  static demo(rows: number): MockBackend {
    const backend = new MockBackend(demoQuestions(rows));
    backend.threads = demoThreads(12);
    backend.photos = true;
    backend.variations = { ...demoVariations };
    for (const draft of demoTemplates) void backend.templateSave(null, draft);
    return backend;
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

  async inboxList(query: InboxQuery): Promise<InboxPage> {
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
    const sorted = [...matches].sort((a, b) =>
      query.status === 'unanswered' ? cmp(a.date_created, b.date_created) : cmp(b.date_created, a.date_created),
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
    this.sent.push({ questionId, text: trimmed });
    q.delivery = { state: 'sending', text: trimmed, error_code: null, error_message: null };
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
  sentMessages: { accountId: number; packId: number; text: string }[] = [];

  /** The summary row of a thread, as the core computes it. */
  private summary(th: DemoThread): Conversation {
    const live = th.messages.filter((m) => m.delivery !== 'failed');
    const last = th.messages[th.messages.length - 1]!;
    const lastSeller = [...live].reverse().find((m) => !m.from_buyer);
    const waiting = th.messages.find((m) => m.from_buyer && (!lastSeller || m.date_created > lastSeller.date_created));
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
    };
  }

  async messageSend(packId: number, text: string): Promise<number> {
    const trimmed = text.trim();
    if (!trimmed) throw new BackendError('invalid_input', 'the message is empty');
    if ([...trimmed].length > 350) throw new BackendError('invalid_input', 'too long');
    const th = this.threads.find((x) => x.packId === packId);
    if (!th) throw new BackendError('not_found', `no order with pack ${packId}`);
    const accountId = th.accountId;
    const id = this.nextOutbox++;
    this.sentMessages.push({ accountId, packId, text: trimmed });
    th.messages.push({
      id: `outbox:${id}`,
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

  /** A buyer writes in a conversation, as a poll would bring it. */
  buyerWrites(packId: number, text: string): void {
    const th = this.threads.find((x) => x.packId === packId);
    if (!th) return;
    th.messages.push({
      id: `m${Date.now()}`,
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

  /** The members and who is at the keyboard; the gate of owner-only calls. */
  team = new MockTeam();

  async teamMe(): Promise<Caller> {
    return this.team.me();
  }

  async teamMembers(): Promise<Member[]> {
    return structuredClone(this.team.members);
  }

  async teamSwitch(memberId: number, pin: string | null): Promise<Caller> {
    const me = this.team.switchTo(memberId, pin);
    this.emit({ kind: 'members_changed' });
    return me;
  }

  async teamAdd(draft: MemberDraft): Promise<number> {
    const id = this.team.add(draft);
    this.emit({ kind: 'members_changed' });
    return id;
  }

  async teamUpdate(memberId: number, draft: MemberDraft): Promise<void> {
    this.team.update(memberId, draft);
    this.emit({ kind: 'members_changed' });
  }

  async teamRemove(memberId: number): Promise<void> {
    this.team.remove(memberId);
    this.emit({ kind: 'members_changed' });
  }

  async teamSetPin(memberId: number, pin: string | null): Promise<void> {
    this.team.setPin(memberId, pin);
    this.emit({ kind: 'members_changed' });
  }

  async teamFigures(): Promise<MemberFigures[]> {
    return this.team.figures((name) => this.questions.filter((q) => q.answered_by === name).length);
  }

  templates: ReplyTemplate[] = [];
  private nextTemplate = 1;

  async templatesList(itemId?: string): Promise<ReplyTemplate[]> {
    return this.templates
      .filter((t) => !itemId || !t.item_id || t.item_id === itemId)
      .sort((a, b) => b.usage_count - a.usage_count || a.title.localeCompare(b.title));
  }

  async templateSave(id: number | null, draft: ReplyTemplateDraft): Promise<number> {
    this.team.require('edit_templates');
    if (!draft.title.trim() || !draft.text.trim()) {
      throw new BackendError('invalid_input', 'a quick reply needs a title and a text');
    }
    if (id === null) {
      id = this.nextTemplate++;
      this.templates.push({ id, usage_count: 0, ...draft });
    } else {
      const at = this.templates.findIndex((t) => t.id === id);
      this.templates[at] = { ...this.templates[at]!, ...draft };
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
    const values: Record<string, string> = {
      buyer: q.buyer_nickname ?? '',
      item_title: q.item_title ?? q.item_id,
      price: q.item_price ? `${q.item_price} ${q.item_currency ?? ''}`.trim() : '',
      stock: q.item_stock === null ? '' : String(q.item_stock),
      seller: q.account_nickname,
      site_greeting: q.site_id === 'MLB' ? 'Olá' : 'Hola',
    };
    const unknown: string[] = [];
    const out = text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
      if (name in values) return values[name]!;
      if (!unknown.includes(name)) unknown.push(name);
      return whole;
    });
    return { text: out, unknown };
  }

  async templateUsed(id: number): Promise<void> {
    const t = this.templates.find((x) => x.id === id);
    if (t) t.usage_count += 1;
  }

  async textLint(text: string, kind: TextKind): Promise<Lint> {
    const limit = kind === 'answer' ? 2000 : 350;
    const chars = [...text.trim()].length;
    const findings = [
      ...[...text.matchAll(/\S+@\S+\.\w+/g)].map((m) => ({ kind: 'email', text: m[0] })),
      ...[...text.matchAll(/(https?:\/\/|www\.)\S+/g)].map((m) => ({ kind: 'link', text: m[0] })),
      ...[...text.matchAll(/\+?\d[\d\s().-]{6,}\d/g)]
        .filter((m) => m[0].replace(/\D/g, '').length >= 8)
        .map((m) => ({ kind: 'phone', text: m[0] })),
    ];
    return { chars, limit, sendable: chars > 0 && chars <= limit, findings };
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
  progress: Record<number, ResourceProgress[]> = {
    1: ['questions', 'orders', 'shipments', 'listings', 'claims', 'messages', 'figures'].map((resource) => ({
      resource,
      initial_done: true,
      done: 10,
      total: 10,
      last_run_at: new Date(Date.now() - 120_000).toISOString(),
      last_error: null,
    })),
  };
  /** The pending connection attempt: its state and requested site. */
  pendingConnect: { state: string; request: ConnectRequest } | null = null;

  /** Demo (the seeded seller) or real (an empty shop until an account is connected). */
  mode: AppMode = { mode: 'demo', welcome: false, api_override: null, auth_override: null };
  private modeListeners = new Set<(mode: AppMode) => void>();
  /** The other mode's data while this one is shown (the core keeps them in separate stores). */
  private parked: { questions: InboxQuestion[]; accounts: AccountSummary[] } = { questions: [], accounts: [] };
  /** Addresses handed to the system browser. */
  opened: string[] = [];
  /** Applications remembered per site after a connection (the secret stays in the "keyring"). */
  savedApps: Record<string, ApplicationInfo & { secret: string }> = {};

  async appMode(): Promise<AppMode> {
    return { ...this.mode };
  }

  async appModeSet(mode: Mode): Promise<AppMode> {
    this.team.require('settings');
    if (mode !== this.mode.mode) {
      const shown = { questions: this.questions, accounts: this.accounts };
      ({ questions: this.questions, accounts: this.accounts } = this.parked);
      this.parked = shown;
    }
    this.mode = { ...this.mode, mode, welcome: false };
    for (const l of this.modeListeners) l({ ...this.mode });
    return { ...this.mode };
  }

  async onModeChanged(handler: (mode: AppMode) => void): Promise<() => void> {
    this.modeListeners.add(handler);
    return () => this.modeListeners.delete(handler);
  }

  async linkOpen(url: string): Promise<void> {
    if (!isMarketplacePage(url)) throw new BackendError('invalid_input', `only Mercado Libre pages are opened: ${url}`);
    this.opened.push(url);
  }

  async applicationSaved(siteId: string): Promise<ApplicationInfo | null> {
    this.team.require('manage_accounts');
    const app = this.savedApps[siteId];
    return app ? { client_id: app.client_id, redirect_uri: app.redirect_uri } : null;
  }

  async connectBegin(request: ConnectRequest): Promise<string> {
    this.team.require('manage_accounts');
    const saved = this.savedApps[request.site_id];
    const secret = request.client_secret.trim() || (saved?.client_id === request.client_id.trim() ? saved.secret : '');
    if (!request.client_id.trim() || !secret) {
      throw new BackendError('invalid_input', 'the application id and secret are required');
    }
    request = { ...request, client_secret: secret };
    const state = `st${Math.random().toString(36).slice(2)}`;
    this.pendingConnect = { state, request };
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: request.client_id,
      redirect_uri: request.redirect_uri,
      state,
      code_challenge_method: 'S256',
    });
    return `https://auth.mercadolibre.com.ar/authorization?${q}`;
  }

  async connectFinish(landed: string): Promise<AccountSummary> {
    this.team.require('manage_accounts');
    const pending = this.pendingConnect;
    if (!pending) throw new BackendError('invalid_input', 'no connection is in progress; start again');
    let params: URLSearchParams;
    try {
      params = new URL(landed.trim()).searchParams;
    } catch {
      throw new BackendError('invalid_input', 'that is not the address you landed on');
    }
    const refusal = params.get('error');
    if (refusal) throw new BackendError(oauthErrorCode(refusal), `Mercado Libre refused the authorization (${refusal})`);
    if (params.get('state') !== pending.state) {
      throw new BackendError('state_mismatch', 'the address does not belong to this connection attempt');
    }
    if (!params.get('code')) throw new BackendError('invalid_input', 'the address has no authorization code');
    const id = 100 + this.accounts.length;
    const account: AccountSummary = { id, nickname: `VENDEDOR_${id}`, site_id: pending.request.site_id, status: 'connected' };
    this.accounts = [...this.accounts.filter((a) => a.id !== id), account];
    this.progress[id] = [];
    const { site_id, client_id, client_secret, redirect_uri } = pending.request;
    this.savedApps[site_id] = { client_id, redirect_uri, secret: client_secret };
    this.pendingConnect = null;
    this.emit({ kind: 'accounts_changed' });
    return account;
  }

  async accountDisconnect(accountId: number): Promise<void> {
    this.team.require('manage_accounts');
    this.accounts = this.accounts.filter((a) => a.id !== accountId);
    delete this.progress[accountId];
    this.emit({ kind: 'accounts_changed' });
  }

  async syncProgress(accountId: number): Promise<ResourceProgress[]> {
    return structuredClone(this.progress[accountId] ?? []);
  }

  async accountList(): Promise<AccountSummary[]> {
    return JSON.parse(JSON.stringify(this.accounts)) as AccountSummary[];
  }

  async notificationsGet(): Promise<NotificationSettings> {
    this.team.require('settings');
    return JSON.parse(JSON.stringify(this.settings)) as NotificationSettings;
  }

  async notificationsSet(settings: NotificationSettings): Promise<void> {
    this.team.require('settings');
    this.settings = JSON.parse(JSON.stringify(settings)) as NotificationSettings;
  }

  async notificationsPause(minutes: number): Promise<void> {
    this.team.require('settings');
    this.settings.paused_until = new Date(Date.now() + minutes * 60_000).toISOString();
  }

  async preferencesGet(): Promise<AppPreferences> {
    return { ...this.preferences };
  }

  async preferencesSet(preferences: AppPreferences): Promise<void> {
    this.team.require('settings');
    this.preferences = { ...preferences };
  }

  async onOpenQuestion(handler: (id: number) => void): Promise<() => void> {
    this.openListeners.add(handler);
    return () => this.openListeners.delete(handler);
  }

  private conversationListeners = new Set<(target: ConversationTarget) => void>();

  async onOpenConversation(handler: (target: ConversationTarget) => void): Promise<() => void> {
    this.conversationListeners.add(handler);
    return () => this.conversationListeners.delete(handler);
  }

  /** Simulates a click on a message notification. */
  clickMessageNotification(accountId: number, packId: number | null): void {
    for (const l of this.conversationListeners) l({ account_id: accountId, pack_id: packId });
  }

  /** Simulates a click on a notification. */
  clickNotification(questionId: number): void {
    for (const l of this.openListeners) l(questionId);
  }

  async onCoreEvent(handler: Listener): Promise<() => void> {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }

  emit(event: CoreEvent | { kind: 'resync' }): void {
    for (const l of this.listeners) l(event);
  }
}
