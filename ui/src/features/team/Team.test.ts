import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { keyPaths } from '../../lib/keyPaths';
import { MockBackend } from '../../lib/ipc/mock';
import { allows, PERMISSIONS } from '../../lib/ipc/mockTeam';
import golden from '../../lib/ipc/bindings/golden/permissions.json';
import { teamDictionaries, tm } from './strings';

const navs = () => screen.getAllByRole('button').filter((b) => b.dataset.testid?.startsWith('nav-')).map((b) => b.dataset.testid);

describe('the team', () => {
  it('the owner adds an operator with a PIN; switching needs it; the operator sees the inbox and the stock only', async () => {
    const backend = MockBackend.demo(20);
    render(App, { backend });
    await fireEvent.click(await screen.findByTestId('nav-team'));
    await fireEvent.input(await screen.findByTestId('team-name'), { target: { value: 'Ana' } });
    await fireEvent.click(screen.getByTestId('team-add'));
    await waitFor(() => expect(screen.getAllByTestId('team-member')).toHaveLength(2));
    const ana = screen.getAllByTestId('team-member')[1]!;
    await fireEvent.click(ana.querySelector('[data-testid=team-set-pin]')!);
    await fireEvent.input(screen.getByTestId('team-pin'), { target: { value: '2468' } });
    await fireEvent.click(screen.getByTestId('team-pin-save'));
    await waitFor(() => expect(backend.team.members[1]!.has_pin).toBe(true));

    await fireEvent.click(screen.getByTestId('member-switch'));
    const options = await screen.findAllByTestId('member-option');
    await fireEvent.click(options[1]!);
    await fireEvent.input(await screen.findByTestId('member-pin'), { target: { value: '1111' } });
    await fireEvent.click(screen.getByTestId('member-pin-enter'));
    expect((await screen.findByTestId('member-error')).textContent).toBe(tm.errors.wrong_pin);
    await fireEvent.input(screen.getByTestId('member-pin'), { target: { value: '2468' } });
    await fireEvent.click(screen.getByTestId('member-pin-enter'));
    await waitFor(() => expect(screen.getByTestId('member-current').textContent).toBe('Ana'));
    await waitFor(() => expect(navs()).toEqual(['nav-inbox', 'nav-stock']));
    expect(screen.queryByTestId('bulk-delete')).toBeNull();
    await expect(backend.templateSave(null, { title: 'x', text: 'y', item_id: null, shortcut: null })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('the mock follows the core', () => {
  it("matches the core's permission table case by case", () => {
    // Written by the core's own test (team::tests::writes_the_permission_golden_file).
    for (const row of golden as { role: 'owner' | 'operator'; can_moderate: boolean; permission: string; allowed: boolean }[]) {
      expect(PERMISSIONS).toContain(row.permission);
      expect(allows(row.role, row.can_moderate, row.permission as (typeof PERMISSIONS)[number]), JSON.stringify(row)).toBe(row.allowed);
    }
    expect((golden as unknown[]).length).toBe(PERMISSIONS.length * 4);
  });

  it('has every team string in every language', () => {
    const es = keyPaths(teamDictionaries.es);
    for (const lang of ['pt', 'en'] as const) expect([...keyPaths(teamDictionaries[lang]).keys()]).toEqual([...es.keys()]);
  });
});
