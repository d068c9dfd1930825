// Handing a message to other programs (src/handoff): `O` opens an attachment with the system
// handler, `W` shows the HTML part in the browser, `U` lists the body's links, `|` pipes the
// message to a shell command. They act on the open message or on the row under the list cursor
// (handoff-target.ts). A program that needs the terminal gets it through the controller's
// `handoff.suspend` (Ink steps aside, as for the compose editor).
import { extractUrls } from '../../handoff/urls.js';

/** Opening and piping (mailcap, which needs libmime) load on first use, not with the first frame. */
const handoff = () => import('../../handoff/index.js');
import { sanitizeLine } from '../../text/sanitize.js';
import type { ControllerContext } from './controller-context.js';
import { currentHandoffMessage, handoffTarget, withHandoffMessage } from './handoff-target.js';
import { tell } from './tell.js';

/** openContent's before/after hooks as one suspend(fn) span of the terminal session. */
function terminalHooks(ctx: ControllerContext) {
  const suspend = ctx.opts.handoff?.suspend;
  let release: (() => void) | undefined;
  let span: Promise<unknown> | undefined;
  return {
    beforeTerminal: () =>
      new Promise<void>((entered) => {
        if (!suspend) return entered();
        span = suspend(() => {
          entered();
          return new Promise<void>((r) => (release = r));
        });
      }),
    afterTerminal: async () => {
      release?.();
      await span;
    },
  };
}

export function startOpenAttachment(ctx: ControllerContext): void {
  withHandoffMessage(ctx, (message) => pickAttachment(ctx, message.attachments));
}

function pickAttachment(ctx: ControllerContext, attachments: { filename: string; contentType: string }[]): void {
  const atts = attachments;
  if (atts.length === 0) return tell(ctx, 'This message has no attachments');
  if (atts.length === 1) return openAttachment(ctx, 0);
  ctx.post({
    type: 'overlayShown',
    overlay: {
      kind: 'picker',
      purpose: 'openAttachment',
      title: 'Open which attachment?',
      items: atts.map((a, i) => ({ label: `${a.filename} (${a.contentType})`, value: String(i) })),
      cursor: 0,
    },
  });
}

function handOver(ctx: ControllerContext, which: number | 'html', none: string): void {
  const loader = ctx.opts.loader;
  if (!loader.content) return tell(ctx, 'Opening parts is not available here');
  void (async () => {
    try {
      const message = await currentHandoffMessage(ctx);
      if (!message) return;
      if (typeof which === 'number' && !message.attachments[which])
        return tell(ctx, `No attachment ${which + 1} (this message has ${message.attachments.length})`);
      const content = await ctx.track('opening…', loader.content!(message, which));
      if (!content) return tell(ctx, none);
      const opened = await (await handoff()).openContent(content, { ...terminalHooks(ctx), ...(ctx.opts.handoff?.run ? { run: ctx.opts.handoff.run } : {}) });
      if (opened.error) return tell(ctx, sanitizeLine(opened.error));
      tell(ctx, `Opened ${sanitizeLine(content.filename)} with ${sanitizeLine(opened.plan.via)}`);
    } catch (err) {
      ctx.fail(err, 'Could not open it');
    }
  })();
}

export function openAttachment(ctx: ControllerContext, index: number): void {
  handOver(ctx, index, 'That attachment is gone');
}

export function viewHtml(ctx: ControllerContext): void {
  handOver(ctx, 'html', 'This message has no HTML part');
}

export function openUrlPicker(ctx: ControllerContext): void {
  withHandoffMessage(ctx, (message) => pickUrl(ctx, message.text));
}

function pickUrl(ctx: ControllerContext, text: string): void {
  const urls = extractUrls(text, { maxShown: Math.max(20, ctx.state.cols - 12) });
  if (urls.length === 0) return tell(ctx, 'No links in this message');
  const width = String(urls.length).length;
  ctx.post({
    type: 'overlayShown',
    overlay: {
      kind: 'picker',
      purpose: 'url',
      title: 'Open which link?',
      items: urls.map((u, i) => ({ label: `${String(i + 1).padStart(width)}  ${u.shown}`, value: u.url })),
      cursor: 0,
    },
  });
}

export function openUrl(ctx: ControllerContext, url: string): void {
  void (async () => {
    const { planOpenUrl, runOpen } = await handoff();
    const run = ctx.opts.handoff?.run ?? runOpen;
    const result = await run(planOpenUrl(url));
    if (result.error) tell(ctx, sanitizeLine(result.error));
    else tell(ctx, `Opened ${sanitizeLine(url).slice(0, 80)}`);
  })();
}

/** `attachment`: pipe that part (decoded) instead of the raw message (`|` in the `O` picker). */
export function askPipe(ctx: ControllerContext, attachment?: number, label?: string): void {
  if (!handoffTarget(ctx)) return;
  ctx.post({
    type: 'overlayShown',
    overlay: { kind: 'prompt', purpose: 'pipe', label: label ?? 'Pipe message to: ', value: '', ...(attachment === undefined ? {} : { attachment }) },
  });
}

/** `|` in the `O` picker: the highlighted part. */
export function askPipePart(ctx: ControllerContext, attachment: number): void {
  withHandoffMessage(ctx, (message) => {
    const part = message.attachments[attachment];
    if (part) askPipe(ctx, attachment, `Pipe ${part.filename} to: `);
  });
}

/**
 * mutt's pipe-message: the command gets the terminal (the mail screen steps aside, as for the
 * editor), so `| less` pages the message; "Press any key" waits before the mail screen returns.
 * Where no terminal can be handed over (tests, a host without it) the output is captured: its
 * last line and the exit status go to the status bar.
 */
export function pipeMessage(ctx: ControllerContext, command: string, attachment?: number): void {
  if (command.trim() === '') return;
  const loader = ctx.opts.loader;
  if (attachment === undefined ? !loader.rawStream : !loader.content) return tell(ctx, 'Piping is not available here');
  void (async () => {
    try {
      const message = await currentHandoffMessage(ctx);
      if (!message) return;
      const part = attachment === undefined ? undefined : await loader.content!(message, attachment);
      if (attachment !== undefined && !part) return tell(ctx, `No attachment ${attachment + 1} (this message has ${message.attachments.length})`);
      const source = part ? part.bytes : await loader.rawStream!(message);
      const { pipeToCommand } = await handoff();
      const terminal = ctx.opts.handoff;
      if (terminal?.suspend) {
        const result = await terminal.suspend(async () => {
          const r = await pipeToCommand(command, source, { stdout: 'inherit', stderr: 'inherit' });
          await terminal.pressAnyKey?.(`${r.summary}\r\nPress any key to return to tmail`);
          return r;
        });
        if (result.exitCode === 0) tell(ctx, result.summary);
        else ctx.post({ type: 'failed', error: result.summary });
        return;
      }
      const result = await ctx.track('piping…', pipeToCommand(command, source, { stdout: 'capture' }));
      const out = (result.stdout?.toString('utf8') ?? '')
        .split(/\r?\n/)
        .map((l) => sanitizeLine(l).trim())
        .filter(Boolean)
        .at(-1);
      // The command's answer first: a long command line is what a narrow status bar cuts.
      if (result.exitCode === 0) tell(ctx, out ? `${out} (${result.summary})` : result.summary);
      else ctx.post({ type: 'failed', error: result.summary });
    } catch (err) {
      ctx.fail(err, 'Pipe failed');
    }
  })();
}
