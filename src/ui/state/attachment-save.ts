// `s` in the reader: pick an attachment, ask where, save it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sanitizeLine } from '../../mime/sanitize.js';
import type { ControllerContext } from './controller-context.js';

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
    ctx.store.set({
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
  ctx.store.set({
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
  const dir = ctx.opts.downloadDir ?? defaultDownloadDir();
  ctx.store.set({
    overlay: { kind: 'prompt', purpose: 'saveDir', label: 'Save to directory: ', value: dir, attachment: index },
  });
}

export function save(ctx: ControllerContext, index: number, dir: string): void {
  const r = ctx.state.reader;
  if (!r?.message) return;
  const message = r.message;
  const target = dir.startsWith('~/') ? join(homedir(), dir.slice(2)) : dir;
  void (async () => {
    try {
      const loader = ctx.opts.loader;
      const written = await ctx.track(
        'saving…',
        index === SOURCE && loader.saveSource ? loader.saveSource(message, target) : loader.saveAttachment(message, index, target),
      );
      ctx.notify(`Saved ${sanitizeLine(written)}`);
    } catch (err) {
      ctx.fail(err, 'Save failed');
    }
  })();
}
