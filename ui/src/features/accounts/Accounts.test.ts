import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { AppMode } from '../../lib/ipc/bindings/AppMode';
import { MockBackend } from '../../lib/ipc/mock';
import { w } from '../welcome/strings';
import Accounts from './Accounts.svelte';

const real: AppMode = { mode: 'real', welcome: false, api_override: null, auth_override: null };
const demo: AppMode = { ...real, mode: 'demo' };

/** With an account connected, the guide opens from "connect another". */
async function openGuide(): Promise<void> {
  await fireEvent.click(await screen.findByTestId('connect-another'));
  await screen.findByTestId('connect-guide');
}

async function fillAndBegin(backend: MockBackend): Promise<string> {
  await openGuide();
  await fireEvent.click(await screen.findByTestId('redirect-https'));
  await fireEvent.input(await screen.findByTestId('connect-redirect'), { target: { value: 'https://example.com/cb' } });
  await fireEvent.input(screen.getByTestId('connect-client-id'), { target: { value: '1234567' } });
  await fireEvent.input(screen.getByTestId('connect-client-secret'), { target: { value: 's3cr3t' } });
  await fireEvent.click(screen.getByTestId('connect-begin'));
  await screen.findByTestId('connect-url');
  return backend.pendingConnect!.state;
}

describe('Accounts', () => {
  it('lists accounts with their sync progress per resource', async () => {
    const backend = new MockBackend();
    backend.progress[1]![1] = { ...backend.progress[1]![1]!, initial_done: false, done: 102, total: 5000 };
    render(Accounts, { backend, mode: real });
    const account = await screen.findByTestId('account');
    expect(account.textContent).toContain('MATEANDO_SHOP');
    expect(screen.getByTestId('account-connected')).toBeTruthy();
    const rows = screen.getByTestId('sync-progress').querySelectorAll('li');
    expect(rows).toHaveLength(7);
    expect(rows[1]!.textContent).toContain('102');
    expect(rows[1]!.textContent).toContain((5000).toLocaleString());
    expect(rows[0]!.querySelector('[role=progressbar]')!.getAttribute('aria-valuenow')).toBe('100');
  });

  it('shows the reconnect state with the guide open', async () => {
    const backend = new MockBackend();
    backend.accounts[0]!.status = 'reconnect';
    render(Accounts, { backend, mode: real });
    expect((await screen.findByTestId('account-reconnect')).textContent).toBeTruthy();
    expect(await screen.findByTestId('connect-guide')).toBeTruthy();
  });

  it('with every account connected, the guide waits behind "connect another"', async () => {
    render(Accounts, { backend: new MockBackend(), mode: real });
    expect(await screen.findByTestId('connect-another')).toBeTruthy();
    expect(screen.queryByTestId('connect-guide')).toBeNull();
  });

  it('labels the demo seller as simulated, never as a connected account, and offers the real one', async () => {
    const backend = new MockBackend();
    render(Accounts, { backend, mode: demo });
    expect((await screen.findByTestId('account-demo')).textContent).toBe(w.demoAccount);
    expect(screen.queryByTestId('account-connected')).toBeNull();
    expect(screen.queryByTestId('connect-guide')).toBeNull();
    expect(screen.queryByTestId('disconnect')).toBeNull();
    await fireEvent.click(screen.getByTestId('accounts-connect-mine'));
    await waitFor(() => expect(backend.mode.mode).toBe('real'));
  });

  it('walks through the four steps and connects by pasting the address, refusing one from another attempt', async () => {
    const backend = new MockBackend();
    render(Accounts, { backend, mode: real });
    await openGuide();
    for (const step of [1, 2, 3, 4]) expect(await screen.findByTestId(`guide-step-${step}`)).toBeTruthy();
    // This computer is the default return address, shown for copying.
    expect((screen.getByTestId('redirect-value') as HTMLInputElement).value).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await fireEvent.click(screen.getByTestId('open-developers'));
    expect(backend.opened).toEqual(['https://developers.mercadolibre.com.ar/devcenter']);

    await fireEvent.click(await screen.findByTestId('redirect-https'));
    await fireEvent.input(await screen.findByTestId('connect-redirect'), { target: { value: 'https://example.com/cb' } });
    await fireEvent.input(screen.getByTestId('connect-client-id'), { target: { value: '1234567' } });
    await fireEvent.input(screen.getByTestId('connect-client-secret'), { target: { value: 's3cr3t' } });
    await fireEvent.click(screen.getByTestId('connect-begin'));
    await screen.findByTestId('connect-url');
    const state = backend.pendingConnect!.state;
    expect(screen.getByTestId('connect-url').textContent).toContain('state=' + state);
    await fireEvent.input(screen.getByTestId('connect-landed'), {
      target: { value: 'https://example.com/cb?code=TG-1&state=forged' },
    });
    await fireEvent.click(screen.getByTestId('connect-finish'));
    expect((await screen.findByTestId('accounts-error')).textContent).toBe(w.errors.state_mismatch);
    expect(backend.accounts).toHaveLength(1);

    await fireEvent.input(screen.getByTestId('connect-landed'), {
      target: { value: `https://example.com/cb?code=TG-1&state=${state}` },
    });
    await fireEvent.click(screen.getByTestId('connect-finish'));
    await waitFor(() => expect(screen.getAllByTestId('account')).toHaveLength(2));
    expect(screen.queryByTestId('accounts-error')).toBeNull();
    expect((await screen.findByTestId('connect-done')).textContent).toBe(w.connectedNow);
  });

  it("translates Mercado Libre's refusals, the collaborator's among them", async () => {
    const backend = new MockBackend();
    render(Accounts, { backend, mode: real });
    await fillAndBegin(backend);
    await fireEvent.input(screen.getByTestId('connect-landed'), {
      target: { value: 'https://example.com/cb?error=invalid_operator_user_id' },
    });
    await fireEvent.click(screen.getByTestId('connect-finish'));
    expect((await screen.findByTestId('accounts-error')).textContent).toBe(w.errors.operator_cannot_connect);
    backend.emit({ kind: 'connection_failed', code: 'invalid_client' });
    await waitFor(() => expect(screen.getByTestId('accounts-error').textContent).toBe(w.errors.invalid_client));
  });

  it('a remembered application needs only the browser step', async () => {
    const backend = new MockBackend();
    backend.savedApps.MLA = { client_id: '777', redirect_uri: 'https://example.com/cb', secret: 'kept' };
    render(Accounts, { backend, mode: real });
    await openGuide();
    await waitFor(() => expect((screen.getByTestId('connect-client-id') as HTMLInputElement).value).toBe('777'));
    expect((screen.getByTestId('connect-redirect') as HTMLInputElement).value).toBe('https://example.com/cb');
    expect(screen.getByText(w.secretSaved)).toBeTruthy();
    await fireEvent.click(screen.getByTestId('connect-begin'));
    await screen.findByTestId('connect-url');
    expect(backend.pendingConnect!.request.client_secret).toBe('kept');
  });

  it('warns when real accounts go to another server than Mercado Libre', async () => {
    const backend = new MockBackend();
    render(Accounts, { backend, mode: { ...real, api_override: 'http://127.0.0.1:9000' } });
    expect((await screen.findByTestId('endpoint-warning')).textContent).toContain('http://127.0.0.1:9000');
  });

  it('disconnects only after confirming', async () => {
    const backend = new MockBackend();
    render(Accounts, { backend, mode: real });
    await fireEvent.click(await screen.findByTestId('disconnect'));
    expect(backend.accounts).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('disconnect-confirm'));
    await screen.findByTestId('no-accounts');
    expect(backend.accounts).toHaveLength(0);
  });
});
