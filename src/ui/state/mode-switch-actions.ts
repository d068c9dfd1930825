// Switching an account between IMAP and POP3 from the UI, and the "<account> · local cache"
// group that keeps POP3 mail visible while the account uses IMAP.
import { sanitizeLine } from '../../mime/sanitize.js';
import { connectAccount } from './account-connect.js';
import type { ControllerContext } from './controller-context.js';
import type { DialogAction } from '../keys/bindings.js';
import { folderRows } from './folder-rows.js';
import type { Overlay, UiState } from './types.js';
import { folderKey } from './window-cache.js';

/** Asks before switching the account under the folder cursor (folder pane) or the current one. */
export function askSwitchMode(ctx: ControllerContext): void {
  const s = ctx.state;
  const row = s.focus === 'folders' ? folderRows(s)[s.folderCursor] : undefined;
  let i = row?.account ?? s.current?.account ?? 0;
  const owner = s.accounts[i]?.localCacheOf;
  if (owner !== undefined) i = owner;
  const slot = ctx.opts.accounts[i];
  if (!slot) return;
  if (!slot.mode) return ctx.notify('Switching is not available here; use: tmail account mode NAME pop3|imap');
  if (s.accounts[i]?.sync) return ctx.notify('A download is running; switch when it has finished');
  const target = slot.protocol === 'imap' ? 'pop3' : 'imap';
  const leaveOnServer = slot.mode.leaveOnServer();
  ctx.store.set({ overlay: { kind: 'confirmMode', account: i, target, leaveOnServer, text: slot.mode.explain(target, leaveOnServer) } });
}

/** The answer to the switch question: `leaveOnServer` toggles that choice, `yes` switches, anything else does not. */
export function modeKey(ctx: ControllerContext, o: Extract<Overlay, { kind: 'confirmMode' }>, answer: DialogAction | undefined): void {
  const mode = ctx.opts.accounts[o.account]?.mode;
  if (!mode) return ctx.store.set({ overlay: undefined });
  if (answer === 'leaveOnServer') {
    if (o.target !== 'pop3') return;
    // Only adds leaveOnServer: turning a configured leaveOnServer off is a config edit, not a switch.
    const leaveOnServer = mode.leaveOnServer() || !o.leaveOnServer;
    return ctx.store.set({ overlay: { ...o, leaveOnServer, text: mode.explain(o.target, leaveOnServer) } });
  }
  ctx.store.set({ overlay: undefined });
  if (answer === 'yes') void switchMode(ctx, o.account, o.target, o.leaveOnServer);
  else ctx.notify('Not switched');
}

/**
 * Writes config.json (as `tmail account mode` does), closes the old backend and opens the new
 * one in its place; to POP3 the first sync starts at once. The POP3 cache shows as
 * "<account> · local cache" while the account uses IMAP.
 */
export async function switchMode(ctx: ControllerContext, i: number, target: 'imap' | 'pop3', leaveOnServer: boolean): Promise<void> {
  const slot = ctx.opts.accounts[i];
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

/** Closes account i's backend and forgets everything shown of it; the slot stays. */
export async function dropAccount(ctx: ControllerContext, i: number, patch: Partial<UiState['accounts'][number]>): Promise<void> {
  const old = ctx.backends[i];
  ctx.backends[i] = undefined;
  ctx.creating.delete(i);
  ctx.offEvents.get(i)?.();
  ctx.offEvents.delete(i);
  for (const f of ctx.state.accounts[i]?.folders ?? []) ctx.cache.invalidate(folderKey(i, f.path));
  ctx.updateAccount(i, { folders: [], sync: undefined, error: undefined, status: 'idle', ...patch });
  if (ctx.state.current?.account === i || ctx.state.reader?.account === i) {
    ctx.store.set({ current: undefined, reader: undefined, search: undefined, listCursor: 0, listTop: 0, focus: 'list' });
  }
  ctx.store.set({ folderCursor: Math.min(ctx.state.folderCursor, Math.max(0, folderRows(ctx.state).length - 1)) });
  await old?.close().catch(() => undefined);
}

/** Shows "<account> · local cache" when account `owner` uses IMAP and has a POP3 cache on disk. */
export function showLocalCache(ctx: ControllerContext, owner: number): void {
  const slot = ctx.opts.accounts[owner];
  if (!slot?.mode || slot.protocol !== 'imap') return;
  const existing = ctx.state.accounts.findIndex((a) => a.localCacheOf === owner);
  if (existing >= 0) {
    ctx.updateAccount(existing, { hidden: false });
    void connectAccount(ctx, existing, false);
    return;
  }
  const cache = slot.mode.localCache();
  if (!cache) return;
  const j = ctx.opts.accounts.push(cache) - 1;
  ctx.backends.push(undefined);
  ctx.store.set((s) => ({ accounts: [...s.accounts, { name: cache.name, protocol: cache.protocol, status: 'idle', folders: [], localCacheOf: owner, ...(cache.cacheDir ? { cacheDir: cache.cacheDir } : {}) }] }));
  void connectAccount(ctx, j, false);
}

export async function hideLocalCache(ctx: ControllerContext, owner: number): Promise<void> {
  const j = ctx.state.accounts.findIndex((a) => a.localCacheOf === owner);
  if (j >= 0) await dropAccount(ctx, j, { hidden: true });
}
