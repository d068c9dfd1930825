// The bookkeeping of the first screen and of held logins: promises and a release function that
// startup code awaits. Not view state (nothing here is drawn); owned by account-connect.ts, read
// by the controller's firstScreen()/drawn().
import type { AccountId } from './types.js';

export class StartupGate {
  /** Per account: whether its cached INBOX was put on screen (showCachedInbox), once known. */
  readonly peeks = new Map<AccountId, Promise<boolean>>();
  /** Logins wait for this (see ControllerOptions.loginAfterFirstFrame). */
  loginGate: ((account: AccountId) => Promise<void>) | undefined;
  /** Called once the UI has drawn its first frame. */
  drawn: () => void = () => undefined;
  private readonly started = new Map<AccountId, Settled>();
  private readonly through = new Map<AccountId, Settled>();

  /** Settles once account's connect() has been called, or its login is held, or failed before that. */
  loginStarted(account: AccountId): Promise<void> {
    return entry(this.started, account).promise;
  }

  markLoginStarted(account: AccountId): void {
    entry(this.started, account).settle();
  }

  /** Settles once account's login is through (connected, or failed), or held. */
  loginThrough(account: AccountId): Promise<void> {
    return entry(this.through, account).promise;
  }

  markLoginThrough(account: AccountId): void {
    entry(this.through, account).settle();
  }
}

interface Settled {
  promise: Promise<void>;
  settle: () => void;
}

function entry(entries: Map<AccountId, Settled>, account: AccountId): Settled {
  let found = entries.get(account);
  if (!found) {
    let settle!: () => void;
    const promise = new Promise<void>((r) => (settle = r));
    found = { promise, settle };
    entries.set(account, found);
  }
  return found;
}
