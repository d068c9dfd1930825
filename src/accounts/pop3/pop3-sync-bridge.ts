// The seam between the POP3 account (local side) and the sync engine (sync.ts, sync-state.ts,
// owned by the sync half of issue 5). Pop3Account only talks to this interface, so tests can
// inject a fake and the account never depends on how the sync state is stored.
import type { AccountConfig } from '../../config/types.js';
import type { MessageLocation, SyncProgress, SyncResult } from '../account.js';
import type { Maildir } from '../../store/maildir.js';

export interface Pop3SyncApi {
  syncMailbox(opts: {
    config: AccountConfig;
    getPassword: () => Promise<string>;
    maildir: Maildir;
    statePath: string;
    onProgress?: (p: SyncProgress) => void;
  }): Promise<SyncResult>;
  /** Remembers the server copy of this cached message for deletion at the next sync. */
  markForServerDeletion(statePath: string, maildirKey: string): Promise<void>;
  /** A lookup key -> location over the sync state as it is on disk now. */
  loadLocations(statePath: string): Promise<(maildirKey: string) => MessageLocation>;
}

interface SyncModule {
  syncMailbox: Pop3SyncApi['syncMailbox'];
  markForServerDeletion: Pop3SyncApi['markForServerDeletion'];
  locationOf: (state: unknown, maildirKey: string) => MessageLocation;
}

interface SyncStateModule {
  loadSyncState?: (statePath: string) => Promise<unknown>;
  readSyncState?: (statePath: string) => Promise<unknown>;
}

// Loaded lazily: the sync engine pulls in the network layer, which listing local folders never needs.
async function load<T>(file: string): Promise<T> {
  return (await import(new URL(file, import.meta.url).href)) as T;
}

export const defaultSyncApi: Pop3SyncApi = {
  async syncMailbox(opts) {
    return (await load<SyncModule>('./sync.js')).syncMailbox(opts);
  },
  async markForServerDeletion(statePath, key) {
    return (await load<SyncModule>('./sync.js')).markForServerDeletion(statePath, key);
  },
  async loadLocations(statePath) {
    const { locationOf } = await load<SyncModule>('./sync.js');
    const stateModule = await load<SyncStateModule>('./sync-state.js');
    const read = stateModule.loadSyncState ?? stateModule.readSyncState;
    if (!read) throw new Error('sync-state.js exports no loader');
    const state = await read(statePath);
    return (key) => locationOf(state, key);
  },
};
