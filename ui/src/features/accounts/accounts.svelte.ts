// The accounts screen's state: connected accounts, each one's sync progress, and the two-step
// connect flow (open Mercado Libre in the browser, then the redirect comes back by itself or the
// user pastes the address they landed on).
import type { Backend } from '../../lib/ipc/backend';
import type { AccountSummary } from '../../lib/ipc/bindings/AccountSummary';
import type { ConnectRequest } from '../../lib/ipc/bindings/ConnectRequest';
import type { ResourceProgress } from '../../lib/ipc/bindings/ResourceProgress';
import { BackendError } from '../../lib/ipc/backend';
import { connectError } from '../welcome/strings';
import { errorText } from '../../lib/errors';

/** The seller's sentence for a failed call: translated by the core's stable code. */
function sentence(e: unknown): string {
  return connectError(e instanceof BackendError ? e.code : 'other');
}

export type ConnectStep = { kind: 'idle' } | { kind: 'waiting'; url: string } | { kind: 'connected' };

export class AccountsState {
  accounts = $state<AccountSummary[]>([]);
  progress = $state<Record<number, ResourceProgress[]>>({});
  step = $state<ConnectStep>({ kind: 'idle' });
  error = $state<string | null>(null);
  loaded = $state(false);
  busy = $state(false);
  private pending: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly backend: Backend) {}

  async load(): Promise<void> {
    try {
      const list = await this.backend.accountList();
      const progress: Record<number, ResourceProgress[]> = {};
      await Promise.all(
        list.map(async (a) => {
          progress[a.id] = await this.backend.syncProgress(a.id);
        }),
      );
      this.accounts = list;
      this.progress = progress;
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loaded = true;
    }
  }

  /** Coalesces bursts of progress events into one refresh. */
  refreshSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.load();
    }, 300);
  }

  async begin(request: ConnectRequest): Promise<void> {
    this.error = null;
    try {
      const url = await this.backend.connectBegin(request);
      this.step = { kind: 'waiting', url };
    } catch (e) {
      this.error = sentence(e);
    }
  }

  async finish(landed: string): Promise<boolean> {
    this.error = null;
    this.busy = true;
    try {
      await this.backend.connectFinish(landed);
      this.step = { kind: 'connected' };
      await this.load();
      return true;
    } catch (e) {
      this.error = sentence(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** An account arrived while waiting (the redirect was caught by the core itself). */
  arrived(): void {
    if (this.step.kind === 'waiting') this.step = { kind: 'connected' };
  }

  /** Connecting from the caught redirect failed in the core. */
  failed(code: string): void {
    this.error = connectError(code);
  }

  cancel(): void {
    this.step = { kind: 'idle' };
    this.error = null;
  }

  async disconnect(accountId: number): Promise<void> {
    try {
      await this.backend.accountDisconnect(accountId);
      await this.load();
    } catch (e) {
      this.error = errorText(e);
    }
  }
}
