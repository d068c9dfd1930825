// Open bytes from a message (an attachment, the HTML part) in another program: written to a
// private temp file (private-temp.ts) under the name the mailcap entry asks for, opened by
// planOpen/runOpen, and removed afterwards: when a terminal program exits, or `keepMs` after a
// detached program started (it reads the file after its own start-up), and at tmail's exit.
import { applyNameTemplate, findEntry, loadMailcap, type MailcapEntry } from './mailcap.js';
import { planOpen, runOpen, type OpenPlan, type OpenResult } from './open-file.js';
import { writePrivateTemp } from './private-temp.js';

export interface OpenedContent extends OpenResult {
  plan: OpenPlan;
  file: string;
}

export interface OpenContentOptions {
  entries?: readonly MailcapEntry[];
  /** How long a file handed to a detached program is kept; default 2 minutes. */
  keepMs?: number;
  tmpRoot?: string;
  /** Runs the plan (tests replace it); default runOpen. */
  run?: (plan: OpenPlan) => Promise<OpenResult>;
  /** Called before a program that needs the terminal starts (the UI gives up the screen)… */
  beforeTerminal?: () => Promise<void> | void;
  /** …and after it exited (the UI takes the screen back), even when it failed. */
  afterTerminal?: () => Promise<void> | void;
}

/** Resolves when a terminal program exits, or as soon as a detached one has started. */
export async function openContent(content: { bytes: Buffer; filename: string; contentType: string }, options: OpenContentOptions = {}): Promise<OpenedContent> {
  const entries = options.entries ?? loadMailcap();
  // The name first (a nametemplate such as %s.pdf matters to programs that go by extension).
  const entry = findEntry(entries, content.contentType, '/dev/null', { interactive: true, runTest: () => true });
  const temp = await writePrivateTemp(applyNameTemplate(entry, content.filename), content.bytes, options.tmpRoot);
  const plan = planOpen(temp.file, content.contentType, { entries });
  const run = options.run ?? runOpen;
  let result: OpenResult;
  if (plan.needsTerminal) {
    await options.beforeTerminal?.();
    try {
      result = await run(plan);
    } finally {
      await options.afterTerminal?.();
    }
  } else {
    result = await run(plan);
  }
  if (plan.needsTerminal || result.error) await temp.remove();
  else temp.removeAfter(options.keepMs ?? 120_000);
  return { ...result, plan, file: temp.file };
}
