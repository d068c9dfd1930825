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
import type { AddressCompleter } from './address-completion.js';
import { addresses, checkDraft, emptyDraft, formatDraft, parseDraft, type Draft } from './draft.js';
import type { DraftStore } from './draft-store.js';
import { findIdentity, identitiesOf, identityOf, nextIdentity, replyIdentity } from './identity.js';
import { buildForward, buildReply } from './reply.js';
import { draftFromMessage } from './resume-draft.js';
import { addSignature, readSignature, swapSignature } from './signature.js';
import { sendRaw, type SmtpTimeouts } from './transport.js';
import type { TraceSink } from '../trace/types.js';

/** 'draft': a postponed draft from the Drafts folder, edited and sent (then removed from there). */
export type ComposeKind = 'new' | 'reply' | 'replyAll' | 'forward' | 'draft';

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
  /** Remembers the addresses of mail replied to and sent, for completion. */
  addresses?: AddressCompleter;
}

/** Said before the editor opens, so nobody writes a message that cannot be sent. */
export function cannotSendReason(config: AccountConfig): string | undefined {
  if (config.smtp) return undefined;
  // The words that matter first: a status line may cut the end (the help screen shows it whole).
  return `No "smtp" block: account ${config.name} cannot send mail; add one to it in config.json (README, "Writing mail")`;
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
  /** A draft resumed from the Drafts folder: its copy there is deleted once sent or postponed again. */
  replacesDraft = false;

  private constructor(
    readonly kind: ComposeKind,
    readonly id: string,
    readonly file: string,
    private readonly deps: ComposeDeps,
    readonly original?: OriginalRef,
  ) {}

  /** Builds the first draft (fetching the original for reply/forward) and writes it to disk. */
  static async create(kind: ComposeKind, deps: ComposeDeps, original?: OriginalRef): Promise<ComposeSession> {
    let identity = identitiesOf(deps.config)[0]!;
    const id = deps.store.newId();
    let draft: Draft;
    if (kind === 'new') {
      draft = emptyDraft(identity.from);
    } else {
      if (!original) throw new AccountError('not-found', 'no message selected');
      const raw = await readAll(await deps.account.fetchRaw(original.path, original.uid));
      if (kind === 'draft') {
        // Its signature is already in its text: nothing is added.
        await deps.store.ensure();
        draft = await draftFromMessage(raw, await saveParts(raw, await deps.store.partsDir(id)));
        const file = await deps.store.write(id, formatDraft(draft));
        const session = new ComposeSession(kind, id, file, deps, original);
        // Only a message in Drafts is consumed: any other one is a template ("edit as new") and stays.
        session.replacesDraft = (await deps.account.specialFolder?.('drafts').catch(() => undefined)) === original.path;
        return session;
      }
      const { parseMessage } = await import('../mime/index.js');
      const parsed = await parseMessage(raw);
      identity = replyIdentity(deps.config, parsed);
      const me = identityOf(deps.config, identity.from);
      await deps.addresses?.record([...parsed.from, ...parsed.to, ...parsed.cc].filter((a) => !me.addresses.includes(a.address.toLowerCase())));
      if (kind === 'forward') {
        await deps.store.ensure();
        draft = buildForward(parsed, me, await saveParts(raw, await deps.store.partsDir(id)));
      } else {
        draft = buildReply(parsed, kind, me);
      }
    }
    draft.body = addSignature(draft.body, await readSignature(identity));
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

  /**
   * Puts the account's next identity in From and swaps the signature. Returns the new From and
   * whether the signature could be swapped (false: the user had edited it, so it was left).
   */
  async switchIdentity(): Promise<{ from: string; signatureSwapped: boolean }> {
    const d = await this.draft();
    const next = nextIdentity(this.deps.config, d.from);
    const current = findIdentity(this.deps.config, d.from);
    const swap = swapSignature(d.body, current ? await readSignature(current) : '', await readSignature(next));
    d.from = next.from;
    d.body = swap.body;
    await this.deps.store.write(this.id, formatDraft(d));
    return { from: next.from, signatureSwapped: swap.replaced };
  }

  /** Sets To, Cc or Bcc (from the confirm screen's prompts); a bad address is refused, naming it. */
  async setField(field: 'to' | 'cc' | 'bcc', value: string): Promise<void> {
    addresses(value, field === 'to' ? 'To' : field === 'cc' ? 'Cc' : 'Bcc');
    const d = await this.draft();
    d[field] = value;
    await this.deps.store.write(this.id, formatDraft(d));
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
    const smtp = config.smtp;
    if (!smtp) throw new AccountError('config', cannotSendReason(config)!);
    const built = await buildMessage(checked);
    await sendRaw({
      smtp,
      accountName: config.name,
      credentials: this.deps.smtpCredentials,
      envelope: built.envelope,
      raw: built.wire,
      timeouts: this.deps.smtpTimeouts,
      ...(this.deps.trace ? { trace: this.deps.trace } : {}),
    });
    this.sent = true;
    await this.deps.addresses?.record([...checked.toList, ...checked.ccList, ...checked.bccList]);
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
    if (this.replacesDraft) {
      const left = await this.removeOldDraft();
      if (left) warnings.push(left);
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
    // Postponing a resumed draft again replaces its old copy rather than adding a second one.
    if (this.replacesDraft) await this.removeOldDraft();
    await this.deps.store.remove(this.id);
    return folder;
  }

  /**
   * Deletes the Drafts copy this session was resumed from: that one UID, for good (not to Trash);
   * on IMAP the no-foreign-expunge rule holds (src/accounts/imap/remove-messages.ts). Returns what
   * to tell the user when it stays.
   */
  private async removeOldDraft(): Promise<string | undefined> {
    const o = this.original!;
    try {
      const out = await this.deps.account.deleteMessages(o.path, [o.uid], { skipTrash: true });
      if (out?.result === 'left-deleted')
        return 'the old draft in Drafts is marked deleted but stays until the folder is expunged (another client marked messages there too)';
      return undefined;
    } catch (err) {
      return `the old draft could not be removed from Drafts (${message(err)})`;
    }
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
