// The Tauri implementation of Backend: the only module that imports @tauri-apps/api.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend } from './backend';
import { toBackendError } from './backend';
import type { CoreEvent } from './bindings/CoreEvent';
import type { InboxPage } from './bindings/InboxPage';
import type { InboxQuery } from './bindings/InboxQuery';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

export const tauriBackend: Backend = {
  inboxList: (query: InboxQuery) => call<InboxPage>('inbox_list', { query }),
  replySend: (questionId: number, text: string) => call<number>('reply_send', { questionId, text }),
  syncNow: () => call<void>('sync_now'),
  async onCoreEvent(handler) {
    const offEvent = await listen<CoreEvent>('core://event', (e) => handler(e.payload));
    const offResync = await listen('core://resync', () => handler({ kind: 'resync' }));
    return () => {
      offEvent();
      offResync();
    };
  },
};
