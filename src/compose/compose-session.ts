// One message being written: new, reply, reply-all or forward. The draft file on disk is the
// truth (see draft-store.ts): every step reads it back, so nothing the user typed is lost when a
// send fails, and a retry sends exactly what is in the file. UI-independent: the UI supplies
// `edit` (which suspends the screen around the editor) and shows what these methods report.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { MailAccount } from '../accounts/account.js';
import type { Credentials } from '../auth/credentials.js';
import { AccountError, type Flag } from '../domain/index.js';
import type { AccountConfig } from '../config/types.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { buildMessage, checkAttachments } from './build-message.js';
import { checkDraft, emptyDraft, formatDraft, parseDraft, type Draft } from './draft.js';
import type { DraftStore } from './draft-store.js';
import { identityOf } from './identity.js';
import { buildForward, buildReply } from './reply.js';
import { sendRaw, type SmtpTimeouts } from './transport.js';
import type { TraceSink } from '../trace/types.js';

export type ComposeKind = 'new' | 'reply' | 'replyAll' | 'forward';

export interface OriginalRef {
  path: string;
  uid: number;
}

export interface ComposeDeps {
  account: MailAccount;
  config: AccountConfig;
  /** How to sign in to the SMTP server (auth/provider.ts smtpCredentials). */
  smtpCredentials: Credentials;
  store: DraftStore;
  /** Runs the editor on the draft file (the UI hands the terminal over around it). */
  edit: (file: string) => Promise<void>;
  smtpTimeouts?: Partial<SmtpTimeouts>;
  /** The trace pane / --trace: the SMTP conversation goes there too. */
  trace?: TraceSink;
}

export interface SendOutcome {
  recipients: number;
  /** Folder the Sent copy went to; undefined when saving it failed (see warnings). */
  sentFolder?: string;
  /** Things that went wrong after the message left (it was sent; do not send again). */
  warnings: string[];
}

export class ComposeSession {
  /** Set once the SMTP server accepted the message: a second send() would send it twice. */
  sent = false;

  private constructor(
    readonly kind: ComposeKind,
    readonly id: string,
    readonly file: string,
    private readonly deps: ComposeDeps,
    readonly original?: OriginalRef,
  ) {}

  /** Builds the first draft (fetching the original for reply/forward) and writes it to disk. */
  static async create(kind: ComposeKind, deps: ComposeDeps, original?: OriginalRef): Promise<ComposeSession> {
    const me = identityOf(deps.config);
    const id = deps.store.newId();
    let draft: Draft = emptyDraft(me.from);
    if (kind !== 'new') {
      if (!original) throw new AccountError('not-found', 'no message selected');
      const raw = await readAll(await deps.account.fetchRaw(original.path, original.uid));
      const { parseMessage } = await import('../mime/index.js');
      const parsed = await parseMessage(raw);
      if (kind === 'forward') {
        await deps.store.ensure();
        draft = buildForward(parsed, me, await saveParts(raw, await deps.store.partsDir(id)));
      } else {
        draft = buildReply(parsed, kind, me);
      }
    }
    const file = await deps.store.write(id, formatDraft(draft));
    return new ComposeSession(kind, id, file, deps, kind === 'new' ? undefined : original);
  }

  /** Picks up a draft left from an earlier run. */
  static resume(id: string, deps: ComposeDeps): ComposeSession {
    return new ComposeSession('new', id, deps.store.file(id), deps);
  }

  /** The draft as it is on disk now; throws DraftError when the text cannot be understood. */
  async draft(): Promise<Draft> {
    return parseDraft(await this.deps.store.read(this.id));
  }

  async edit(): Promise<void> {
    await this.deps.edit(this.file);
  }

  async attach(path: string): Promise<void> {
    const full = path.startsWith('~/') ? join(homedir(), path.slice(2)) : resolve(path);
    await checkAttachments([full]);
    const d = await this.draft();
    if (!d.attachments.includes(full)) d.attachments.push(full);
    await this.deps.store.write(this.id, formatDraft(d));
  }

  async send(): Promise<SendOutcome> {
    if (this.sent) throw new AccountError('protocol', 'this message was already sent');
    const { config, account } = this.deps;
    const checked = checkDraft(await this.draft());
    if (!config.smtp) {
      throw new AccountError('config', `account ${config.name} has no "smtp" block in config.json, so it cannot send (the draft is kept)`);
    }
    const built = await buildMessage(checked);
    await sendRaw({
      smtp: config.smtp,
      accountName: config.name,
      credentials: this.deps.smtpCredentials,
      envelope: built.envelope,
      raw: built.wire,
      timeouts: this.deps.smtpTimeouts,
      ...(this.deps.trace ? { trace: this.deps.trace } : {}),
    });
    this.sent = true;
    const warnings: string[] = [];
    let sentFolder: string | undefined;
    try {
      sentFolder = await storeWithRetry(account, 'sent', built.copy, ['\\Seen']);
    } catch (err) {
      // The mail is gone; keep its copy on disk so the user can still file it.
      const kept = join(this.deps.store.dir, `${this.id}.sent-copy.eml`);
      await writeFileAtomic(kept, built.copy).catch(() => undefined);
      warnings.push(`the Sent copy could not be saved (${message(err)}); it is in ${kept}`);
    }
    if (this.original && (this.kind === 'reply' || this.kind === 'replyAll')) {
      try {
        await account.addFlags(this.original.path, [this.original.uid], ['\\Answered']);
      } catch (err) {
        warnings.push(`the original could not be marked answered (${message(err)})`);
      }
    }
    await this.deps.store.remove(this.id).catch(() => undefined);
    return { recipients: built.envelope.to.length, sentFolder, warnings };
  }

  /** Saves the draft in the account's Drafts folder (\Draft) and removes the local file. */
  async postpone(): Promise<string> {
    const { account } = this.deps;
    if (!account.appendMessage || !account.specialFolder) throw new AccountError('protocol', 'this account cannot store drafts');
    const d = await this.draft();
    // A draft may be incomplete: only the addresses that are there are checked.
    const checked = checkDraft({ ...d, to: d.to || d.cc || d.bcc ? d.to : 'undisclosed-recipients@invalid' });
    if (!d.to && !d.cc && !d.bcc) checked.toList = [];
    const built = await buildMessage(checked);
    const folder = await storeWithRetry(account, 'drafts', built.copy, ['\\Draft', '\\Seen']);
    await this.deps.store.remove(this.id);
    return folder;
  }

  async discard(): Promise<void> {
    await this.deps.store.remove(this.id);
  }
}

/**
 * Finds the folder and appends. The backend reconnects by itself when it knows the connection is
 * gone; a connection that died silently during a long edit (NAT or firewall timeout) only shows
 * as an operation with no answer, which fails with a network error and a reconnect: then one more
 * try. A rare duplicate copy beats a lost one.
 */
async function storeWithRetry(account: MailAccount, use: 'sent' | 'drafts', raw: Buffer, flags: Flag[]): Promise<string> {
  if (!account.appendMessage || !account.specialFolder) throw new AccountError('protocol', 'this account cannot store messages');
  const attempt = async () => {
    const folder = await account.specialFolder!(use);
    await account.appendMessage!(folder, raw, flags);
    return folder;
  };
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof AccountError) || err.kind !== 'network') throw err;
    return attempt();
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Writes the original's attachments into `dir` for a forward; returns their paths. */
async function saveParts(raw: Buffer, dir: string): Promise<string[]> {
  const { simpleParser } = await import('mailparser');
  const { sanitizeFilename } = await import('../mime/index.js');
  const parsed = await simpleParser(raw);
  const used = new Set<string>();
  const out: string[] = [];
  for (const [i, a] of parsed.attachments.entries()) {
    if (a.related) continue; // images of an HTML body, not files the sender attached
    let name = sanitizeFilename(a.filename ?? '') || `attachment-${i + 1}`;
    while (used.has(name.toLowerCase())) name = `${i + 1}-${name}`;
    used.add(name.toLowerCase());
    const path = join(dir, name);
    await writeFileAtomic(path, a.content);
    out.push(path);
  }
  return out;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
