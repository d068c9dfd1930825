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
  private readonly started = new Map<AccountId, { promise: Promise<void>; settle: () => void }>();

  /** Settles once account's connect() has been called, or its login is held, or failed before that. */
  loginStarted(account: AccountId): Promise<void> {
    return this.startedEntry(account).promise;
  }

  markLoginStarted(account: AccountId): void {
    this.startedEntry(account).settle();
  }

  private startedEntry(account: AccountId): { promise: Promise<void>; settle: () => void } {
    let entry = this.started.get(account);
    if (!entry) {
      let settle!: () => void;
      const promise = new Promise<void>((r) => (settle = r));
      entry = { promise, settle };
      this.started.set(account, entry);
    }
    return entry;
  }
}
