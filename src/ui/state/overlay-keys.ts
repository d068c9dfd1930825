// Keys while an overlay (trace view, help, picker, prompt, confirmation, compose) is open.
import { sanitizeLine } from '../../mime/sanitize.js';
import { actionFor } from '../keys/bindings.js';
import { askSaveDir, save } from './attachment-save.js';
import type { ControllerContext } from './controller-context.js';
import type { KeyInput } from './controller-options.js';
import { deleteMessage, moveMessage } from './message-actions.js';
import { modeKey } from './mode-switch-actions.js';
import { runCommand, runSearch } from './search-and-commands.js';
import type { Overlay } from './types.js';

export function handleOverlayKey(ctx: ControllerContext, o: Overlay, input: KeyInput): void {
  const close = () => ctx.store.set({ overlay: undefined });
  switch (o.kind) {
    case 'trace': {
      const a = actionFor(ctx.opts.keys, input.spec);
      const page = Math.max(1, ctx.state.rows - 6);
      const scrollTo = (n: number) => ctx.store.set({ overlay: { ...o, scroll: Math.max(0, n) } });
      if (a === 'trace' || a === 'traceZoom' || a === 'quit' || a === 'back' || input.spec === 'esc') return close();
      if (a === 'up') return scrollTo(o.scroll + 1);
      if (a === 'down') return scrollTo(o.scroll - 1);
      if (a === 'pageUp' || a === 'halfPageUp') return scrollTo(o.scroll + page);
      if (a === 'pageDown' || a === 'halfPageDown') return scrollTo(o.scroll - page);
      if (a === 'bottom') return scrollTo(0);
      if (a === 'top') return scrollTo(ctx.opts.trace?.size ?? 0);
      if (input.text === 'a') {
        // The pane keeps the choice when the zoomed view closes.
        const pane = ctx.state.tracePane;
        return ctx.store.set({ overlay: { ...o, all: !o.all }, ...(pane ? { tracePane: { ...pane, all: !o.all } } : {}) });
      }
      return;
    }
    case 'help': {
      const a = actionFor(ctx.opts.keys, input.spec);
      if (a === 'down') ctx.store.set({ overlay: { ...o, scroll: o.scroll + 1 } });
      else if (a === 'up') ctx.store.set({ overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
      else close();
      return;
    }
    case 'compose':
      ctx.composeFlow?.handleKey(input);
      return;
    case 'confirmMode':
      return modeKey(ctx, o, input);
    case 'confirmDelete':
      close();
      if (input.text === 'y' || input.text === 'Y') deleteMessage(ctx, o.account, o.path, o.uid);
      else ctx.notify('Not deleted');
      return;
    case 'picker': {
      const a = actionFor(ctx.opts.keys, input.spec);
      if (input.spec === 'esc' || a === 'quit') return close();
      if (a === 'down') return ctx.store.set({ overlay: { ...o, cursor: Math.min(o.items.length - 1, o.cursor + 1) } });
      if (a === 'up') return ctx.store.set({ overlay: { ...o, cursor: Math.max(0, o.cursor - 1) } });
      if (input.spec === 'enter') {
        const item = o.items[o.cursor];
        close();
        if (!item) return;
        if (o.purpose === 'move') moveMessage(ctx, item.value);
        else askSaveDir(ctx, Number(item.value));
      }
      return;
    }
    case 'prompt': {
      if (input.spec === 'esc') return close();
      if (input.spec === 'enter') {
        close();
        if (o.purpose === 'search') runSearch(ctx, o.value);
        else if (o.purpose === 'command') runCommand(ctx, o.value);
        else if (o.purpose === 'saveDir' && o.attachment !== undefined) save(ctx, o.attachment, o.value.trim() || '.');
        return;
      }
      if (input.spec === 'backspace' || input.spec === 'delete') {
        return ctx.store.set({ overlay: { ...o, value: [...o.value].slice(0, -1).join('') } });
      }
      if (input.spec === 'C-u') return ctx.store.set({ overlay: { ...o, value: '' } });
      // Pasted or typed text; control characters never enter a prompt.
      const text = sanitizeLine(input.text);
      if (text) ctx.store.set({ overlay: { ...o, value: o.value + text } });
      return;
    }
  }
}
