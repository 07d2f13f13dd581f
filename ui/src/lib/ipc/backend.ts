// The one interface the UI talks to. `tauri.ts` implements it over Tauri IPC; `mock.ts` in
// memory (vitest and a plain browser). Payload types come from Rust (bindings/, generated).
import type { CoreEvent } from './bindings/CoreEvent';
import type { ErrorCode } from './bindings/ErrorCode';
import type { InboxPage } from './bindings/InboxPage';
import type { GroupPage } from './bindings/GroupPage';
import type { GroupQuery } from './bindings/GroupQuery';
import type { InboxQuery } from './bindings/InboxQuery';
import type { AccountSummary } from './bindings/AccountSummary';
import type { NotificationSettings } from './bindings/NotificationSettings';
import type { AppPreferences } from './bindings/AppPreferences';
import type { ConnectRequest } from './bindings/ConnectRequest';
import type { ResourceProgress } from './bindings/ResourceProgress';
import type { ReplyTemplate } from './bindings/ReplyTemplate';
import type { ReplyTemplateDraft } from './bindings/ReplyTemplateDraft';
import type { Rendered } from './bindings/Rendered';
import type { TemplateKind } from './bindings/TemplateKind';
import type { Lint } from './bindings/Lint';
import type { TextKind } from './bindings/TextKind';
import type { Suggestion } from './bindings/Suggestion';
import type { QuestionContext } from './bindings/QuestionContext';
import type { ConversationPage } from './bindings/ConversationPage';
import type { ConversationQuery } from './bindings/ConversationQuery';
import type { ConversationThread } from './bindings/ConversationThread';
import type { WaitingPage } from './bindings/WaitingPage';
import type { WaitingQuery } from './bindings/WaitingQuery';
import type { AppMode } from './bindings/AppMode';
import type { Mode } from './bindings/Mode';
import type { ApplicationInfo } from './bindings/ApplicationInfo';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { Caller } from './bindings/Caller';
import type { Member } from './bindings/Member';
import type { MemberDraft } from './bindings/MemberDraft';
import type { MemberFigures } from './bindings/MemberFigures';
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
import type { Deadline } from './bindings/Deadline';
import type { DeadlineQuery } from './bindings/DeadlineQuery';
import type { OrderPage } from './bindings/OrderPage';
import type { OrderQuery } from './bindings/OrderQuery';
import type { ContactOption } from './bindings/ContactOption';
import type { ContactDraft } from './bindings/ContactDraft';
import type { AttachmentUpload } from './bindings/AttachmentUpload';
import type { AutoRule } from './bindings/AutoRule';
import type { AutoTrigger } from './bindings/AutoTrigger';
import type { AutoPreview } from './bindings/AutoPreview';

/** The conversation a message notification is about (no pack when several were grouped). */
export interface ConversationTarget {
  account_id: number;
  pack_id: number | null;
}

/** An update of the app the release feed offers (the shell's `updates` module). */
export interface UpdateInfo {
  version: string;
  currentVersion: string;
  notes: string | null;
}

export interface Backend {
  /** The update a check found, if any; null in a build that does not update itself. */
  updateStatus(): Promise<UpdateInfo | null>;
  /** Installs the update found (signature verified) and restarts into it: owner only. */
  updateInstall(): Promise<void>;
  /** A check found an update. Returns an unsubscribe. */
  onUpdateAvailable(handler: (update: UpdateInfo) => void): Promise<() => void>;
  /** Demo or the seller's own accounts, and whether the welcome screen comes first. */
  appMode(): Promise<AppMode>;
  /** The seller's choice: remembered, and switched to at once (no restart). */
  appModeSet(mode: Mode): Promise<AppMode>;
  /** The mode changed (from any window action): refetch everything. Returns an unsubscribe. */
  onModeChanged(handler: (mode: AppMode) => void): Promise<() => void>;
  /** Opens a Mercado Libre page in the system browser; anything else is refused by the core. */
  linkOpen(url: string): Promise<void>;
  /** The application remembered for a site (no secret), to prefill the connect form. */
  applicationSaved(siteId: string): Promise<ApplicationInfo | null>;
  inboxList(query: InboxQuery): Promise<InboxPage>;
  /** One page of the inbox grouped by listing or buyer. */
  inboxGroups(query: GroupQuery): Promise<GroupPage>;
  /** Queues an answer; resolves with the outbox id once it is durably stored. */
  replySend(questionId: number, text: string): Promise<number>;
  syncNow(): Promise<void>;
  /** Subscribes to core events; `resync` fires when events were missed. Returns an unsubscribe. */
  onCoreEvent(handler: (event: CoreEvent | { kind: 'resync' }) => void): Promise<() => void>;
  /** A notification was clicked: open that question. Returns an unsubscribe. */
  onOpenQuestion(handler: (questionId: number) => void): Promise<() => void>;
  /** A message notification was clicked: open that conversation. Returns an unsubscribe. */
  onOpenConversation(handler: (target: ConversationTarget) => void): Promise<() => void>;
  accountList(): Promise<AccountSummary[]>;
  /** Starts connecting an account; resolves with the authorization address (also opened in the browser). */
  connectBegin(request: ConnectRequest): Promise<string>;
  /** Finishes the connection from the address the browser landed on. */
  connectFinish(landed: string): Promise<AccountSummary>;
  accountDisconnect(accountId: number): Promise<void>;
  syncProgress(accountId: number): Promise<ResourceProgress[]>;
  /** Quick replies for a listing (all when absent), most used first. */
  /** Quick replies for a listing (all when none) of a kind (every kind when none), most used first. */
  templatesList(itemId?: string, kind?: TemplateKind): Promise<ReplyTemplate[]>;
  templateSave(id: number | null, draft: ReplyTemplateDraft): Promise<number>;
  templateDelete(id: number): Promise<void>;
  /** Fills a template's text with a question's values. */
  templateRender(text: string, questionId: number): Promise<Rendered>;
  /** Fills a post-sale quick reply with the conversation's order (the core finds the account). */
  templateRenderOrder(text: string, packId: number): Promise<Rendered>;
  templateUsed(id: number): Promise<void>;
  textLint(text: string, kind: TextKind): Promise<Lint>;
  replySuggestions(questionId: number): Promise<Suggestion[]>;
  /** The buyer's earlier questions and orders, and the listing's stock per variation. */
  questionContext(questionId: number): Promise<QuestionContext>;
  /** A listing's photo as a `data:` URL (fetched once by the core), or null. */
  listingPhoto(itemId: string): Promise<string | null>;
  /** Queues deleting questions (spam) in one go; each question's outcome. */
  questionsDelete(questionIds: number[]): Promise<BulkOutcome[]>;
  /** Queues blocking the buyers of these questions (the core finds each one's account). */
  buyersBlock(questionIds: number[]): Promise<BulkOutcome[]>;
  /** Everything waiting for the seller (questions and conversations), longest waiting first. */
  waitingList(query: WaitingQuery): Promise<WaitingPage>;
  /** One page of post-sale conversations (one per pack). */
  conversationsList(query: ConversationQuery): Promise<ConversationPage>;
  /** A conversation with all its messages, its order lines and its shipment. */
  conversationGet(packId: number): Promise<ConversationThread>;
  /** Open deadlines (messages to answer, claims to resolve, shipments to dispatch), soonest first. */
  deadlinesList(query: DeadlineQuery): Promise<Deadline[]>;
  /** Queues a post-sale message; resolves with the outbox id once it is durably stored. */
  messageSend(packId: number, text: string, attachment?: AttachmentUpload | null): Promise<number>;
  /** Marks a conversation done ("no reply needed": it waits again when the buyer writes), or clears the mark. */
  conversationDone(packId: number, done: boolean): Promise<void>;
  /** One page of sales: what is to dispatch (soonest first) or every order (newest first). */
  ordersList(query: OrderQuery): Promise<OrderPage>;
  /** The reasons Mercado Libre's action guide allows for writing to the buyer first, read now. */
  contactOptions(packId: number): Promise<ContactOption[]>;
  /** Queues a first message through the action guide (checked against it again by the core). */
  contactBuyer(packId: number, draft: ContactDraft): Promise<number>;
  /** The seller's past post-sale replies to buyers who wrote alike, best first (`s`). */
  conversationSuggestions(packId: number): Promise<Suggestion[]>;
  /** An account's automatic post-sale messages, one rule per trigger (owner only). */
  autoRulesGet(accountId: number): Promise<AutoRule[]>;
  /** Sets a rule's post-sale quick reply and whether it is on (events from now on count). */
  autoRuleSet(accountId: number, trigger: AutoTrigger, templateId: number | null, enabled: boolean): Promise<void>;
  /** What a rule would send next (the latest sales it applies to), before switching it on. */
  autoRulesPreview(accountId: number, trigger: AutoTrigger, templateId: number): Promise<AutoPreview[]>;
  /** One page of the stock view: listings with their variations, figures and read-only reasons. */
  stockPage(query: StockQuery): Promise<StockPage>;
  /** Sets one listing's or variation's stock; resolves with the outbox id. */
  stockSet(target: StockTarget, quantity: number): Promise<number>;
  /** One change to many rows in one go; each row's outcome. */
  stockBulk(targets: StockTarget[], change: StockChange): Promise<StockOutcome[]>;
  /** A listing's or SKU's low-stock threshold (null removes it); without a scope, the default. */
  stockThresholdSet(scope: 'listing' | 'sku' | null, key: string | null, threshold: number | null): Promise<void>;
  /** SKUs on several of the seller's accounts: proposed and confirmed links. */
  stockLinks(): Promise<LinkGroup[]>;
  /** Confirms a proposed link; resolves with the group's quantity (the lowest of its members). */
  stockLinkConfirm(sku: string): Promise<number>;
  /** Undoes a link: its listings move on their own again. */
  stockLinkUndo(sku: string): Promise<void>;
  /** The movements of a linked SKU, newest first. */
  stockLedger(sku: string): Promise<LedgerEntry[]>;
  /** Every series of the metrics screen for one account (all when null) over a range of days. */
  metricsSeries(query: MetricsQuery): Promise<Metrics>;
  /** Every account's thermometer and forecast, beside what Mercado Libre shows. */
  reputationThermometers(): Promise<Thermometer[]>;
  /** Who is at the keyboard and what they may do (the core checks again on every call). */
  teamMe(): Promise<Caller>;
  teamMembers(): Promise<Member[]>;
  /** Hands the keyboard to a member (their PIN when they have one). */
  teamSwitch(memberId: number, pin: string | null): Promise<Caller>;
  teamAdd(draft: MemberDraft): Promise<number>;
  teamUpdate(memberId: number, draft: MemberDraft): Promise<void>;
  teamRemove(memberId: number): Promise<void>;
  teamSetPin(memberId: number, pin: string | null): Promise<void>;
  teamFigures(): Promise<MemberFigures[]>;
  notificationsGet(): Promise<NotificationSettings>;
  notificationsSet(settings: NotificationSettings): Promise<void>;
  notificationsPause(minutes: number): Promise<void>;
  preferencesGet(): Promise<AppPreferences>;
  /** Stores how the app starts and registers/removes the OS login item. */
  preferencesSet(preferences: AppPreferences): Promise<void>;
}

/** A failed backend call: the stable code from the core plus its message. */
export class BackendError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

export function toBackendError(raw: unknown): BackendError {
  if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
    const r = raw as { code: ErrorCode; message: string };
    return new BackendError(r.code, r.message);
  }
  return new BackendError('internal', String(raw));
}
