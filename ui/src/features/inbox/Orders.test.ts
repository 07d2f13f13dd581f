import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Inbox from './Inbox.svelte';
import { MockBackend } from '../../lib/ipc/mock';
import { demoSales, demoThreads } from '../../lib/ipc/mockData';
import { t } from '../../lib/i18n';
import { endOfDay } from './orders.svelte';

function seller(): MockBackend {
  const backend = new MockBackend([]);
  backend.threads = demoThreads(3, 1);
  backend.sales = demoSales(new Date());
  return backend;
}

async function showSales(): Promise<void> {
  await fireEvent.click(await screen.findByTestId('kind-sales'));
  await screen.findByTestId('sales-list');
}

describe('Sales in the inbox', () => {
  it('lists what is due today, overdue first, and every sale on the other tab', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showSales();
    const dueToday = (await backend.ordersList({ filter: 'to_dispatch', limit: 100, offset: 0 })).items.filter(
      (o) => Date.parse(o.dispatch_by!) <= Date.parse(endOfDay(new Date())),
    ).length;
    expect(dueToday).toBeGreaterThan(1);
    await waitFor(() => expect(screen.getAllByTestId('sale-row').length).toBe(dueToday));
    expect(screen.getByTestId('kind-sales-count').textContent).toBe(String(dueToday));
    const chips = screen.getAllByTestId('deadline-chip');
    expect(chips[0]!.className).toContain('overdue');
    expect(screen.getAllByTestId('sale-delayed').length).toBeGreaterThan(0);
    await fireEvent.click(screen.getByTestId('sales-filter-all'));
    await waitFor(() => expect(screen.getAllByTestId('sale-row').length).toBe(12));
  });

  it('writes to a buyer first through the reasons Mercado Libre allows, once each', async () => {
    const backend = seller();
    render(Inbox, { backend });
    await showSales();
    await waitFor(() => expect(screen.getAllByTestId('sale-row').length).toBeGreaterThan(0));
    const sale = (await backend.ordersList({ filter: 'to_dispatch', limit: 1, offset: 0 })).items[0]!;
    await fireEvent.click(await screen.findByTestId('sale-contact'));
    const dialog = await screen.findByTestId('contact-dialog');
    await waitFor(() => expect(within(dialog).getAllByTestId('contact-option')).toHaveLength(4));
    expect(within(dialog).getByText(t.contactReasons.REQUEST_BILLING_INFO!)).toBeTruthy();
    // OTHER takes the seller's own text, held to its limit.
    await fireEvent.click(within(dialog).getByText(t.contactReasons.OTHER!));
    const text = await within(dialog).findByTestId('contact-text');
    await fireEvent.input(text, { target: { value: 'x'.repeat(351) } });
    expect((within(dialog).getByTestId('contact-send') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(text, { target: { value: '¿Lo querés con envoltorio de regalo?' } });
    await fireEvent.click(within(dialog).getByTestId('contact-send'));
    await waitFor(() =>
      expect(backend.sentMessages).toEqual([
        { accountId: sale.account_id, packId: sale.pack_id, text: '¿Lo querés con envoltorio de regalo?' },
      ]),
    );
    // The conversation opens with the message, and the reason is now used for this sale.
    await screen.findByTestId('conversation-list');
    const options = await backend.contactOptions(sale.pack_id);
    expect(options.find((o) => o.id === 'OTHER')).toMatchObject({ enabled: false, cap_available: 0 });
  });
});
