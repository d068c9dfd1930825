// Switching an account between IMAP and POP3 from the UI, and the "<account> · local cache"
// group that keeps POP3 mail visible while the account uses IMAP.
import { sanitizeLine } from '../../text/sanitize.js';
import { connectAccount } from './account-connect.js';
import type { ControllerContext } from './controller-context.js';
import type { DialogAction } from '../keys/bindings.js';
import { folderRows } from './folder-rows.js';
import type { Overlay, UiState } from './types.js';
import { folderKey } from './window-cache.js';
import type { AccountId } from './types.js';
import { accountEntry } from './folder-rows.js';

/** Asks before switching the account under the folder cursor (folder pane) or the current one. */
export function askSwitchMode(ctx: ControllerContext): void {
  const s = ctx.state;
  const row = s.focus === 'folders' ? folderRows(s)[s.folderCursor] : undefined;
  let i = row?.account ?? s.current?.account ?? ctx.firstAccount;
  if (i === undefined) return;
  const owner = accountEntry(s, i)?.localCacheOf;
  if (owner !== undefined) i = owner;
  const slot = ctx.slot(i);
  if (!slot) return;
  if (!slot.mode) return ctx.notify('Switching is not available here; use: tmail account mode NAME pop3|imap');
  if (accountEntry(s, i)?.sync) return ctx.notify('A download is running; switch when it has finished');
  const target = slot.protocol === 'imap' ? 'pop3' : 'imap';
  const leaveOnServer = slot.mode.leaveOnServer();
  ctx.post({ type: 'overlayShown', overlay: { kind: 'confirmMode', account: i, target, leaveOnServer, text: slot.mode.explain(target, leaveOnServer) } });
}

/** The answer to the switch question: `leaveOnServer` toggles that choice, `yes` switches, anything else does not. */
export function modeKey(ctx: ControllerContext, o: Extract<Overlay, { kind: 'confirmMode' }>, answer: DialogAction | undefined): void {
  const mode = ctx.slot(o.account)?.mode;
  if (!mode) return ctx.post({ type: 'overlayClosed' });
  if (answer === 'leaveOnServer') {
    if (o.target !== 'pop3') return;
    // Only adds leaveOnServer: turning a configured leaveOnServer off is a config edit, not a switch.
    const leaveOnServer = mode.leaveOnServer() || !o.leaveOnServer;
    return ctx.post({ type: 'overlayShown', overlay: { ...o, leaveOnServer, text: mode.explain(o.target, leaveOnServer) } });
  }
  ctx.post({ type: 'overlayClosed' });
  if (answer === 'yes') void switchMode(ctx, o.account, o.target, o.leaveOnServer);
  else ctx.notify('Not switched');
}

/**
 * Writes config.json (as `tmail account mode` does), closes the old backend and opens the new
 * one in its place; to POP3 the first sync starts at once. The POP3 cache shows as
 * "<account> · local cache" while the account uses IMAP.
 */
export async function switchMode(ctx: ControllerContext, i: AccountId, target: 'imap' | 'pop3', leaveOnServer: boolean): Promise<void> {
  const slot = ctx.slot(i);
  if (!slot?.mode) return;
  const name = sanitizeLine(slot.name);
  try {
    const next = await ctx.track(`switching ${name} to ${target.toUpperCase()}…`, slot.mode.apply(target, leaveOnServer));
    if (target === 'pop3') await hideLocalCache(ctx, i);
    await dropAccount(ctx, i, { protocol: next.protocol });
    slot.protocol = next.protocol;
    slot.create = next.create;
    ctx.notify(target === 'pop3' ? `${name} now uses POP3` : `${name} now uses IMAP; mail downloaded before stays in "${name} · local cache"`);
    // The cache is local: it shows at once, whatever the server connection does.
    if (target === 'imap') showLocalCache(ctx, i);
    await connectAccount(ctx, i, true);
  } catch (err) {
    ctx.fail(err, `${name}: not switched`);
  }
}

/** Closes the account's backend and forgets everything shown of it; the slot stays. */
export async function dropAccount(ctx: ControllerContext, i: AccountId, patch: Partial<UiState['accounts'][number]>): Promise<void> {
  const old = ctx.backends.get(i);
  ctx.backends.delete(i);
  ctx.creating.delete(i);
  ctx.offEvents.get(i)?.();
  ctx.offEvents.delete(i);
  for (const f of accountEntry(ctx.state, i)?.folders ?? []) ctx.cache.invalidate(folderKey(i, f.path));
  ctx.post({ type: 'accountDropped', account: i, patch });
  await old?.close().catch(() => undefined);
}

/** Shows "<account> · local cache" when account `owner` uses IMAP and has a POP3 cache on disk. */
export function showLocalCache(ctx: ControllerContext, owner: AccountId): void {
  const slot = ctx.slot(owner);
  if (!slot?.mode || slot.protocol !== 'imap') return;
  const existing = ctx.state.accounts.find((a) => a.localCacheOf === owner);
  if (existing) {
    ctx.updateAccount(existing.id, { hidden: false });
    void connectAccount(ctx, existing.id, false);
    return;
  }
  const cache = slot.mode.localCache();
  if (!cache) return;
  ctx.opts.accounts.push(cache);
  ctx.post({
    type: 'accountAdded',
    entry: {
      id: cache.name,
      name: cache.name,
      protocol: cache.protocol,
      status: 'idle',
      folders: [],
      localCacheOf: owner,
      ...(cache.cacheDir ? { cacheDir: cache.cacheDir } : {}),
    },
  });
  void connectAccount(ctx, cache.name, false);
}

export async function hideLocalCache(ctx: ControllerContext, owner: AccountId): Promise<void> {
  const cache = ctx.state.accounts.find((a) => a.localCacheOf === owner);
  if (cache) await dropAccount(ctx, cache.id, { hidden: true });
}
