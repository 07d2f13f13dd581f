// Picks the backend: Tauri inside the app, the mock in a plain browser (UI development,
// Playwright against the built UI).
import type { Backend } from './backend';
import { MockBackend } from './mock';
import { tauriBackend } from './tauri';

export type { Backend } from './backend';
export { BackendError } from './backend';

export function detectBackend(): Backend {
  const inTauri = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
  if (inTauri) return tauriBackend;
  // A plain browser: a seeded seller; `?rows=N` sets how many questions it has,
  // `?language=pt` the language saved in its settings, and `?mode=welcome` a first launch
  // (`?mode=real`: the seller's own accounts, none connected yet).
  const params = new URLSearchParams(window.location.search);
  const mock = MockBackend.demo(Number(params.get('rows') ?? '') || 240);
  const mode = params.get('mode');
  if (mode === 'welcome' || mode === 'real') {
    void mock.appModeSet('real');
    mock.mode.welcome = mode === 'welcome';
  }
  const language = params.get('language');
  if (language === 'es' || language === 'pt' || language === 'en') mock.preferences.language = language;
  // Reachable from browser tests (Playwright), to inspect what was sent and inject questions.
  (window as unknown as { mostradorMock: MockBackend }).mostradorMock = mock;
  return mock;
}
