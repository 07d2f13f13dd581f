import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MockBackend, sampleQuestion } from '../../lib/ipc/mock';
import { t } from '../../lib/i18n';
import Inbox from './Inbox.svelte';

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('question-row');
}

describe('Inbox', () => {
  it('lists unanswered questions oldest first with listing, buyer, text and waiting time', async () => {
    const backend = new MockBackend([
      sampleQuestion(1, { date_created: new Date(Date.now() - 5 * 60_000).toISOString() }),
      sampleQuestion(2, { date_created: new Date(Date.now() - 90 * 60_000).toISOString(), item_title: 'Termo 1 L' }),
      sampleQuestion(3, { status: 'ANSWERED', answer_text: 'Sí' }),
    ]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const [first, second] = rows();
    expect(first!.dataset.questionId).toBe('2');
    expect(within(first!).getByText('Termo 1 L')).toBeTruthy();
    expect(within(first!).getByText('COMPRADOR_2')).toBeTruthy();
    expect(within(first!).getByText('Pregunta número 2')).toBeTruthy();
    expect(within(first!).getByText('1 h 30')).toBeTruthy();
    expect(within(second!).getByText('5 min')).toBeTruthy();
    expect(screen.getByTestId('unanswered-count').textContent).toBe('2');
  });

  it('marks questions about a listing out of stock', async () => {
    const backend = new MockBackend([sampleQuestion(1, { item_stock: 0 }), sampleQuestion(2, { item_stock: 4 })]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const chips = rows().map((r) => within(r).queryByTestId('out-of-stock')?.textContent ?? null);
    expect(chips.sort()).toEqual([t.outOfStock, null].sort());
  });

  it('shows buyer HTML as literal text and never creates elements from it', async () => {
    const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    const backend = new MockBackend([sampleQuestion(1, { text: payload })]);
    const { container } = render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(screen.getByTestId('question-text').textContent).toBe(payload);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('answers with Ctrl+Enter through the backend and moves the question to answered', async () => {
    const user = userEvent.setup();
    const backend = new MockBackend([sampleQuestion(1), sampleQuestion(2)]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(rows().find((r) => r.dataset.questionId === '1')!);
    const input = screen.getByTestId('answer-input') as HTMLTextAreaElement;
    await user.click(input);
    await user.keyboard('¡Hola! Sí, hay stock 🧉');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(backend.sent).toEqual([{ questionId: 1, text: '¡Hola! Sí, hay stock 🧉' }]));
    await waitFor(() => expect(screen.getAllByText(t.sending).length).toBeGreaterThan(0));

    backend.deliver(1);
    await waitFor(() => expect(rows().map((r) => r.dataset.questionId)).toEqual(['2']));
    await fireEvent.click(screen.getByTestId('filter-answered'));
    await waitFor(() => expect(rows().map((r) => r.dataset.status)).toEqual(['ANSWERED']));
    expect(screen.getByTestId('answer-text').textContent).toBe('¡Hola! Sí, hay stock 🧉');
  });

  it('refuses to send an empty answer and counts characters against the limit', async () => {
    const user = userEvent.setup();
    const backend = new MockBackend([sampleQuestion(1)]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(1));
    const send = screen.getByTestId('answer-send') as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await user.click(screen.getByTestId('answer-input'));
    await user.keyboard('   {Control>}{Enter}{/Control}');
    expect(backend.sent).toEqual([]);
    await user.keyboard('ñandú');
    expect(screen.getByText(`5 / 2000 ${t.chars}`)).toBeTruthy();
    expect(send.disabled).toBe(false);
  });

  it('moves the selection with j and k', async () => {
    const backend = new MockBackend([sampleQuestion(1), sampleQuestion(2), sampleQuestion(3)]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(3));
    const selected = () => rows().find((r) => r.classList.contains('selected'))?.dataset.questionId;
    expect(selected()).toBe('3');
    await fireEvent.keyDown(window, { key: 'j' });
    expect(selected()).toBe('2');
    await fireEvent.keyDown(window, { key: 'k' });
    expect(selected()).toBe('3');
  });

  it('refetches when a new question arrives', async () => {
    const backend = new MockBackend([sampleQuestion(1)]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(1));
    backend.arrive(sampleQuestion(9, { text: 'Nueva pregunta' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByTestId('unanswered-count').textContent).toBe('2');
  });
});

describe('Inbox and notifications', () => {
  it('a notification click opens that question', async () => {
    const backend = new MockBackend([sampleQuestion(1), sampleQuestion(2), sampleQuestion(3)]);
    render(Inbox, { backend });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('filter-answered'));
    await waitFor(() => expect(rows()).toHaveLength(0));
    backend.clickNotification(2);
    // The question shows at once; its row is marked once its tab is listed.
    await waitFor(() => expect(screen.getByTestId('question-detail').dataset.questionId).toBe('2'));
    await waitFor(() => expect(rows().find((r) => r.classList.contains('selected'))?.dataset.questionId).toBe('2'));
    expect(screen.getByTestId('filter-unanswered').getAttribute('aria-selected')).toBe('true');
  });
});

describe('Inbox search', () => {
  it('finds accented words without accents and marks them, as text only', async () => {
    const backend = new MockBackend([
      sampleQuestion(1, { text: '¿Hacen envío a Córdoba?' }),
      sampleQuestion(2, { text: '<img src=x onerror="window.__xss=1"> ¿tienen stock?' }),
      sampleQuestion(3, { text: '¿Viene en caja?' }),
    ]);
    render(Inbox, { backend });
    await screen.findAllByTestId('question-row');
    await fireEvent.input(screen.getByTestId('inbox-search'), { target: { value: 'envio cordo' } });
    await waitFor(() => expect(screen.getAllByTestId('question-row')).toHaveLength(1));
    const row = screen.getByTestId('question-row');
    const marks = Array.from(row.querySelectorAll('mark')).map((m) => m.textContent);
    expect(marks).toEqual(['envío', 'Córdoba']);
    expect(screen.getByTestId('list-count').textContent).toContain(`1 ${t.resultOne}`);

    await fireEvent.input(screen.getByTestId('inbox-search'), { target: { value: 'onerror' } });
    await waitFor(() => expect(screen.getAllByTestId('question-row')[0]!.dataset.questionId).toBe('2'));
    const hit = screen.getAllByTestId('question-row')[0]!;
    expect(hit.querySelector('img')).toBeNull();
    expect(hit.textContent).toContain('<img src=x onerror="window.__xss=1">');
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
  });
});

describe('Quick replies in the inbox', () => {
  it('inserts a template with the question values from the keyboard, flags unknown variables, and sends it', async () => {
    const backend = new MockBackend([sampleQuestion(1, { buyer_nickname: 'JUAN_PEREZ', item_stock: 7 })]);
    await backend.templateSave(null, {
      title: 'Stock',
      text: '{site_greeting} {buyer}, quedan {stock} unidades. {firma}',
      item_id: null,
      shortcut: null,
    });
    render(Inbox, { backend });
    await screen.findByTestId('question-detail');
    await screen.findByTestId('template-chip');
    await userEvent.keyboard('1');
    const input = screen.getByTestId('answer-input') as HTMLTextAreaElement;
    await waitFor(() => expect(input.value).toBe('Hola JUAN_PEREZ, quedan 7 unidades. {firma}'));
    expect(screen.getByTestId('unknown-variables').textContent).toContain('{firma}');
    expect(backend.templates[0]!.usage_count).toBe(1);
    input.focus();
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(backend.sent).toEqual([{ questionId: 1, text: 'Hola JUAN_PEREZ, quedan 7 unidades. {firma}' }]));
  });

  it('answers a queue from the keyboard: 1, Ctrl+Enter, 1, Ctrl+Enter; n jumps to the newest', async () => {
    const backend = new MockBackend([sampleQuestion(1), sampleQuestion(2), sampleQuestion(3)]);
    await backend.templateSave(null, { title: 'Envío', text: 'Sí, enviamos hoy.', item_id: null, shortcut: null });
    render(Inbox, { backend });
    const detail = async () => Number((await screen.findByTestId('question-detail')).dataset.questionId);
    await screen.findByTestId('template-chip');
    const first = await detail();
    for (let n = 0; n < 2; n++) {
      const before = await detail();
      await userEvent.keyboard('1');
      const input = screen.getByTestId('answer-input') as HTMLTextAreaElement;
      await waitFor(() => expect(input.value).toBe('Sí, enviamos hoy.'));
      await userEvent.keyboard('{Control>}{Enter}{/Control}');
      await waitFor(async () => expect(await detail()).not.toBe(before));
      expect(document.activeElement).not.toBe(screen.getByTestId('answer-input'));
    }
    expect(backend.sent.map((s) => s.text)).toEqual(['Sí, enviamos hoy.', 'Sí, enviamos hoy.']);
    expect(backend.sent[0]!.questionId).toBe(first);
    expect(new Set(backend.sent.map((s) => s.questionId)).size).toBe(2);

    // A new question arrives at the bottom of the oldest-first list: n opens it.
    backend.arrive(sampleQuestion(9, { date_created: new Date().toISOString() }));
    // (the two answers are still on their way: their questions stay listed as sending)
    await waitFor(() => expect(rows().length).toBe(4));
    await userEvent.keyboard('n');
    await waitFor(async () => expect(await detail()).toBe(9));
  });

  it('flags phone numbers while typing and inserts a past answer with s', async () => {
    const backend = new MockBackend([
      sampleQuestion(1),
      sampleQuestion(2, { status: 'ANSWERED', answer_text: 'Sí, hay en azul.', text: '¿Hay en azul?' }),
    ]);
    render(Inbox, { backend });
    await screen.findByTestId('suggestions');
    await userEvent.keyboard('s');
    const input = screen.getByTestId('answer-input') as HTMLTextAreaElement;
    await waitFor(() => expect(input.value).toBe('Sí, hay en azul.'));
    await userEvent.type(input, ' Llamame al 11 4567-8901');
    await waitFor(() => expect(screen.getByTestId('lint-findings').textContent).toContain('11 4567-8901'));
  });
});

describe('Keyboard help', () => {
  it('? lists the keys and Esc closes it', async () => {
    render(Inbox, { backend: new MockBackend() });
    await screen.findAllByTestId('question-row');
    await userEvent.keyboard('?');
    const help = await screen.findByTestId('key-help');
    expect(help.textContent).toContain('Ctrl+Enter');
    expect(help.textContent).toContain('Ctrl+K');
    expect(help.querySelectorAll('dt')).toHaveLength(16);
    expect(help.textContent).toContain(t.keyNewest);
    expect(help.textContent).toContain(t.keyKind);
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('key-help')).toBeNull());
  });
});

describe('Bulk actions', () => {
  it('deletes ticked questions and blocks their buyers only after confirming', async () => {
    const backend = new MockBackend([sampleQuestion(1), sampleQuestion(2), sampleQuestion(3)]);
    render(Inbox, { backend });
    const checks = await screen.findAllByTestId('row-check');
    await fireEvent.click(checks[0]!);
    await fireEvent.click(checks[1]!);
    await fireEvent.click(screen.getByTestId('bulk-block'));
    expect(backend.blocked).toEqual([]);
    await fireEvent.click(screen.getByTestId('bulk-confirm'));
    await waitFor(() => expect(backend.blocked).toHaveLength(2));

    const again = screen.getAllByTestId('row-check');
    await fireEvent.click(again[0]!);
    await fireEvent.click(screen.getByTestId('bulk-delete'));
    expect(screen.getByTestId('bulk-confirm-text').textContent).toContain('(1)');
    expect(backend.questions.filter((q) => q.status === 'DELETED')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('bulk-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('question-row')).toHaveLength(2));
    expect(backend.questions.filter((q) => q.status === 'DELETED')).toHaveLength(1);
  });
});

describe('Detail pane context', () => {
  it("shows the buyer's earlier questions and the stock per variation", async () => {
    const backend = new MockBackend([
      sampleQuestion(1, { buyer_id: 50 }),
      sampleQuestion(2, { buyer_id: 50, status: 'ANSWERED', text: '¿Es original?', answer_text: 'Sí.' }),
      sampleQuestion(3, { buyer_id: 60 }),
    ]);
    backend.variations['MLA1400000001'] = [
      { id: 1, label: 'Color: Azul · Talle: M', available_quantity: 4 },
      { id: 2, label: 'Color: Rojo · Talle: L', available_quantity: 0 },
    ];
    render(Inbox, { backend });
    const rowsShown = await screen.findAllByTestId('question-row');
    await fireEvent.click(rowsShown.find((r) => r.dataset.questionId === '1')!);
    const history = await screen.findByTestId('buyer-history');
    expect(within(history).getAllByTestId('earlier-question')).toHaveLength(1);
    expect(history.textContent).toContain('¿Es original?');
    expect(screen.getByTestId('variations').textContent).toContain('Color: Rojo · Talle: L: 0');
  });
});

describe('Listing photo and status', () => {
  it('shows the photo the core hands over (nothing when there is none) and the status', async () => {
    const backend = new MockBackend([sampleQuestion(1), sampleQuestion(2, { item_id: 'MLA2' })]);
    backend.listingPhoto = async (itemId) => (itemId === 'MLA2' ? 'data:image/png;base64,AAAA' : null);
    render(Inbox, { backend });
    // Question 2 waited longest: it opens first.
    const img = await screen.findByTestId('listing-photo');
    expect(img.getAttribute('src')).toBe('data:image/png;base64,AAAA');
    expect((await screen.findByTestId('listing-status')).textContent).toBe(t.listingStatus.active);
    await fireEvent.keyDown(window, { key: 'j' });
    await waitFor(() => expect(screen.getByTestId('question-detail').dataset.questionId).toBe('1'));
    await waitFor(() => expect(screen.queryByTestId('listing-photo')).toBeNull());
  });
});

describe('Refining a search', () => {
  it('keeps the open question and its draft while the results still list it', async () => {
    const backend = new MockBackend([
      sampleQuestion(1, { text: '¿Hacen envío a Córdoba?' }),
      sampleQuestion(2, { text: '¿Hacen envío a Salta?' }),
    ]);
    render(Inbox, { backend });
    await waitFor(() => expect(screen.getAllByTestId('question-row')).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('question-row').find((r) => r.dataset.questionId === '1')!);
    await waitFor(() => expect(screen.getByTestId('question-detail').dataset.questionId).toBe('1'));
    const draft = screen.getByTestId('answer-input') as HTMLTextAreaElement;
    await fireEvent.input(draft, { target: { value: 'Sí, llega en 48 h' } });
    const search = screen.getByTestId('inbox-search');
    await fireEvent.input(search, { target: { value: 'envi' } });
    await waitFor(() => expect(screen.getByTestId('list-count').textContent).toContain('2'));
    await fireEvent.input(search, { target: { value: 'envio cord' } });
    await waitFor(() => expect(screen.getAllByTestId('question-row')).toHaveLength(1));
    expect(screen.getByTestId('question-detail').dataset.questionId).toBe('1');
    expect((screen.getByTestId('answer-input') as HTMLTextAreaElement).value).toBe('Sí, llega en 48 h');
    // A search that no longer lists it opens its first result.
    await fireEvent.input(search, { target: { value: 'salta' } });
    await waitFor(() => expect(screen.getByTestId('question-detail').dataset.questionId).toBe('2'));
  });
});
