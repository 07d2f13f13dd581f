// Picks the backend: Tauri inside the app, the mock in a plain browser (UI development,
// Playwright against the built UI).
import type { Backend } from './backend';
import { MockBackend } from './mock';
import { tauriBackend } from './tauri';

export type { Backend } from './backend';
export { BackendError } from './backend';

export function detectBackend(): Backend {
  const inTauri = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
  return inTauri ? tauriBackend : new MockBackend();
}
