import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { MockBackend } from '../../lib/ipc/mock';
import Accounts from './Accounts.svelte';

async function fillAndBegin(backend: MockBackend): Promise<string> {
  await fireEvent.input(await screen.findByTestId('connect-client-id'), { target: { value: '1234567' } });
  await fireEvent.input(screen.getByTestId('connect-client-secret'), { target: { value: 's3cr3t' } });
  await fireEvent.input(screen.getByTestId('connect-redirect'), { target: { value: 'https://example.com/cb' } });
  await fireEvent.click(screen.getByTestId('connect-begin'));
  await screen.findByTestId('connect-url');
  return backend.pendingConnect!.state;
}

describe('Accounts', () => {
  it('lists accounts with their sync progress per resource', async () => {
    const backend = new MockBackend();
    backend.progress[1]![1] = { ...backend.progress[1]![1]!, initial_done: false, done: 102, total: 5000 };
    render(Accounts, { backend });
    const account = await screen.findByTestId('account');
    expect(account.textContent).toContain('MATEANDO_SHOP');
    const rows = screen.getByTestId('sync-progress').querySelectorAll('li');
    expect(rows).toHaveLength(7);
    expect(rows[1]!.textContent).toContain('102');
    expect(rows[1]!.textContent).toContain((5000).toLocaleString());
    expect(rows[0]!.querySelector('[role=progressbar]')!.getAttribute('aria-valuenow')).toBe('100');
  });

  it('shows the reconnect state', async () => {
    const backend = new MockBackend();
    backend.accounts[0]!.status = 'reconnect';
    render(Accounts, { backend });
    expect((await screen.findByTestId('account-reconnect')).textContent).toBeTruthy();
  });

  it('connects an account by pasting the address, refusing one from another attempt', async () => {
    const backend = new MockBackend();
    render(Accounts, { backend });
    const state = await fillAndBegin(backend);
    expect(screen.getByTestId('connect-url').textContent).toContain('state=' + state);

    await fireEvent.input(screen.getByTestId('connect-landed'), {
      target: { value: 'https://example.com/cb?code=TG-1&state=forged' },
    });
    await fireEvent.click(screen.getByTestId('connect-finish'));
    expect((await screen.findByTestId('accounts-error')).textContent).toContain('state');
    expect(backend.accounts).toHaveLength(1);

    await fireEvent.input(screen.getByTestId('connect-landed'), {
      target: { value: `https://example.com/cb?code=TG-1&state=${state}` },
    });
    await fireEvent.click(screen.getByTestId('connect-finish'));
    await waitFor(() => expect(screen.getAllByTestId('account')).toHaveLength(2));
    expect(screen.queryByTestId('accounts-error')).toBeNull();
    expect(screen.getByTestId('connect-form')).toBeTruthy();
  });

  it('disconnects only after confirming', async () => {
    const backend = new MockBackend();
    render(Accounts, { backend });
    await fireEvent.click(await screen.findByTestId('disconnect'));
    expect(backend.accounts).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('disconnect-confirm'));
    await screen.findByTestId('no-accounts');
    expect(backend.accounts).toHaveLength(0);
  });
});
