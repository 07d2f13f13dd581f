import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MockBackend } from '../../lib/ipc/mock';
import { demoThreads } from '../../lib/ipc/mockData';
import { t } from '../../lib/i18n';
import Inbox from './Inbox.svelte';

const rows = () => screen.queryAllByTestId('conversation-row');
const packs = () => rows().map((r) => Number(r.dataset.packId));

function seller(): MockBackend {
  const backend = new MockBackend([]);
  // Five conversations: the first three wait for the seller (oldest first), two were answered.
  backend.threads = demoThreads(5, 3);
  return backend;
}

async function showMessages(): Promise<void> {
  await waitFor(() => expect(screen.getByTestId('kind-messages-count').textContent).toBe('3'));
  await fireEvent.keyDown(window, { key: 'm' });
  await waitFor(() => expect(rows().length).toBeGreaterThan(0));
}

describe('Post-sale conversations in the inbox', () => {
  it('lists waiting conversations longest-waiting first with the count always visible', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const waiting = backend.threads.slice(0, 3).sort((a, b) => a.messages[0]!.date_created.localeCompare(b.messages[0]!.date_created));
    expect(packs()).toEqual(waiting.map((th) => th.packId));
    expect(screen.getByTestId('conversations-waiting').textContent).toBe('3');
    expect(screen.getByTestId('conversation-count').textContent).toContain(`3 ${t.conversationsLower}`);
    await fireEvent.click(screen.getByTestId('conversation-filter-answered'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows().every((r) => r.dataset.waiting === 'false')).toBe(true);
    await fireEvent.click(screen.getByTestId('conversation-filter-all'));
    await waitFor(() => expect(rows()).toHaveLength(5));
  });

  it('opens with j, writes with r and sends with Ctrl+Enter through the backend', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const second = packs()[1]!;
    await fireEvent.keyDown(window, { key: 'j' });
    await waitFor(() => expect(Number(screen.getByTestId('conversation-detail').dataset.packId)).toBe(second));
    await waitFor(() => expect(screen.getAllByTestId('thread-message').length).toBeGreaterThan(0));
    await fireEvent.keyDown(window, { key: 'r' });
    const input = screen.getByTestId('message-input') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(input);
    const user = userEvent.setup();
    await user.type(input, 'Sale hoy');
    await fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(backend.sentMessages).toEqual([{ accountId: 1, packId: second, text: 'Sale hoy' }]));
    // Answered: it leaves the waiting list (and the count), and the conversation that took its
    // place opens, its keys live at once (the composer gave the focus back).
    await waitFor(() => expect(screen.getByTestId('conversations-waiting').textContent).toBe('2'));
    await waitFor(() => expect(packs()).not.toContain(second));
    const next = packs()[1]!;
    await waitFor(() => expect(Number(screen.getByTestId('conversation-detail').dataset.packId)).toBe(next));
    expect(document.activeElement).not.toBe(screen.getByTestId('message-input'));
    expect((screen.getByTestId('message-input') as HTMLTextAreaElement).value).toBe('');
    expect(screen.getByTestId('conversation-waiting')).toBeTruthy();
    // Among the answered, the message shows as being sent.
    await fireEvent.click(screen.getByTestId('conversation-filter-answered'));
    await waitFor(() => expect(packs()).toContain(second));
    await fireEvent.click(rows().find((r) => Number(r.dataset.packId) === second)!);
    await waitFor(() => expect(screen.getByTestId('message-sending')).toBeTruthy());
  });

  it('marks a conversation done with e; it waits again when the buyer writes', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const first = packs()[0]!;
    await waitFor(() => expect(Number(screen.getByTestId('conversation-detail').dataset.packId)).toBe(first));
    await fireEvent.keyDown(window, { key: 'e' });
    await waitFor(() => expect(packs()).not.toContain(first));
    await waitFor(() => expect(screen.getByTestId('conversations-waiting').textContent).toBe('2'));
    expect(Number(screen.getByTestId('conversation-detail').dataset.packId)).toBe(packs()[0]);
    backend.buyerWrites(first, '¿Hola?');
    await waitFor(() => expect(packs()).toContain(first));
  });

  it('fills a post-sale quick reply with the sale from the keyboard and sends it', async () => {
    const backend = seller();
    await backend.templateSave(null, {
      title: 'Seguimiento',
      text: 'Hola {buyer_first_name}, tu compra #{order_id} viaja con {carrier}: {tracking_number}. {firma}',
      item_id: null,
      shortcut: null,
      kind: 'post_sale',
    });
    await backend.templateSave(null, { title: 'Pregunta', text: 'Hola {buyer}', item_id: null, shortcut: null });
    render(Inbox, { backend });
    await showMessages();
    const first = packs()[0]!;
    const th = backend.threads.find((x) => x.packId === first)!;
    // Only the post-sale reply is offered here.
    await waitFor(() => expect(screen.getAllByTestId('template-chip')).toHaveLength(1));
    th.shipment = 'ready_to_ship';
    await fireEvent.keyDown(window, { key: '1' });
    const input = screen.getByTestId('message-input') as HTMLTextAreaElement;
    await waitFor(() => expect(input.value).toBe(`Hola ${th.buyer}, tu compra #${th.orderId} viaja con {carrier}: {tracking_number}. {firma}`));
    expect(screen.getByTestId('unknown-variables').textContent).toContain('{firma}');
    expect(screen.getByTestId('missing-variables').textContent).toContain('{carrier}, {tracking_number}');
    // Dispatched: the same reply takes the carrier and the tracking number.
    th.shipment = 'shipped';
    await fireEvent.input(input, { target: { value: '' } });
    input.blur();
    await fireEvent.keyDown(window, { key: '1' });
    const filled = `Hola ${th.buyer}, tu compra #${th.orderId} viaja con Correo Argentino: TRK${th.packId}. {firma}`;
    await waitFor(() => expect(input.value).toBe(filled));
    expect(screen.queryByTestId('missing-variables')).toBeNull();
    await fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(backend.sentMessages).toEqual([{ accountId: 1, packId: first, text: filled }]));
  });

  it('says why a blocked conversation cannot be written to, and offers no composer', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const first = packs()[0]!;
    backend.threads.find((x) => x.packId === first)!.blocked = 'blocked_by_fulfillment';
    backend.buyerWrites(first, '¿Llega hoy?');
    await waitFor(() => expect(screen.getByTestId('conversation-blocked').textContent).toBe(t.blockedReasons.blocked_by_fulfillment));
    expect((screen.getByTestId('message-input') as HTMLTextAreaElement).disabled).toBe(true);
    expect((screen.getByTestId('message-send') as HTMLButtonElement).disabled).toBe(true);
  });

  it("writes to Mercado Libre's assistant one message at a time in an intermediated conversation", async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const first = packs()[0]!;
    backend.threads.find((x) => x.packId === first)!.intermediated = true;
    backend.buyerWrites(first, 'Olá, quando chega?');
    await waitFor(() => expect(screen.getByTestId('conversation-intermediated').textContent).toBe(t.intermediated));
    expect(screen.queryByTestId('conversation-blocked')).toBeNull();
    await fireEvent.click(screen.getByTestId('conversation-filter-all'));
    await fireEvent.click(screen.getAllByTestId('conversation-row').find((r) => Number(r.dataset.packId) === first)!);
    const input = (await screen.findByTestId('message-input')) as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: 'Chega amanhã.' } });
    await fireEvent.click(screen.getByTestId('message-send'));
    await waitFor(() => expect(screen.getByTestId('conversation-blocked').textContent).toBe(t.awaitingAgent));
    expect(input.disabled).toBe(true);
  });

  it("s inserts the seller's past reply to a buyer who wrote alike", async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const first = packs()[0]!;
    // An answered conversation of the demo was about dispatch; this buyer asks the same.
    const answered = backend.threads.find((th) => !th.messages[th.messages.length - 1]!.from_buyer)!;
    const asked = answered.messages.find((m) => m.from_buyer)!.text;
    const reply = answered.messages.find((m) => !m.from_buyer)!.text;
    backend.buyerWrites(first, asked);
    const section = await screen.findByTestId('suggestions');
    expect(section.textContent).toContain(reply);
    await fireEvent.keyDown(window, { key: 's' });
    await waitFor(() => expect((screen.getByTestId('message-input') as HTMLTextAreaElement).value).toBe(reply));
  });

  it('sends an invoice PDF with the message and refuses a file Mercado Libre does not take', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const first = packs()[0]!;
    const input = screen.getByTestId('attachment-input') as HTMLInputElement;
    await userEvent.upload(input, new File(['MZ'], 'programa.exe', { type: 'application/octet-stream' }), {
      applyAccept: false,
    });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(t.attachType));
    await userEvent.upload(input, new File(['%PDF-1.4 factura'], 'Factura A-0001.pdf', { type: 'application/pdf' }));
    await waitFor(() => expect(screen.getByTestId('composer-attachment').textContent).toContain('Factura A-0001.pdf'));
    await fireEvent.input(screen.getByTestId('message-input'), { target: { value: 'Te dejo la factura.' } });
    await fireEvent.click(screen.getByTestId('message-send'));
    await waitFor(() =>
      expect(backend.sentMessages).toEqual([{ accountId: 1, packId: first, text: 'Te dejo la factura.', file: 'Factura A-0001.pdf' }]),
    );
    const sent = backend.threads.find((th) => th.packId === first)!.messages.at(-1)!;
    expect(sent.attachments).toEqual(['Factura A-0001.pdf']);
  });

  it('n opens the newest waiting conversation', async () => {
    render(Inbox, { backend: seller() });
    await showMessages();
    const all = packs();
    await fireEvent.keyDown(window, { key: 'n' });
    await waitFor(() => expect(Number(screen.getByTestId('conversation-detail').dataset.packId)).toBe(all[all.length - 1]));
  });

  it('refuses a message over 350 characters and flags a phone number', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    const input = await screen.findByTestId('message-input');
    await fireEvent.input(input, { target: { value: 'x'.repeat(351) } });
    expect(screen.getByTestId('message-count').textContent).toContain('351 / 350');
    expect((screen.getByTestId('message-send') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await fireEvent.input(input, { target: { value: 'Llamame al 11 5555-1234' } });
    await waitFor(() => expect(screen.getByTestId('lint-findings').textContent).toContain('5555-1234'));
    expect((screen.getByTestId('message-send') as HTMLButtonElement).disabled).toBe(false);
    expect(backend.sentMessages).toEqual([]);
  });

  it('searches messages and shows a new buyer message as text', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showMessages();
    await fireEvent.click(screen.getByTestId('conversation-filter-all'));
    await fireEvent.input(screen.getByTestId('conversation-search'), { target: { value: 'factura' } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]!.querySelector('mark')?.textContent).toBe('factura');
    const pack = packs()[0]!;
    backend.buyerWrites(pack, '<b>hola</b>');
    await fireEvent.click(rows()[0]!);
    await waitFor(() => expect(screen.getAllByTestId('thread-message').at(-1)!.textContent).toContain('<b>hola</b>'));
    expect(screen.getByTestId('thread').querySelector('b')).toBeNull();
  });

  it('opens the conversation of a clicked message notification, even one already answered', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await screen.findAllByTestId('kind-questions');
    const answered = backend.threads[4]!;
    backend.clickMessageNotification(1, answered.packId);
    await waitFor(() => expect(Number(screen.getByTestId('conversation-detail').dataset.packId)).toBe(answered.packId));
    expect(screen.getByTestId('kind-messages').getAttribute('aria-selected')).toBe('true');
    // The waiting list is shown beside it; the answered conversation is not in it.
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(packs()).not.toContain(answered.packId);
    await waitFor(() => expect(screen.getAllByTestId('thread-message')).toHaveLength(2));
  });
});
