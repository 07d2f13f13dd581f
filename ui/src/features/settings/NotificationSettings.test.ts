import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { MockBackend } from '../../lib/ipc/mock';
import NotificationSettings from './NotificationSettings.svelte';

describe('NotificationSettings', () => {
  it('loads, edits and saves the settings through the backend', async () => {
    const backend = new MockBackend();
    render(NotificationSettings, { backend });
    const threshold = (await screen.findByTestId('group-threshold')) as HTMLInputElement;
    expect(threshold.value).toBe('3');
    await fireEvent.input(threshold, { target: { value: '5' } });
    await fireEvent.click(screen.getByTestId('notifications-enabled'));
    await fireEvent.click(screen.getByTestId('add-quiet-range'));
    expect(screen.getAllByTestId('quiet-range')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(backend.settings.group_threshold).toBe(5));
    expect(backend.settings.enabled).toBe(false);
    expect(backend.settings.quiet_hours).toEqual([
      { days: [1, 2, 3, 4, 5, 6, 7], start_minute: 1320, end_minute: 480 },
    ]);
    expect(backend.settings.accounts['1']).toEqual({ enabled: true, sound: true });
  });

  it('start at login and start minimized are off by default and saved', async () => {
    const backend = new MockBackend();
    render(NotificationSettings, { backend });
    const login = (await screen.findByTestId('start-at-login')) as HTMLInputElement;
    expect(login.checked).toBe(false);
    expect((screen.getByTestId('start-minimized') as HTMLInputElement).checked).toBe(false);
    await fireEvent.click(login);
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(backend.preferences).toEqual({
        start_at_login: true,
        start_minimized: false,
        language: null,
        theme: 'system',
      }));
  });

  it('pauses notifications for an hour', async () => {
    const backend = new MockBackend();
    render(NotificationSettings, { backend });
    await fireEvent.click(await screen.findByTestId('notifications-pause'));
    await screen.findByTestId('paused-until');
    const until = Date.parse(backend.settings.paused_until!);
    expect(until - Date.now()).toBeGreaterThan(59 * 60_000);
  });
});
