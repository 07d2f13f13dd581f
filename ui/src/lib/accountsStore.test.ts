import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Inbox from '../features/inbox/Inbox.svelte';
import { MockBackend } from './ipc/mock';

describe('the accounts every screen lists', () => {
  it('are fetched again when the core says they changed', async () => {
    const backend = MockBackend.demo(20);
    render(Inbox, { backend });
    await fireEvent.click(await screen.findByTestId('filters-toggle'));
    const options = () => [...(screen.getByTestId('filter-account') as HTMLSelectElement).options].map((o) => o.textContent);
    await waitFor(() => expect(options().join()).toContain('MATEANDO_SHOP'));
    backend.accounts = [...backend.accounts, { id: 2, nickname: 'SEGUNDA_TIENDA', site_id: 'MLB', status: 'connected' }];
    backend.emit({ kind: 'accounts_changed' });
    await waitFor(() => expect(options().join()).toContain('SEGUNDA_TIENDA'));
  });
});
