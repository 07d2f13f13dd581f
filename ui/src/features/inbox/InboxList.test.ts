import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MockBackend, sampleQuestion } from '../../lib/ipc/mock';
import { demoQuestions } from '../../lib/ipc/mockData';
import { t } from '../../lib/i18n';
import App from '../../App.svelte';
import Inbox from './Inbox.svelte';
import { dayStart } from './inbox.svelte';

const rows = () => screen.queryAllByTestId('question-row');
const ids = () => rows().map((r) => r.dataset.questionId);

describe('A long inbox', () => {
  it('renders only the rows on screen and reads pages as the selection moves', async () => {
    const backend = new MockBackend(demoQuestions(5_000, 10));
    const calls: { offset: number }[] = [];
    const list = backend.inboxList.bind(backend);
    backend.inboxList = async (q) => {
      calls.push({ offset: q.offset ?? 0 });
      return list(q);
    };
    render(Inbox, { backend });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await fireEvent.click(screen.getByTestId('filter-all'));
    await waitFor(() => expect(screen.getByTestId('question-list').dataset.total).toBe('5000'));
    // An 800 px screen of 96 px rows plus the overscan: never the whole list.
    expect(rows().length).toBeLessThan(30);
    expect(calls.every((c) => c.offset < 200)).toBe(true);
    // Moving far down reads the page there, not everything before it.
    for (let i = 0; i < 105; i++) await fireEvent.keyDown(window, { key: 'j' });
    await waitFor(() => expect(screen.getByTestId('question-detail').dataset.questionId).toBeTruthy());
    const selected = rows().find((r) => r.classList.contains('selected'));
    expect(selected).toBeTruthy();
    expect(calls.some((c) => c.offset === 100)).toBe(true);
    expect(rows().length).toBeLessThan(40);
  });
});

describe('Filters and grouping', () => {
  const listing = (id: number, item: string, title: string, buyer: number, minutes: number) =>
    sampleQuestion(id, {
      item_id: item,
      item_title: title,
      buyer_id: buyer,
      buyer_nickname: `BUYER_${buyer}`,
      date_created: new Date(Date.now() - minutes * 60_000).toISOString(),
    });

  it('groups by listing longest-waiting first, opens a group and goes back', async () => {
    const backend = new MockBackend([
      listing(1, 'MLA1', 'Termo', 7, 10),
      listing(2, 'MLA1', 'Termo', 8, 30),
      listing(3, 'MLA2', 'Mate', 7, 90),
    ]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.change(screen.getByTestId('group-by'), { target: { value: 'listing' } });
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(2));
    const groups = screen.getAllByTestId('group-row');
    expect(groups.map((g) => g.dataset.key)).toEqual(['MLA2', 'MLA1']);
    expect(within(groups[1]!).getByText('Termo')).toBeTruthy();
    expect(within(groups[1]!).getByText('2')).toBeTruthy();
    expect(screen.getByTestId('list-count').textContent).toContain(`2 ${t.listingsLower}`);
    // j then Enter opens the second group: only its questions, under a header.
    await fireEvent.keyDown(window, { key: 'j' });
    await fireEvent.keyDown(window, { key: 'Enter' });
    await waitFor(() => expect(ids()).toEqual(['2', '1']));
    expect(screen.getByTestId('group-head').textContent).toContain('Termo');
    await fireEvent.keyDown(window, { key: 'Backspace' });
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(2));
  });

  it('groups by buyer, and g cycles the grouping', async () => {
    const backend = new MockBackend([
      listing(1, 'MLA1', 'Termo', 7, 10),
      listing(2, 'MLA1', 'Termo', 8, 30),
      listing(3, 'MLA2', 'Mate', 7, 90),
    ]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.keyDown(window, { key: 'g' });
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(2));
    await fireEvent.keyDown(window, { key: 'g' });
    await waitFor(() => expect(screen.getAllByTestId('group-row').map((g) => g.dataset.key)).toEqual(['7', '8']));
    expect(screen.getAllByTestId('group-row')[0]!.textContent).toContain('BUYER_7');
    await fireEvent.click(screen.getAllByTestId('group-row')[0]!);
    await waitFor(() => expect(ids()).toEqual(['3', '1']));
    await fireEvent.keyDown(window, { key: 'g' });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.queryByTestId('group-head')).toBeNull();
  });

  it('filters by account and by date range, and clears the filters', async () => {
    const backend = new MockBackend([
      sampleQuestion(1, { account_id: 1, date_created: '2026-11-10T15:00:00.000Z' }),
      sampleQuestion(2, { account_id: 2, account_nickname: 'OTRA', date_created: '2026-11-12T15:00:00.000Z' }),
      sampleQuestion(3, { account_id: 1, date_created: '2026-11-20T15:00:00.000Z' }),
    ]);
    backend.accounts.push({ id: 2, nickname: 'OTRA', site_id: 'MLA', status: 'connected' });
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('filters-toggle'));
    await waitFor(() => expect(screen.getByTestId('filter-account').querySelectorAll('option')).toHaveLength(3));
    await fireEvent.change(screen.getByTestId('filter-account'), { target: { value: '2' } });
    await waitFor(() => expect(ids()).toEqual(['2']));
    await fireEvent.change(screen.getByTestId('filter-account'), { target: { value: '' } });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2026-11-11' } });
    await fireEvent.change(screen.getByTestId('filter-to'), { target: { value: '2026-11-12' } });
    await waitFor(() => expect(ids()).toEqual(['2']));
    await fireEvent.click(screen.getByTestId('clear-filters'));
    await waitFor(() => expect(rows()).toHaveLength(3));
  });

  it('"all its questions" in the detail pane lists the listing\'s questions', async () => {
    const backend = new MockBackend([
      listing(1, 'MLA1', 'Termo', 7, 10),
      listing(2, 'MLA2', 'Mate', 8, 30),
      listing(3, 'MLA1', 'Termo', 9, 90),
    ]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('listing-questions'));
    await waitFor(() => expect(ids()).toEqual(['3', '1']));
    expect(screen.getByTestId('group-head').textContent).toContain('Termo');
  });

  it('a date range covers whole local days', () => {
    const from = new Date(dayStart('2026-11-11'));
    const to = new Date(dayStart('2026-11-12', 1));
    expect([from.getDate(), from.getHours(), to.getDate(), to.getHours()]).toEqual([11, 0, 13, 0]);
  });
});

describe('Command palette', () => {
  it('Ctrl+K goes to a screen, groups the inbox and searches', async () => {
    const user = userEvent.setup();
    const backend = new MockBackend([sampleQuestion(1, { text: '¿Hacen envío?' }), sampleQuestion(2)]);
    render(App, { backend });
    await waitFor(() => expect(rows()).toHaveLength(2));
    // The screens are offered once the member at the keyboard is known.
    await screen.findByTestId('nav-replies');

    await user.keyboard('{Control>}k{/Control}');
    const input = await screen.findByTestId('palette-input');
    await user.type(input, t.quickReplies.slice(0, 8));
    const items = screen.getAllByTestId('palette-item');
    expect(items[0]!.dataset.command).toBe('go-replies');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByTestId('palette')).toBeNull());
    expect(screen.getByTestId('nav-replies').classList.contains('active')).toBe(true);

    await user.keyboard('{Control>}k{/Control}');
    await user.type(await screen.findByTestId('palette-input'), t.inbox);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rows()).toHaveLength(2));

    await user.keyboard('{Control>}k{/Control}');
    await user.type(await screen.findByTestId('palette-input'), `${t.grouping} ${t.byListing}`);
    expect(screen.getAllByTestId('palette-item')[0]!.dataset.command).toBe('group-listing');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(1));

    await user.keyboard('{Control>}k{/Control}');
    await user.type(await screen.findByTestId('palette-input'), 'envio');
    const last = screen.getAllByTestId('palette-item').at(-1)!;
    expect(last.dataset.command).toBe('search');
    await user.click(last);
    await waitFor(() => expect((screen.getByTestId('inbox-search') as HTMLInputElement).value).toBe('envio'));
  });

  it('applies a quick reply to the open question', async () => {
    const user = userEvent.setup();
    const backend = new MockBackend([sampleQuestion(1, { buyer_nickname: 'ANA' })]);
    await backend.templateSave(null, { title: 'Saludo', text: 'Hola {buyer}, gracias.', item_id: null, shortcut: null });
    render(App, { backend });
    await screen.findByTestId('question-detail');
    await user.keyboard('{Control>}k{/Control}');
    await user.type(await screen.findByTestId('palette-input'), 'saludo');
    expect(screen.getAllByTestId('palette-item')[0]!.dataset.command).toBe('template-1');
    await user.keyboard('{Enter}');
    await waitFor(() => expect((screen.getByTestId('answer-input') as HTMLTextAreaElement).value).toBe('Hola ANA, gracias.'));
  });
});
