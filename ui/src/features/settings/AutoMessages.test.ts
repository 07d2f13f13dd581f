import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import AutoMessages from './AutoMessages.svelte';
import { MockBackend } from '../../lib/ipc/mock';

describe('Automatic messages', () => {
  it('previews a rule with the latest sales before it is switched on, then switches it on', async () => {
    const backend = MockBackend.demo(20);
    const accountId = (await backend.accountList())[0]!.id;
    render(AutoMessages, { backend });
    const rules = await screen.findAllByTestId('auto-rule');
    expect(rules.map((r) => r.dataset.trigger)).toEqual(['paid', 'shipped', 'delivered']);
    const paid = rules[0]!;
    const toggle = within(paid).getByTestId('auto-enabled') as HTMLInputElement;
    expect(toggle.disabled).toBe(true);
    const thanks = (await backend.templatesList(undefined, 'post_sale'))[0]!;
    await fireEvent.change(within(paid).getByTestId('auto-template'), { target: { value: String(thanks.id) } });
    const items = await within(await screen.findByTestId('auto-preview')).findAllByTestId('auto-preview-item');
    expect(items.length).toBeGreaterThan(0);
    // Filled with the sale's data; no variable left as written.
    expect(items[0]!.textContent).not.toContain('{order_id}');
    expect((await backend.autoRulesGet(accountId))[0]).toMatchObject({ template_id: thanks.id, enabled: false });
    await waitFor(() => expect((within(screen.getAllByTestId('auto-rule')[0]!).getByTestId('auto-enabled') as HTMLInputElement).disabled).toBe(false));
    await fireEvent.click(within(screen.getAllByTestId('auto-rule')[0]!).getByTestId('auto-enabled'));
    await waitFor(async () => expect((await backend.autoRulesGet(accountId))[0]!.enabled).toBe(true));
    expect((await backend.autoRulesGet(accountId))[0]!.enabled_at).not.toBeNull();
  });

  it('refuses a question reply', async () => {
    const backend = MockBackend.demo(5);
    const question = (await backend.templatesList(undefined, 'question'))[0]!;
    await expect(backend.autoRuleSet(1, 'paid', question.id, true)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
