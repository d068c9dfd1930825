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
}
