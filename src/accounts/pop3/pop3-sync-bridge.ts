// The seam between the POP3 account (local side) and the sync engine (sync.ts, sync-state.ts,
// owned by the sync half of issue 5). Pop3Account only talks to this interface, so tests can
// inject a fake and the account never depends on how the sync state is stored.
import type { Credentials } from '../../auth/credentials.js';
import type { AccountConfig } from '../../config/types.js';
import type { SyncProgress, SyncResult } from '../account.js';
import type { MessageLocation } from '../../domain/index.js';
import type { Maildir } from '../../store/maildir.js';
import { loadSyncState, locationOf, markForServerDeletion } from './sync-state.js';

export interface Pop3SyncApi {
  syncMailbox(opts: {
    config: AccountConfig;
    credentials: Credentials;
    maildir: Maildir;
    statePath: string;
    onProgress?: (p: SyncProgress) => void;
    /** Protocol lines for the trace pane (the client already masks PASS/APOP). */
    trace?: (line: string) => void;
  }): Promise<SyncResult>;
  /** Remembers the server copy of this cached message for deletion at the next sync. */
  markForServerDeletion(statePath: string, maildirKey: string): Promise<void>;
  /** The time before which the server refuses a login (its LOGIN-DELAY), if one is pending. */
  nextLoginAt(statePath: string): Promise<Date | undefined>;
  /** A lookup key -> location over the sync state as it is on disk now. */
  loadLocations(statePath: string): Promise<(maildirKey: string) => MessageLocation>;
}

export const defaultSyncApi: Pop3SyncApi = {
  async syncMailbox(opts) {
    // Loaded on first use: the sync engine pulls in the network layer, which browsing never needs.
    const { syncMailbox } = await import('./sync.js');
    return syncMailbox(opts);
  },
  markForServerDeletion,
  async nextLoginAt(statePath) {
    const at = (await loadSyncState(statePath)).loginNotBefore;
    const ms = at === undefined ? Number.NaN : Date.parse(at);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  },
  async loadLocations(statePath) {
    const state = await loadSyncState(statePath);
    return (key) => locationOf(state, key);
  },
};
