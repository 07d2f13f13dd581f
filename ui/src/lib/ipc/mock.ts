// An in-memory Backend with a small seeded inbox, for component tests and a plain browser.
// It follows the core's rules that the UI relies on (validation, answered moves out of the
// unanswered filter) so tests exercise real UI behaviour, not a shortcut.
import type { Backend } from './backend';
import { BackendError } from './backend';
import type { CoreEvent } from './bindings/CoreEvent';
import type { InboxPage } from './bindings/InboxPage';
import type { InboxQuery } from './bindings/InboxQuery';
import type { InboxQuestion } from './bindings/InboxQuestion';
import type { AccountSummary } from './bindings/AccountSummary';
import type { NotificationSettings } from './bindings/NotificationSettings';
import type { AppPreferences } from './bindings/AppPreferences';

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
    ...overrides,
  };
}

export class MockBackend implements Backend {
  questions: InboxQuestion[];
  sent: { questionId: number; text: string }[] = [];
  private listeners = new Set<Listener>();
  private openListeners = new Set<(id: number) => void>();
  settings: NotificationSettings = defaultNotificationSettings();
  preferences: AppPreferences = { start_at_login: false, start_minimized: false };
  accounts: AccountSummary[] = [{ id: 1, nickname: 'MATEANDO_SHOP', site_id: 'MLA', status: 'connected' }];
  private nextOutbox = 1;

  constructor(questions?: InboxQuestion[]) {
    this.questions = questions ?? [1, 2, 3].map((id) => sampleQuestion(id));
  }

  async inboxList(query: InboxQuery): Promise<InboxPage> {
    const matches = this.questions.filter((q) =>
      query.status === 'all' ? true : query.status === 'answered' ? q.status === 'ANSWERED' : q.status === 'UNANSWERED',
    );
    const sorted = [...matches].sort((a, b) =>
      query.status === 'unanswered'
        ? a.date_created.localeCompare(b.date_created)
        : b.date_created.localeCompare(a.date_created),
    );
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    return {
      items: sorted.slice(offset, offset + limit),
      total: matches.length,
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

  async accountList(): Promise<AccountSummary[]> {
    return JSON.parse(JSON.stringify(this.accounts)) as AccountSummary[];
  }

  async notificationsGet(): Promise<NotificationSettings> {
    return JSON.parse(JSON.stringify(this.settings)) as NotificationSettings;
  }

  async notificationsSet(settings: NotificationSettings): Promise<void> {
    this.settings = JSON.parse(JSON.stringify(settings)) as NotificationSettings;
  }

  async notificationsPause(minutes: number): Promise<void> {
    this.settings.paused_until = new Date(Date.now() + minutes * 60_000).toISOString();
  }

  async preferencesGet(): Promise<AppPreferences> {
    return { ...this.preferences };
  }

  async preferencesSet(preferences: AppPreferences): Promise<void> {
    this.preferences = { ...preferences };
  }

  async onOpenQuestion(handler: (id: number) => void): Promise<() => void> {
    this.openListeners.add(handler);
    return () => this.openListeners.delete(handler);
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
