import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { errorText } from '../../lib/errors';
import { BackendError } from '../../lib/ipc/backend';
import { MockBackend, sampleQuestion } from '../../lib/ipc/mock';
import { demoThreads } from '../../lib/ipc/mockData';
import Templates from './Templates.svelte';

describe('Templates', () => {
  it('creates a quick reply with a live preview that flags unknown variables, edits and deletes it', async () => {
    const backend = new MockBackend([sampleQuestion(1, { buyer_nickname: 'ANA_K' })]);
    render(Templates, { backend });
    await fireEvent.input(await screen.findByTestId('template-title'), { target: { value: 'Saludo' } });
    await fireEvent.input(screen.getByTestId('template-text'), { target: { value: 'Hola {buyer}! {firma}' } });
    const preview = await screen.findByTestId('template-preview');
    await waitFor(() => expect(preview.textContent).toContain('Hola ANA_K! {firma}'));
    expect(screen.getByTestId('template-unknown').textContent).toContain('{firma}');
    await fireEvent.click(screen.getByTestId('template-save'));
    await waitFor(() => expect(screen.getAllByTestId('template-item')).toHaveLength(1));
    expect(backend.templates[0]).toMatchObject({ title: 'Saludo', text: 'Hola {buyer}! {firma}', item_id: null });

    await fireEvent.click(screen.getByTestId('template-item'));
    await fireEvent.input(screen.getByTestId('template-text'), { target: { value: 'Hola {buyer}.' } });
    await fireEvent.click(screen.getByTestId('template-save'));
    await waitFor(() => expect(backend.templates[0]!.text).toBe('Hola {buyer}.'));
    expect(backend.templates).toHaveLength(1);

    await fireEvent.click(screen.getByTestId('template-delete'));
    expect(backend.templates).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('template-delete-confirm'));
    await waitFor(() => expect(backend.templates).toHaveLength(0));
  });

  it('writes a post-sale reply with order variables, previewed with a sale', async () => {
    const backend = new MockBackend([]);
    backend.threads = demoThreads(2, 1);
    render(Templates, { backend });
    await fireEvent.click(await screen.findByTestId('template-kind-post_sale'));
    await fireEvent.input(screen.getByTestId('template-title'), { target: { value: 'Seguimiento' } });
    await fireEvent.input(screen.getByTestId('template-text'), {
      target: { value: 'Hola {buyer_first_name}, tu compra #{order_id} lleva el seguimiento {tracking_number}. {buyer}' },
    });
    const preview = await screen.findByTestId('template-preview');
    const th = backend.threads[0]!;
    await waitFor(() => expect(preview.textContent).toContain(`tu compra #${th.orderId}`));
    // Not dispatched yet: no tracking number; `{buyer}` is a question variable, unknown here.
    expect(screen.getByTestId('template-missing').textContent).toContain('{tracking_number}');
    expect(screen.getByTestId('template-unknown').textContent).toContain('{buyer}');
    expect(screen.queryByTestId('template-item-id')).toBeNull();
    await fireEvent.click(screen.getByTestId('template-save'));
    await waitFor(() => expect(backend.templates).toHaveLength(1));
    expect(backend.templates[0]).toMatchObject({ title: 'Seguimiento', kind: 'post_sale' });
    expect(screen.getAllByTestId('template-item')).toHaveLength(1);
    // The question replies are listed apart.
    await fireEvent.click(screen.getByTestId('template-kind-question'));
    await waitFor(() => expect(screen.queryAllByTestId('template-item')).toHaveLength(0));
  });

  it('refuses a reply without a title', async () => {
    const backend = new MockBackend();
    render(Templates, { backend });
    await fireEvent.input(await screen.findByTestId('template-text'), { target: { value: 'algo' } });
    await fireEvent.click(screen.getByTestId('template-save'));
    // The core's refusal, in the user's language (never its English text).
    expect((await screen.findByRole('alert')).textContent).toBe(errorText(new BackendError('invalid_input', '')));
  });
});
