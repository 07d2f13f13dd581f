// The Tauri implementation of Backend: the only module that imports @tauri-apps/api.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend, ConversationTarget, UpdateInfo } from './backend';
import { toBackendError } from './backend';
import type { CoreEvent } from './bindings/CoreEvent';
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
import type { StockChange } from './bindings/StockChange';
import type { StockOutcome } from './bindings/StockOutcome';
import type { StockPage } from './bindings/StockPage';
import type { StockQuery } from './bindings/StockQuery';
import type { StockTarget } from './bindings/StockTarget';
import type { MemberFigures } from './bindings/MemberFigures';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

export const tauriBackend: Backend = {
  updateStatus: () => call<UpdateInfo | null>('update_status'),
  updateInstall: () => call<void>('update_install'),
  async onUpdateAvailable(handler) {
    return listen<UpdateInfo>('app://update-available', (e) => handler(e.payload));
  },
  appMode: () => call<AppMode>('app_mode'),
  appModeSet: (mode: Mode) => call<AppMode>('app_mode_set', { mode }),
  async onModeChanged(handler) {
    return listen<AppMode>('app://mode', (e) => handler(e.payload));
  },
  linkOpen: (url: string) => call<void>('link_open', { url }),
  applicationSaved: (siteId: string) => call<ApplicationInfo | null>('application_saved', { siteId }),
  inboxList: (query: InboxQuery) => call<InboxPage>('inbox_list', { query }),
  inboxGroups: (query: GroupQuery) => call<GroupPage>('inbox_groups', { query }),
  replySend: (questionId: number, text: string) => call<number>('reply_send', { questionId, text }),
  syncNow: () => call<void>('sync_now'),
  async onOpenQuestion(handler) {
    return listen<number>('notification://open', (e) => handler(e.payload));
  },
  async onOpenConversation(handler) {
    return listen<ConversationTarget>('notification://open-conversation', (e) => handler(e.payload));
  },
  accountList: () => call<AccountSummary[]>('account_list'),
  connectBegin: (request: ConnectRequest) => call<string>('connect_begin', { request }),
  connectFinish: (landed: string) => call<AccountSummary>('connect_finish', { landed }),
  accountDisconnect: (accountId: number) => call<void>('account_disconnect', { accountId }),
  syncProgress: (accountId: number) => call<ResourceProgress[]>('sync_progress', { accountId }),
  templatesList: (itemId?: string, kind?: TemplateKind) =>
    call<ReplyTemplate[]>('templates_list', { itemId: itemId ?? null, kind: kind ?? null }),
  templateSave: (id: number | null, draft: ReplyTemplateDraft) => call<number>('template_save', { id, draft }),
  templateDelete: (id: number) => call<void>('template_delete', { id }),
  templateRender: (text: string, questionId: number) => call<Rendered>('template_render', { text, questionId }),
  templateRenderOrder: (text: string, packId: number) => call<Rendered>('template_render_order', { text, packId }),
  templateUsed: (id: number) => call<void>('template_used', { id }),
  textLint: (text: string, kind: TextKind) => call<Lint>('text_lint', { text, kind }),
  replySuggestions: (questionId: number) => call<Suggestion[]>('reply_suggestions', { questionId }),
  questionContext: (questionId: number) => call<QuestionContext>('question_context', { questionId }),
  listingPhoto: (itemId: string) => call<string | null>('listing_photo', { itemId }),
  questionsDelete: (questionIds: number[]) => call<BulkOutcome[]>('questions_delete', { questionIds }),
  buyersBlock: (questionIds: number[]) => call<BulkOutcome[]>('buyers_block', { questionIds }),
  waitingList: (query: WaitingQuery) => call<WaitingPage>('waiting_list', { query }),
  conversationsList: (query: ConversationQuery) => call<ConversationPage>('conversations_list', { query }),
  conversationGet: (packId: number) => call<ConversationThread>('conversation_get', { packId }),
  messageSend: (packId: number, text: string, attachment?: AttachmentUpload | null) =>
    call<number>('message_send', { packId, text, attachment: attachment ?? null }),
  conversationDone: (packId: number, done: boolean) => call<void>('conversation_done', { packId, done }),
  ordersList: (query: OrderQuery) => call<OrderPage>('orders_list', { query }),
  contactOptions: (packId: number) => call<ContactOption[]>('contact_options', { packId }),
  contactBuyer: (packId: number, draft: ContactDraft) => call<number>('contact_buyer', { packId, draft }),
  conversationSuggestions: (packId: number) => call<Suggestion[]>('conversation_suggestions', { packId }),
  autoRulesGet: (accountId: number) => call<AutoRule[]>('auto_rules_get', { accountId }),
  autoRuleSet: (accountId: number, trigger: AutoTrigger, templateId: number | null, enabled: boolean) =>
    call<void>('auto_rule_set', { accountId, trigger, templateId, enabled }),
  autoRulesPreview: (accountId: number, trigger: AutoTrigger, templateId: number) =>
    call<AutoPreview[]>('auto_rules_preview', { accountId, trigger, templateId }),
  stockPage: (query: StockQuery) => call<StockPage>('stock_page', { query }),
  stockSet: (target: StockTarget, quantity: number) => call<number>('stock_set', { target, quantity }),
  stockBulk: (targets: StockTarget[], change: StockChange) => call<StockOutcome[]>('stock_bulk', { targets, change }),
  stockThresholdSet: (scope: 'listing' | 'sku' | null, key: string | null, threshold: number | null) =>
    call<void>('stock_threshold_set', { scope, key, threshold }),
  stockLinks: () => call<LinkGroup[]>('stock_links'),
  stockLinkConfirm: (sku: string) => call<number>('stock_link_confirm', { sku }),
  stockLinkUndo: (sku: string) => call<void>('stock_link_undo', { sku }),
  stockLedger: (sku: string) => call<LedgerEntry[]>('stock_ledger', { sku }),
  metricsSeries: (query: MetricsQuery) => call<Metrics>('metrics_series', { query }),
  reputationThermometers: () => call<Thermometer[]>('reputation_thermometers'),
  deadlinesList: (query: DeadlineQuery) => call<Deadline[]>('deadlines_list', { query }),
  teamMe: () => call<Caller>('team_me'),
  teamMembers: () => call<Member[]>('team_members'),
  teamSwitch: (memberId: number, pin: string | null) => call<Caller>('team_switch', { memberId, pin }),
  teamAdd: (draft: MemberDraft) => call<number>('team_add', { draft }),
  teamUpdate: (memberId: number, draft: MemberDraft) => call<void>('team_update', { memberId, draft }),
  teamRemove: (memberId: number) => call<void>('team_remove', { memberId }),
  teamSetPin: (memberId: number, pin: string | null) => call<void>('team_set_pin', { memberId, pin }),
  teamFigures: () => call<MemberFigures[]>('team_figures'),
  notificationsGet: () => call<NotificationSettings>('notifications_get'),
  notificationsSet: (settings: NotificationSettings) => call<void>('notifications_set', { settings }),
  notificationsPause: (minutes: number) => call<void>('notifications_pause', { minutes }),
  preferencesGet: () => call<AppPreferences>('preferences_get'),
  preferencesSet: (preferences: AppPreferences) => call<void>('preferences_set', { preferences }),
  async onCoreEvent(handler) {
    const offEvent = await listen<CoreEvent>('core://event', (e) => handler(e.payload));
    const offResync = await listen('core://resync', () => handler({ kind: 'resync' }));
    return () => {
      offEvent();
      offResync();
    };
  },
};
