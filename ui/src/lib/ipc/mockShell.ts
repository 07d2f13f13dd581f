// The mock backend's app-level half: events, the demo/real switch, links, accounts and the
// connect flow, settings and the team. `MockBackend` (mock.ts) adds the inbox and quick replies.
// It follows the core's rules the UI relies on; the team's table is checked against the core's.
import type { ConversationTarget, UpdateInfo } from './backend';
import { BackendError } from './backend';
import type { CoreEvent } from './bindings/CoreEvent';
import type { InboxQuestion } from './bindings/InboxQuestion';
import type { AccountSummary } from './bindings/AccountSummary';
import type { NotificationSettings } from './bindings/NotificationSettings';
import type { AppPreferences } from './bindings/AppPreferences';
import type { ConnectRequest } from './bindings/ConnectRequest';
import type { ResourceProgress } from './bindings/ResourceProgress';
import type { AppMode } from './bindings/AppMode';
import type { ErrorCode } from './bindings/ErrorCode';
import type { Mode } from './bindings/Mode';
import type { ApplicationInfo } from './bindings/ApplicationInfo';
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

/** Events, modes, accounts, settings and the team of the mock backend. */
export class MockShell {
  /** The shown mode's questions (the inbox half reads and writes them). */
  questions: InboxQuestion[] = [];
  protected nextOutbox = 1;
  private listeners = new Set<Listener>();
  private openListeners = new Set<(id: number) => void>();
  settings: NotificationSettings = defaultNotificationSettings();
  preferences: AppPreferences = { start_at_login: false, start_minimized: false, language: null, theme: 'system' };
  accounts: AccountSummary[] = [{ id: 1, nickname: 'MATEANDO_SHOP', site_id: 'MLA', status: 'connected' }];

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

  /** The update the mock feed offers (none unless a test or the browser demo sets one). */
  update: UpdateInfo | null = null;
  private updateListeners = new Set<(update: UpdateInfo) => void>();
  /** How many times the owner installed the update. */
  updatesInstalled = 0;

  async updateStatus(): Promise<UpdateInfo | null> {
    this.team.require('read_inbox');
    return this.update && { ...this.update };
  }

  async updateInstall(): Promise<void> {
    this.team.require('settings');
    if (!this.update) throw new BackendError('internal', 'no update is available any more');
    this.updatesInstalled += 1;
  }

  async onUpdateAvailable(handler: (update: UpdateInfo) => void): Promise<() => void> {
    this.updateListeners.add(handler);
    return () => this.updateListeners.delete(handler);
  }

  /** Simulates the feed offering a new version. */
  offerUpdate(update: UpdateInfo): void {
    this.update = update;
    for (const l of this.updateListeners) l({ ...update });
  }

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
