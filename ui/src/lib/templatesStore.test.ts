import { render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Inbox from '../features/inbox/Inbox.svelte';
import { MockBackend } from './ipc/mock';
import { TemplatesStore } from './templatesStore.svelte';

describe('quick replies per listing', () => {
  it('are fetched once per listing and again after a use changes their order', async () => {
    const backend = MockBackend.demo(20);
    const fetch = vi.spyOn(backend, 'templatesList');
    const store = new TemplatesStore(backend);
    const [a, b] = await Promise.all([store.forListing('MLA1'), store.forListing('MLA1')]);
    expect(a).toEqual(b);
    expect(fetch).toHaveBeenCalledTimes(1);
    await store.used(a[0]!.id);
    await store.forListing('MLA1');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('the open question and the palette share one fetch', async () => {
    const backend = MockBackend.demo(20);
    const fetch = vi.spyOn(backend, 'templatesList');
    render(Inbox, { backend });
    await screen.findByTestId('answer-input');
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 50));
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
