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
  // A plain browser: a seeded seller; `?rows=N` sets how many questions it has.
  const rows = Number(new URLSearchParams(window.location.search).get('rows') ?? '') || 240;
  return MockBackend.demo(rows);
}
