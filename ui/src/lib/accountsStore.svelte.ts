// The connected accounts, fetched once per mode for every screen that lists them (the inbox's
// account filter, the palette, the reconnect banner, notification switches) and fetched again
// when the core says they changed.
import type { Backend } from './ipc/backend';
import type { AccountSummary } from './ipc/bindings/AccountSummary';

export class AccountsStore {
  list = $state<AccountSummary[]>([]);
  loaded = $state(false);

  constructor(private readonly backend: Backend) {
    void this.refresh();
    void backend.onCoreEvent((e) => {
      if (e.kind === 'accounts_changed' || e.kind === 'resync') void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    try {
      this.list = await this.backend.accountList();
    } finally {
      this.loaded = true;
    }
  }
}
