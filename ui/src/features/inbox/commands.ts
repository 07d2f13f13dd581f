// The inbox's commands in the Ctrl+K palette: status filters, grouping and accounts. They work
// from any screen (they bring the inbox up).
import type { Command } from '../../lib/commands.svelte';
import type { AccountSummary } from '../../lib/ipc/bindings/AccountSummary';
import type { GroupBy } from '../../lib/ipc/bindings/GroupBy';
import type { StatusFilter } from '../../lib/ipc/bindings/StatusFilter';
import { t } from '../../lib/i18n';
import type { InboxState } from './inbox.svelte';

export const STATUS_FILTERS: { id: StatusFilter; label: string }[] = [
  { id: 'unanswered', label: t.unanswered },
  { id: 'answered', label: t.answered },
  { id: 'all', label: t.all },
];

export const GROUPINGS: { id: GroupBy | null; label: string }[] = [
  { id: null, label: t.noGrouping },
  { id: 'listing', label: t.byListing },
  { id: 'buyer', label: t.byBuyer },
];

export function inboxCommands(inbox: InboxState, accounts: AccountSummary[], show: () => void): Command[] {
  const then = (f: () => Promise<void>) => () => {
    show();
    return f();
  };
  return [
    { id: 'kind-waiting', label: t.kindWaiting, section: t.show, key: 'm', run: then(async () => void (inbox.kind = 'waiting')) },
    { id: 'kind-questions', label: t.kindQuestions, section: t.show, key: 'm', run: then(async () => void (inbox.kind = 'questions')) },
    { id: 'kind-messages', label: t.salesMessages, section: t.show, key: 'm', run: then(async () => void (inbox.kind = 'messages')) },
    ...STATUS_FILTERS.map((f) => ({ id: `filter-${f.id}`, label: f.label, section: t.show, run: then(() => inbox.setFilter(f.id)) })),
    ...GROUPINGS.map((g) => ({
      id: `group-${g.id ?? 'none'}`,
      label: g.label,
      section: t.grouping,
      key: 'g',
      run: then(() => inbox.setGroupBy(g.id)),
    })),
    ...(accounts.length > 1
      ? accounts.map((a) => ({
          id: `account-${a.id}`,
          label: a.nickname,
          section: t.onlyAccount,
          run: then(() => inbox.setAccount(a.id)),
        }))
      : []),
    ...(inbox.filtered ? [{ id: 'clear-filters', label: t.clearFilters, section: t.show, run: then(() => inbox.clearFilters()) }] : []),
  ];
}
