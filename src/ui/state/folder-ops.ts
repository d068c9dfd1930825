// The folder pane's own actions: create (`+`), rename (`=`), delete (`d`, confirmed with the
// number of messages that go with it) and subscribe / unsubscribe (`S`). Names are typed as the
// pane shows them ("Projects/2024") and turned into the server's path (namespace prefix and
// delimiter) by the one naming rule of accounts/folder-names.ts.
import { displayFolderPath, folderLabel, serverFolderPath, type FolderNaming } from '../../accounts/folder-names.js';
import type { FolderInfo } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { openInitialFolder, refreshFolders } from './account-connect.js';
import type { ControllerContext } from './controller-context.js';
import { tell } from './tell.js';
import { accountEntry, folderRows } from './folder-rows.js';
import type { AccountId, FolderRow } from './types.js';

/** The server's naming, read off the folders it listed (a display name differs only by it). */
export function namingOf(folders: readonly FolderInfo[]): FolderNaming {
  const delimiter = folders.find((f) => f.delimiter)?.delimiter ?? '/';
  for (const f of folders) {
    if (f.display === undefined || f.path.toUpperCase() === 'INBOX') continue;
    const levels = f.display.split('/').join(delimiter);
    if (f.path.endsWith(levels) && f.path.length > levels.length) return { delimiter, prefix: f.path.slice(0, f.path.length - levels.length) };
  }
  return { delimiter, prefix: '' };
}

function cursorRow(ctx: ControllerContext): FolderRow | undefined {
  return folderRows(ctx.state)[ctx.state.folderCursor];
}

/** The account under the cursor, if its backend can change folders (else a message says why not). */
function foldersAccount(ctx: ControllerContext, need: 'folderOps' | 'subscriptions'): AccountId | undefined {
  if (ctx.state.focus !== 'folders') {
    tell(ctx, 'Folder actions work in the folder pane (Tab or h to get there)');
    return undefined;
  }
  const row = cursorRow(ctx);
  if (!row) return undefined;
  const acc = ctx.backends.get(row.account);
  if (!acc) {
    tell(ctx, 'The account is not connected yet');
    return undefined;
  }
  if (!acc.capabilities[need]) {
    tell(
      ctx,
      need === 'subscriptions'
        ? 'This account has no subscriptions (only IMAP folders can be subscribed to)'
        : 'This account cannot create, rename or delete folders',
    );
    return undefined;
  }
  return row.account;
}

/** The folder under the cursor, for rename/delete/subscribe (INBOX and account rows say why not). */
function cursorFolder(ctx: ControllerContext, verb: string): FolderInfo | undefined {
  const f = cursorRow(ctx)?.folder;
  if (!f) {
    tell(ctx, `Put the cursor on a folder to ${verb} it`);
    return undefined;
  }
  if (f.path.toUpperCase() === 'INBOX' && verb !== 'subscribe to') {
    tell(ctx, `INBOX cannot be ${verb === 'rename' ? 'renamed' : 'deleted'}`);
    return undefined;
  }
  return f;
}

export function askCreateFolder(ctx: ControllerContext): void {
  const account = foldersAccount(ctx, 'folderOps');
  if (account === undefined) return;
  // Under the folder at the cursor, as a start the user can erase.
  const f = cursorRow(ctx)?.folder;
  const start = f && f.path.toUpperCase() !== 'INBOX' ? `${folderLabel(f)}/` : '';
  ctx.post({ type: 'overlayShown', overlay: { kind: 'prompt', purpose: 'createFolder', label: 'New folder: ', value: sanitizeLine(start), account } });
}

export function askRenameFolder(ctx: ControllerContext): void {
  const account = foldersAccount(ctx, 'folderOps');
  if (account === undefined) return;
  const f = cursorFolder(ctx, 'rename');
  if (!f) return;
  ctx.post({
    type: 'overlayShown',
    overlay: {
      kind: 'prompt',
      purpose: 'renameFolder',
      label: `Rename ${sanitizeLine(folderLabel(f))} to: `,
      value: sanitizeLine(folderLabel(f)),
      account,
      path: f.path,
    },
  });
}

export function askDeleteFolder(ctx: ControllerContext): void {
  const account = foldersAccount(ctx, 'folderOps');
  if (account === undefined) return;
  const f = cursorFolder(ctx, 'delete');
  if (!f) return;
  const n = f.total;
  const lost = n === 0 ? 'it is empty' : `its ${n} message${n === 1 ? '' : 's'} will be lost for good`;
  ctx.post({
    type: 'overlayShown',
    overlay: { kind: 'confirmFolderDelete', account, path: f.path, text: `Delete folder ${sanitizeLine(folderLabel(f))}? ${lost} (y/n)` },
  });
}

function serverPath(ctx: ControllerContext, account: AccountId, typed: string): string | undefined {
  const name = typed.trim().replace(/\/+$/, '').replace(/^\/+/, '');
  if (!name || name.split('/').some((level) => level.trim() === '')) {
    tell(ctx, 'Give the folder a name (levels separated by /)');
    return undefined;
  }
  return serverFolderPath(name, namingOf(accountEntry(ctx.state, account)?.folders ?? []));
}

/** Runs a folder change, then lists the folders again; `after` gets the new list. */
function change(
  ctx: ControllerContext,
  account: AccountId,
  label: string,
  op: () => Promise<void> | undefined,
  done: string,
  failed: string,
  after?: () => void,
): void {
  void (async () => {
    try {
      await ctx.track(label, Promise.resolve(op()));
      await refreshFolders(ctx, account);
      after?.();
      tell(ctx, done);
    } catch (err) {
      ctx.fail(err, failed);
    }
  })();
}

export function createFolder(ctx: ControllerContext, account: AccountId, typed: string): void {
  const path = serverPath(ctx, account, typed);
  if (path === undefined) return;
  const shown = sanitizeLine(displayFolderPath(path, namingOf(accountEntry(ctx.state, account)?.folders ?? [])));
  const acc = ctx.backends.get(account);
  change(
    ctx,
    account,
    'creating folder…',
    () => acc?.createFolder?.(path),
    `Created folder ${shown}`,
    'Could not create the folder',
    () => moveCursorTo(ctx, account, path),
  );
}

export function renameFolder(ctx: ControllerContext, account: AccountId, from: string, typed: string): void {
  const path = serverPath(ctx, account, typed);
  if (path === undefined || path === from) return;
  const naming = namingOf(accountEntry(ctx.state, account)?.folders ?? []);
  const acc = ctx.backends.get(account);
  const wasOpen = ctx.state.current?.account === account && ctx.state.current.path === from;
  change(
    ctx,
    account,
    'renaming folder…',
    () => acc?.renameFolder?.(from, path),
    `Renamed ${sanitizeLine(displayFolderPath(from, naming))} to ${sanitizeLine(displayFolderPath(path, naming))}`,
    'Could not rename the folder',
    () => {
      moveCursorTo(ctx, account, path);
      if (wasOpen) ctx.post({ type: 'folderGone', account, path: from });
    },
  );
}

export function deleteFolder(ctx: ControllerContext, account: AccountId, path: string): void {
  const naming = namingOf(accountEntry(ctx.state, account)?.folders ?? []);
  const acc = ctx.backends.get(account);
  const wasOpen = ctx.state.current?.account === account && ctx.state.current.path === path;
  change(
    ctx,
    account,
    'deleting folder…',
    () => acc?.deleteFolder?.(path),
    `Deleted folder ${sanitizeLine(displayFolderPath(path, naming))}`,
    'Could not delete the folder',
    () => {
      ctx.post({ type: 'folderCursorClamped' });
      // The list must not keep showing a folder that is gone: back to the account's INBOX.
      if (wasOpen) {
        ctx.post({ type: 'folderGone', account, path });
        openInitialFolder(ctx, account);
        ctx.post({ type: 'focusMoved', pane: 'folders' });
      }
    },
  );
}

export function toggleSubscription(ctx: ControllerContext): void {
  const account = foldersAccount(ctx, 'subscriptions');
  if (account === undefined) return;
  const f = cursorFolder(ctx, 'subscribe to');
  if (!f) return;
  const on = !f.subscribed;
  const acc = ctx.backends.get(account);
  const name = sanitizeLine(folderLabel(f));
  change(
    ctx,
    account,
    on ? 'subscribing…' : 'unsubscribing…',
    () => acc?.subscribeFolder?.(f.path, on),
    on ? `Subscribed to ${name}` : `Unsubscribed from ${name}`,
    'Could not change the subscription',
  );
}

function moveCursorTo(ctx: ControllerContext, account: AccountId, path: string): void {
  ctx.post({ type: 'folderCursorOn', account, path });
}
