// Keys while an overlay (trace view, help, picker, prompt, confirmation, compose) is open. Every
// key comes from the key table: the overlay's own keys are its dialog scope (yes, submit,
// cancel, erase…), moves are the mail screen's (j/k…), so rebinding either changes both.
import { actionFor } from '../keys/bindings.js';
import { editLine } from '../keys/line-editor.js';
import { askSaveDir, completeSaveDir, save } from './attachment-save.js';
import { copyMessage } from './copy-actions.js';
import { createFolder, deleteFolder, renameFolder } from './folder-ops.js';
import { parseJumpValue, visibleItems } from './folder-picker.js';
import { openFolder } from './folder-loading.js';
import { askPipePart, openAttachment, openUrl, pipeMessage } from './handoff-actions.js';
import { composeFlowOf } from './compose-actions.js';
import { composeKey } from './compose-keys.js';
import type { ControllerContext } from './controller-context.js';
import type { KeyInput } from './controller-options.js';
import { copySet, deleteSet, moveSet } from './bulk-actions.js';
import { deleteMessage, moveMessage } from './message-actions.js';
import { modeKey } from './mode-switch-actions.js';
import { completeCommand, runCommand, runSearch } from './search-and-commands.js';
import { tagByQuery } from './tag-actions.js';
import type { Overlay } from './types.js';
import { secretKey } from './password-prompt.js';
import { deleteGroups, transferGroups } from './group-actions.js';
import { helpContent, helpRows, maxHelpScroll } from '../keys/help-topics.js';

export function handleOverlayKey(ctx: ControllerContext, o: Overlay, input: KeyInput): void {
  const keys = ctx.opts.keys;
  const close = () => ctx.post({ type: 'overlayClosed' });
  const show = (overlay: Overlay) => ctx.post({ type: 'overlayShown', overlay });
  const dialog = actionFor(keys, input.spec, 'dialog');
  switch (o.kind) {
    case 'trace': {
      const a = actionFor(keys, input.spec);
      const page = Math.max(1, ctx.state.rows - 6);
      const scrollTo = (n: number) => show({ ...o, scroll: Math.max(0, n) });
      if (a === 'trace' || a === 'traceZoom' || a === 'quit' || a === 'back' || dialog === 'cancel') return close();
      if (a === 'up') return scrollTo(o.scroll + 1);
      if (a === 'down') return scrollTo(o.scroll - 1);
      if (a === 'pageUp' || a === 'halfPageUp') return scrollTo(o.scroll + page);
      if (a === 'pageDown' || a === 'halfPageDown') return scrollTo(o.scroll - page);
      if (a === 'bottom') return scrollTo(0);
      if (a === 'top') return scrollTo(ctx.opts.trace?.size ?? 0);
      if (dialog === 'traceAll') {
        // The pane keeps the choice when the zoomed view closes.
        return ctx.post({ type: 'traceAllToggled' });
      }
      return;
    }
    case 'help': {
      const a = actionFor(keys, input.spec);
      // The overlay fills the main area (rows - 2); scrolling stops where the last line shows.
      const height = Math.max(3, ctx.state.rows - 2);
      const page = helpRows(height);
      const max = maxHelpScroll(helpContent(keys, ctx.state.cols, ctx.state.error, ctx.state.lastNote?.full).length, height);
      const step: Partial<Record<string, number>> = {
        down: 1,
        up: -1,
        pageDown: page,
        pageUp: -page,
        halfPageDown: page >> 1,
        halfPageUp: -(page >> 1),
        top: -Infinity,
        bottom: Infinity,
      };
      const by = a ? step[a] : undefined;
      if (by === undefined) return close();
      show({ ...o, scroll: Math.max(0, Math.min(max, Math.min(o.scroll, max) + by)) });
      return;
    }
    case 'secret':
      return secretKey(ctx, o, input);
    case 'compose': {
      const flow = composeFlowOf(ctx);
      if (flow) composeKey(flow, keys, input);
      return;
    }
    case 'confirmMode':
      return modeKey(ctx, o, dialog);
    case 'confirmFolderDelete':
      close();
      if (dialog === 'yes') deleteFolder(ctx, o.account, o.path);
      else ctx.notify('Folder not deleted');
      return;
    case 'confirmDelete':
      close();
      if (dialog === 'yes' && o.groups) deleteGroups(ctx, o.groups);
      else if (dialog === 'yes' && o.uids) deleteSet(ctx, o.account, o.path, o.uids);
      else if (dialog === 'yes') deleteMessage(ctx, o.account, o.path, o.uid);
      else ctx.notify('Not deleted');
      return;
    case 'picker': {
      const a = actionFor(keys, input.spec);
      const filtering = o.filter !== undefined;
      const shown = visibleItems(o);
      // A filtered picker takes typed letters as its filter: only the arrows and Ctrl-N/P move.
      const down = filtering ? input.spec === 'down' || input.spec === 'C-n' : a === 'down';
      const up = filtering ? input.spec === 'up' || input.spec === 'C-p' : a === 'up';
      if (dialog === 'cancel' || (!filtering && a === 'quit')) return close();
      // `|` on an attachment: pipe that part instead of the whole message.
      if (a === 'pipe' && o.purpose === 'openAttachment' && shown[o.cursor]) return askPipePart(ctx, Number(shown[o.cursor]!.value));
      if (down) return show({ ...o, cursor: Math.min(shown.length - 1, o.cursor + 1) });
      if (up) return show({ ...o, cursor: Math.max(0, o.cursor - 1) });
      if (dialog === 'submit') {
        const item = shown[o.cursor];
        close();
        if (!item) return;
        const cur = ctx.state.current;
        if (o.groups && (o.purpose === 'move' || o.purpose === 'copy')) transferGroups(ctx, o.groups, item.value, o.purpose);
        else if (o.uids && cur && (o.purpose === 'move' || o.purpose === 'copy')) {
          if (o.purpose === 'move') moveSet(ctx, cur.account, cur.path, o.uids, item.value);
          else copySet(ctx, cur.account, cur.path, o.uids, item.value);
        } else if (o.purpose === 'move') moveMessage(ctx, item.value);
        else if (o.purpose === 'copy') copyMessage(ctx, item.value);
        else if (o.purpose === 'jump') jumpTo(ctx, item.value);
        else if (o.purpose === 'openAttachment') openAttachment(ctx, Number(item.value));
        else if (o.purpose === 'url') openUrl(ctx, item.value);
        else askSaveDir(ctx, Number(item.value));
        return;
      }
      if (filtering) {
        const e = editLine(o.filter!, dialog, input.text);
        if (e?.kind === 'change') show({ ...o, filter: e.value, cursor: 0 });
      }
      return;
    }
    case 'prompt': {
      if (dialog === 'complete' && o.purpose === 'saveDir') return completeSaveDir(ctx, o);
      if (dialog === 'complete' && o.purpose === 'command') return completeCommand(ctx, o);
      const e = editLine(o.value, dialog, input.text);
      if (!e) return;
      if (e.kind === 'change') return show({ ...o, value: e.value, hint: undefined });
      close();
      if (e.kind === 'cancel') return;
      if (o.purpose === 'search' || o.purpose === 'limit') runSearch(ctx, e.value);
      else if (o.purpose === 'tagQuery') tagByQuery(ctx, e.value);
      else if (o.purpose === 'command') runCommand(ctx, e.value);
      else if (o.purpose === 'saveDir' && o.attachment !== undefined) save(ctx, o.attachment, e.value.trim() || '.');
      else if (o.purpose === 'pipe') pipeMessage(ctx, e.value, o.attachment);
      else if (o.purpose === 'createFolder' && o.account !== undefined) createFolder(ctx, o.account, e.value);
      else if (o.purpose === 'renameFolder' && o.account !== undefined && o.path !== undefined) renameFolder(ctx, o.account, o.path, e.value);
      return;
    }
  }
}

/** The jump picker's choice: open that folder and show its list. */
function jumpTo(ctx: ControllerContext, value: string): void {
  const { account, path } = parseJumpValue(value);
  void openFolder(ctx, account, path);
  ctx.post({ type: 'focusMoved', pane: 'list' });
  ctx.post({ type: 'folderCursorOn', account, path });
}
