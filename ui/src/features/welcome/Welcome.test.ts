import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { keyPaths as flatten } from '../../lib/keyPaths';
import { isMarketplacePage, MockBackend } from '../../lib/ipc/mock';
import App from '../../App.svelte';
import { w, welcomeDictionaries } from './strings';

/** A fresh install: the real store is empty (the seeded seller is the demo's), welcome first. */
async function firstLaunch(): Promise<MockBackend> {
  const backend = MockBackend.demo(20);
  await backend.appModeSet('real');
  backend.mode.welcome = true;
  return backend;
}

describe('first launch', () => {
  it('offers the demo or the real account, and the demo is labelled on every screen', async () => {
    const backend = await firstLaunch();
    render(App, { backend });
    expect(await screen.findByTestId('welcome')).toBeTruthy();
    expect(screen.getByTestId('welcome-demo').textContent).toContain(w.tryDemo);
    expect(screen.getByTestId('welcome-connect').textContent).toContain(w.connectMine);
    await fireEvent.click(screen.getByTestId('welcome-demo'));
    expect((await screen.findByTestId('demo-banner')).textContent).toContain(w.demoBanner);
    expect(backend.mode).toMatchObject({ mode: 'demo', welcome: false });
    for (const view of ['replies', 'accounts', 'settings', 'inbox']) {
      await fireEvent.click(screen.getByTestId(`nav-${view}`));
      expect(screen.getByTestId('demo-banner')).toBeTruthy();
    }
  });

  it('connecting from the demo leaves it at once for the guided setup, with no banner', async () => {
    const backend = MockBackend.demo(20);
    render(App, { backend });
    await fireEvent.click(await screen.findByTestId('demo-connect'));
    expect(await screen.findByTestId('connect-guide')).toBeTruthy();
    expect(screen.queryByTestId('demo-banner')).toBeNull();
    // And the demo is one click away.
    await fireEvent.click(screen.getByTestId('accounts-open-demo'));
    await waitFor(() => expect(screen.getByTestId('demo-banner')).toBeTruthy());
  });

  it('"connect" on the welcome screen opens the guided setup', async () => {
    const backend = await firstLaunch();
    render(App, { backend });
    await fireEvent.click(await screen.findByTestId('welcome-connect'));
    expect(await screen.findByTestId('connect-guide')).toBeTruthy();
    expect(backend.mode).toMatchObject({ mode: 'real', welcome: false });
  });
});

describe('the mock opens links like the core', () => {
  it('only https pages on Mercado Libre hosts', () => {
    expect(isMarketplacePage('https://articulo.mercadolibre.com.ar/MLA-1-x-_JM')).toBe(true);
    expect(isMarketplacePage('https://produto.mercadolivre.com.br/MLB-1')).toBe(true);
    for (const bad of [
      'http://articulo.mercadolibre.com.ar/MLA-1',
      'https://mercadolibre.com.ar.evil.example/x',
      'https://evilmercadolibre.com.ar/x',
      'https://user@articulo.mercadolibre.com.ar/x',
      'https://articulo.mercadolibre.com.ar:8443/x',
      'javascript:alert(1)',
    ]) {
      expect(isMarketplacePage(bad), bad).toBe(false);
    }
  });
});

describe('first-day translations', () => {
  const es = flatten(welcomeDictionaries.es);
  for (const lang of ['pt', 'en'] as const) {
    it(`${lang} has every Spanish key`, () => {
      const other = flatten(welcomeDictionaries[lang]);
      expect([...es.keys()].filter((k) => !other.has(k))).toEqual([]);
      expect([...other.keys()].filter((k) => !es.has(k))).toEqual([]);
    });
  }
});
