// `s` in the reader: pick an attachment, ask where, save it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { completePath, expandHome, LastSaveDirectory } from '../../handoff/save-path.js';
import { sanitizeLine } from '../../text/sanitize.js';
import type { ControllerContext } from './controller-context.js';
import type { Overlay } from './types.js';

/** Per controller: the directory of the last save this session (the next prompt starts there). */
const lastDirs = new WeakMap<ControllerContext, LastSaveDirectory>();

function lastDir(ctx: ControllerContext): LastSaveDirectory {
  let d = lastDirs.get(ctx);
  if (!d) lastDirs.set(ctx, (d = new LastSaveDirectory(ctx.opts.downloadDir ?? defaultDownloadDir())));
  return d;
}

function defaultDownloadDir(): string {
  const d = join(homedir(), 'Downloads');
  return existsSync(d) ? d : process.cwd();
}

/** The attachment index that stands for the whole message source. */
export const SOURCE = -1;

export function startSave(ctx: ControllerContext): void {
  const r = ctx.state.reader;
  if (!r?.message) return ctx.notify('The message is still loading');
  const atts = r.message.attachments;
  // In the source view `s` saves the source.
  if (r.raw && ctx.opts.loader.saveSource) return askSaveDir(ctx, SOURCE);
  if (r.message.cut && ctx.opts.loader.saveSource) {
    // A message shown only in part: the whole source is what the user needs to get at.
    ctx.post({
      type: 'overlayShown',
      overlay: {
        kind: 'picker',
        purpose: 'attachment',
        title: 'Save what?',
        items: [
          { label: 'The whole message (.eml)', value: String(SOURCE) },
          ...atts.map((a, i) => ({ label: `${a.filename} (${a.contentType})`, value: String(i) })),
        ],
        cursor: 0,
      },
    });
    return;
  }
  if (atts.length === 0) return ctx.notify('This message has no attachments');
  if (atts.length === 1) return askSaveDir(ctx, 0);
  ctx.post({
    type: 'overlayShown',
    overlay: {
      kind: 'picker',
      purpose: 'attachment',
      title: 'Save which attachment?',
      items: atts.map((a, i) => ({ label: `${a.filename} (${a.contentType})`, value: String(i) })),
      cursor: 0,
    },
  });
}

export function askSaveDir(ctx: ControllerContext, index: number): void {
  const dir = lastDir(ctx).promptStart();
  ctx.post({
    type: 'overlayShown',
    overlay: { kind: 'prompt', purpose: 'saveDir', label: 'Save to directory: ', value: dir, attachment: index },
  });
}

export function save(ctx: ControllerContext, index: number, dir: string): void {
  const r = ctx.state.reader;
  if (!r?.message) return;
  const message = r.message;
  const target = expandHome(dir);
  void (async () => {
    try {
      const loader = ctx.opts.loader;
      const written = await ctx.track(
        'saving…',
        index === SOURCE && loader.saveSource ? loader.saveSource(message, target) : loader.saveAttachment(message, index, target),
      );
      lastDir(ctx).remember(written);
      ctx.notify(`Saved ${sanitizeLine(written)}`);
    } catch (err) {
      ctx.fail(err, 'Save failed');
    }
  })();
}

/** Tab in the save prompt: completes the path; several candidates are listed after the input. */
export function completeSaveDir(ctx: ControllerContext, o: Extract<Overlay, { kind: 'prompt' }>): void {
  void (async () => {
    const c = await completePath(o.value).catch(() => ({ value: o.value, candidates: [] as string[] }));
    // The user may have typed on or closed the prompt meanwhile: then this answer is stale.
    if (ctx.state.overlay !== o) return;
    const shown = c.candidates.slice(0, 20).map((n) => sanitizeLine(n));
    const hint = c.candidates.length === 0 ? undefined : `${shown.join('  ')}${c.candidates.length > shown.length ? '  …' : ''}`;
    ctx.post({ type: 'overlayShown', overlay: { ...o, value: sanitizeLine(c.value), ...(hint ? { hint } : { hint: undefined }) } });
  })();
}
