// The compose screens' behaviour, for the UI controller: start → editor → confirm screen
// (send / edit / attach / postpone / cancel) → result in the status bar. Drawing lives in
// src/ui/components/ComposeConfirm.tsx; this file holds no React and is tested without rendering.
import type { MailAccount } from '../accounts/account.js';
import type { Credentials } from '../auth/credentials.js';
import type { AccountConfig } from '../config/types.js';
import { sanitizeLine } from '../text/sanitize.js';
import { lastToken, withCandidate, type AddressCompleter } from './address-completion.js';
import { cannotSendReason, ComposeSession, type ComposeDeps, type ComposeKind, type OriginalRef } from './compose-session.js';
import type { MailAddress } from './draft.js';
import { DraftStore } from './draft-store.js';
import { findEditor, runEditor } from './editor.js';
import type { SmtpTimeouts } from './transport.js';
import type { TraceSink } from '../trace/types.js';

export interface ComposeHost {
  /** Runs `fn` with the terminal handed over (UI unmounted, normal screen), then redraws fully. */
  suspend<T>(fn: () => T | Promise<T>): Promise<T>;
  env: NodeJS.ProcessEnv;
  account(i: number): { config: AccountConfig; smtpCredentials: Credentials; dataDir: string } | undefined;
  smtpTimeouts?: Partial<SmtpTimeouts>;
  /** Where the SMTP conversation is traced (the trace pane's buffer). */
  trace?: TraceSink;
  /** Address completion (Tab in the To/Cc/Bcc prompts) and the seen-address record. */
  addresses?: AddressCompleter;
}

/** What a prompt on the confirm screen fills in. */
export type PromptField = 'attach' | 'to' | 'cc' | 'bcc';

export interface ComposeView {
  title: string;
  from: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  attachments: string[];
  /** Work in progress ("Sending…"); keys other than none are ignored meanwhile. */
  busy?: string;
  error?: string;
  prompt?: {
    label: string;
    value: string;
    field?: PromptField;
    /** Help after the value: the keys, or which completion candidate is shown. */
    hint?: string;
  };
  confirmDiscard?: boolean;
  /** A draft left by an earlier run (crash, closed terminal): resume it or start a new one? */
  resume?: string;
}

/** An answer on the compose screens (see ComposeFlow.command). */
export type ComposeCommand =
  | { kind: 'send' | 'edit' | 'askAttach' | 'askTo' | 'askCc' | 'askBcc' | 'switchIdentity' | 'postpone' | 'askDiscard' | 'close' }
  /** A draft was left: resume it (true) or start a new one. */
  | { kind: 'resume'; resume: boolean }
  /** The answer to "Discard this draft?". */
  | { kind: 'discard'; yes: boolean }
  /** Tab in a To/Cc/Bcc prompt: the first completion candidate, then the next on every further Tab. */
  | { kind: 'complete' }
  /** The open prompt's new value; `value` undefined closes it, `submit` applies it. */
  | { kind: 'prompt'; value?: string; submit?: boolean };

export interface ComposeCallbacks {
  setView(view: ComposeView | undefined): void;
  notify(text: string): void;
  fail(err: unknown, context?: string): void;
  account(i: number): Promise<MailAccount>;
  /** How account i's folder at server path `path` is named to the user (folder-names.ts); default: the path. */
  folderTitle?(account: number, path: string): string;
  /** After a successful send: refresh folders, show \Answered on the original. */
  afterSend(account: number, original?: OriginalRef): void;
}

const READING_DRAFT = 'Reading the draft…';
const TITLES: Record<ComposeKind, string> = { new: 'New message', reply: 'Reply', replyAll: 'Reply to all', forward: 'Forward', draft: 'Draft' };
const PROMPTS: Record<PromptField, { label: string; hint: string }> = {
  attach: { label: 'Attach file: ', hint: '(Enter adds, Esc cancels)' },
  to: { label: 'To: ', hint: '(Tab completes, Enter sets, Esc cancels)' },
  cc: { label: 'Cc: ', hint: '(Tab completes, Enter sets, Esc cancels)' },
  bcc: { label: 'Bcc: ', hint: '(Tab completes, Enter sets, Esc cancels)' },
};

/** Tab completion in progress: the candidates for the token after `head`, and which one is shown. */
interface Cycle {
  head: string;
  candidates: MailAddress[];
  index: number;
  /** The prompt value while this cycle is current; any other edit ends the cycle. */
  value: string;
}

export class ComposeFlow {
  private session?: ComposeSession;
  private accountIndex = 0;
  private view?: ComposeView;
  private pendingDeps?: ComposeDeps;
  private cycle?: Cycle;
  /** Bumped by every prompt edit, so a slow completion answer for older text is dropped. */
  private promptEdits = 0;

  constructor(
    private readonly host: ComposeHost,
    private readonly cb: ComposeCallbacks,
  ) {}

  get active(): boolean {
    return !!this.view;
  }

  async start(kind: ComposeKind, accountIndex: number, original?: OriginalRef): Promise<void> {
    const info = this.host.account(accountIndex);
    if (!info) return this.cb.notify('No account to write from');
    // Before the editor opens, and only here: a message that cannot be sent is not worth writing.
    const cannot = cannotSendReason(info.config);
    if (cannot) return this.cb.fail(cannot);
    this.accountIndex = accountIndex;
    try {
      const account = await this.cb.account(accountIndex);
      const deps = this.deps(account, info);
      if (kind === 'new') {
        const left = await deps.store.list();
        if (left.length) {
          this.pendingDeps = deps;
          return this.show({ title: TITLES[kind], resume: left.at(-1) });
        }
      }
      this.session = await ComposeSession.create(kind, deps, original);
    } catch (err) {
      return this.cb.fail(err, `Could not start the ${TITLES[kind].toLowerCase()}`);
    }
    // Ink is drawn again the moment the editor exits, before the draft is read back: say so
    // rather than show a confirm screen with empty fields.
    this.show({ title: TITLES[kind], busy: READING_DRAFT });
    await this.edit();
  }

  private async answerResume(resume: boolean): Promise<void> {
    const deps = this.pendingDeps!;
    const id = this.view!.resume!;
    this.pendingDeps = undefined;
    try {
      this.session = resume ? ComposeSession.resume(id, deps) : await ComposeSession.create('new', deps);
    } catch (err) {
      this.close();
      return this.cb.fail(err, 'Could not start the message');
    }
    this.show({ resume: undefined, busy: READING_DRAFT });
    await this.edit();
  }

  /**
   * What the user can do on the screens this flow shows. The UI maps keys to these through its
   * key table (ui/state/compose-keys.ts); nothing is done while the flow is busy.
   */
  command(c: ComposeCommand): void {
    const v = this.view;
    if (!v || v.busy) return;
    switch (c.kind) {
      case 'resume':
        if (v.resume) void this.answerResume(c.resume);
        return;
      case 'close':
        return this.close();
      case 'send':
        return void this.send();
      case 'edit':
        return void this.edit();
      case 'askAttach':
        return this.openPrompt('attach', '');
      case 'askTo':
        return this.openPrompt('to', v.to);
      case 'askCc':
        return this.openPrompt('cc', v.cc);
      case 'askBcc':
        return this.openPrompt('bcc', v.bcc);
      case 'switchIdentity':
        return void this.switchIdentity();
      case 'postpone':
        return void this.postpone();
      case 'askDiscard':
        return this.show({ confirmDiscard: true, error: undefined });
      case 'discard':
        if (c.yes) void this.discard();
        else this.show({ confirmDiscard: false });
        return;
      case 'complete':
        if (v.prompt) void this.complete();
        return;
      case 'prompt':
        if (v.prompt) this.promptAnswer(v.prompt, c.value, c.submit);
        return;
    }
  }

  /** The screen shown now (undefined when the flow is closed). */
  get current(): ComposeView | undefined {
    return this.view;
  }

  private openPrompt(field: PromptField, value: string): void {
    this.cycle = undefined;
    this.promptEdits++;
    this.show({ prompt: { label: PROMPTS[field].label, value, field, hint: PROMPTS[field].hint }, error: undefined });
  }

  private promptAnswer(p: NonNullable<ComposeView['prompt']>, value: string | undefined, submit?: boolean): void {
    const field = p.field ?? 'attach';
    this.cycle = undefined;
    this.promptEdits++;
    if (value === undefined) return this.show({ prompt: undefined });
    if (!submit) return this.show({ prompt: { ...p, value: sanitizeLine(value), hint: PROMPTS[field].hint } });
    this.show({ prompt: undefined });
    if (field === 'attach') {
      if (value.trim()) void this.attach(value.trim());
    } else {
      void this.setField(field, value.trim().replace(/,$/, ''));
    }
  }

  /** Tab: the first candidate for the token being typed, then the next one on every further Tab. */
  private async complete(): Promise<void> {
    const p = this.view?.prompt;
    if (!p?.field || p.field === 'attach') return;
    const c = this.cycle;
    if (c && c.value === p.value && c.candidates.length) {
      c.index = (c.index + 1) % c.candidates.length;
      return this.applyCandidate(c);
    }
    const completer = this.host.addresses;
    if (!completer) return this.show({ prompt: { ...p, hint: '(no address completion here)' } });
    const { head, token } = lastToken(p.value);
    if (!token) return this.show({ prompt: { ...p, hint: '(type the start of a name or address, then Tab)' } });
    const edits = ++this.promptEdits;
    this.show({ prompt: { ...p, hint: '(looking up…)' } });
    const found = await completer.complete(token);
    const now = this.view?.prompt;
    if (!now || edits !== this.promptEdits) return; // typed on, or left the prompt, meanwhile
    if (!found.candidates.length) {
      const why = found.warning ? `; ${sanitizeLine(found.warning)}` : '';
      return this.show({ prompt: { ...now, hint: `(no address found for "${sanitizeLine(token)}"${why})` } });
    }
    this.cycle = { head, candidates: found.candidates, index: 0, value: '' };
    this.applyCandidate(this.cycle, found.warning);
  }

  private applyCandidate(c: Cycle, warning?: string): void {
    const p = this.view!.prompt!;
    const value = withCandidate(c.head, c.candidates[c.index]!);
    c.value = value;
    const more = c.candidates.length > 1 ? `Tab ${c.index + 1}/${c.candidates.length}, ` : '';
    const note = warning ? `; ${sanitizeLine(warning)}` : '';
    this.show({ prompt: { ...p, value, hint: `(${more}Enter sets, Esc cancels${note})` } });
  }

  private deps(account: MailAccount, info: NonNullable<ReturnType<ComposeHost['account']>>): ComposeDeps {
    return {
      account,
      config: info.config,
      smtpCredentials: info.smtpCredentials,
      store: new DraftStore(`${info.dataDir}/drafts`),
      edit: async (file: string) => {
        const editor = findEditor(this.host.env);
        await this.host.suspend(() => runEditor(editor, file, this.host.env));
      },
      smtpTimeouts: this.host.smtpTimeouts,
      ...(this.host.trace ? { trace: this.host.trace } : {}),
      ...(this.host.addresses ? { addresses: this.host.addresses } : {}),
    };
  }

  private async edit(): Promise<void> {
    const s = this.session;
    if (!s) return;
    let error: string | undefined;
    try {
      await s.edit();
    } catch (err) {
      error = text(err);
    }
    await this.refresh(error);
  }

  /** Re-reads the draft file into the confirm screen. */
  private async refresh(error?: string): Promise<void> {
    const s = this.session;
    if (!s) return;
    try {
      const d = await s.draft();
      this.show({ from: d.from, to: d.to, cc: d.cc, bcc: d.bcc, subject: d.subject, attachments: d.attachments, error, busy: undefined });
    } catch (err) {
      this.show({ error: error ?? `${text(err)} — press e to fix it`, busy: undefined });
    }
  }

  private async setField(field: 'to' | 'cc' | 'bcc', value: string): Promise<void> {
    try {
      await this.session!.setField(field, value);
      await this.refresh();
    } catch (err) {
      this.show({ error: text(err) });
    }
  }

  private async switchIdentity(): Promise<void> {
    try {
      const out = await this.session!.switchIdentity();
      await this.refresh(out.signatureSwapped ? undefined : 'the signature was edited, so it was left as it is — press e to change it');
    } catch (err) {
      this.show({ error: text(err) });
    }
  }

  private async attach(path: string): Promise<void> {
    try {
      await this.session!.attach(path);
      await this.refresh();
    } catch (err) {
      this.show({ error: text(err) });
    }
  }

  private async send(): Promise<void> {
    const s = this.session!;
    this.show({ busy: 'Sending…', error: undefined });
    try {
      const out = await s.send();
      this.close();
      const where = out.sentFolder ? `, copy in ${sanitizeLine(this.folderTitle(out.sentFolder))}` : '';
      const msg = `Sent to ${out.recipients} recipient(s)${where}`;
      if (out.warnings.length) this.cb.fail(`${msg}, but ${out.warnings.join('; ')}`);
      else this.cb.notify(msg);
      this.cb.afterSend(this.accountIndex, s.original);
    } catch (err) {
      // Nothing sent: the draft file is untouched; s / e / p still work.
      this.show({ busy: undefined, error: `Not sent: ${text(err)} — the draft is kept; s to retry, e to edit, p to postpone` });
    }
  }

  private folderTitle(path: string): string {
    return this.cb.folderTitle?.(this.accountIndex, path) ?? path;
  }

  private async postpone(): Promise<void> {
    this.show({ busy: 'Saving to Drafts…', error: undefined });
    try {
      const folder = await this.session!.postpone();
      this.close();
      this.cb.notify(`Draft saved in ${sanitizeLine(this.folderTitle(folder))}`);
      this.cb.afterSend(this.accountIndex);
    } catch (err) {
      this.show({ busy: undefined, error: `Could not postpone: ${text(err)} (the draft is kept in ${this.session!.file})` });
    }
  }

  private async discard(): Promise<void> {
    await this.session?.discard().catch(() => undefined);
    this.close();
    this.cb.notify('Draft discarded');
  }

  private show(patch: Partial<ComposeView>): void {
    const base: ComposeView = this.view ?? { title: '', from: '', to: '', cc: '', bcc: '', subject: '', attachments: [] };
    this.view = { ...base, ...patch };
    this.cb.setView(this.view);
  }

  private close(): void {
    this.view = undefined;
    this.session = undefined;
    this.cb.setView(undefined);
  }
}

function text(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return sanitizeLine(m).trim() || 'unknown error';
}
