// An in-memory MailAccount for UI tests: folders of any size whose summaries are generated on
// demand from their position, so a 100,000-message INBOX costs nothing until a window is asked for.
import { Readable } from 'node:stream';
import type {
  AccountCapabilities,
  AccountEvent,
  AccountEventListener,
  CopyOutcome,
  MailAccount,
  RemovalOutcome,
  SyncProgress,
  SyncResult,
} from '../../src/accounts/account.js';
import type { Flag, FolderInfo, MessageSummary, OpenedFolder, SearchQuery } from '../../src/domain/index.js';
import { AccountError } from '../../src/domain/index.js';
import { matches, queryToNode } from '../../src/search/index.js';

interface FakeFolder {
  path: string;
  total: number;
  specialUse?: FolderInfo['specialUse'];
  removed: Set<number>;
}

export interface FakeOptions {
  name?: string;
  protocol?: 'imap' | 'pop3';
  inboxSize?: number;
  /** Subjects to use instead of the generated one, by UID. */
  subjects?: Map<number, string>;
  /** Folder names to use instead of the defaults. */
  extraFolders?: string[];
}

export class FakeAccount implements MailAccount {
  readonly name: string;
  readonly protocol: 'imap' | 'pop3';
  readonly capabilities: AccountCapabilities;
  readonly windowCalls: { path: string; start: number; count: number }[] = [];
  readonly flagCalls: { op: 'add' | 'remove'; path: string; uids: number[]; flags: Flag[] }[] = [];
  readonly moved: { uid: number; to: string }[] = [];
  readonly deleted: number[] = [];
  /** Make addFlags/removeFlags reject, as a server saying NO would. */
  refuseFlags = false;
  /** Hold connect() until release() is called. */
  connectGate?: Promise<void>;
  syncCalls = 0;
  private flags = new Map<string, Set<Flag>>();
  private listeners = new Set<AccountEventListener>();
  private folders: FakeFolder[];
  private subjects: Map<number, string>;
  /** Subjects of appended messages, by `folder:uid` (generated messages have none). */
  private appended = new Map<string, string>();

  constructor(opts: FakeOptions = {}) {
    this.name = opts.name ?? 'fake';
    this.protocol = opts.protocol ?? 'imap';
    this.capabilities = {
      serverFlags: this.protocol === 'imap',
      serverFolders: this.protocol === 'imap',
      serverSearch: this.protocol === 'imap',
      push: false,
      mailLocation: this.protocol === 'imap' ? 'server' : 'local',
      downloadsMail: this.protocol === 'pop3',
      sortOrders: ['arrival'],
    };
    this.subjects = opts.subjects ?? new Map();
    this.folders = [
      { path: 'INBOX', total: opts.inboxSize ?? 100_000, specialUse: 'inbox', removed: new Set() },
      ...(opts.extraFolders ?? ['Archive', 'Archive/2024']).map((p) => ({ path: p, total: 10, removed: new Set<number>() })),
      { path: 'Trash', total: 0, specialUse: 'trash', removed: new Set() },
    ];
    if (this.protocol === 'pop3') {
      (this as { sync?: MailAccount['sync'] }).sync = async (onProgress?: (p: SyncProgress) => void): Promise<SyncResult> => {
        this.syncCalls++;
        onProgress?.({ done: 1, total: 2, bytes: 10 });
        return { downloaded: 2, deletedOnServer: 0, keptOnServer: 0, bytes: 20, usedHeaderHashFallback: false };
      };
    }
  }

  private folder(path: string): FakeFolder {
    const f = this.folders.find((x) => x.path === path);
    if (!f) throw new AccountError('not-found', `no folder ${path}`);
    return f;
  }

  /** UIDs of a folder newest first, skipping removed ones (only small folders remove anything). */
  private uidAt(f: FakeFolder, pos: number): number | undefined {
    if (f.removed.size === 0) return pos < f.total ? f.total - pos : undefined;
    const live = [];
    for (let u = f.total; u >= 1; u--) if (!f.removed.has(u)) live.push(u);
    return live[pos];
  }

  private count(f: FakeFolder): number {
    return f.total - f.removed.size;
  }

  flagsOf(path: string, uid: number): Set<Flag> {
    const key = `${path}:${uid}`;
    let s = this.flags.get(key);
    if (!s) {
      s = new Set(uid % 3 === 0 ? [] : ['\\Seen']);
      this.flags.set(key, s);
    }
    return s;
  }

  summary(path: string, uid: number): MessageSummary {
    return {
      uid,
      flags: [...this.flagsOf(path, uid)],
      date: new Date(Date.UTC(2024, 0, 1) + uid * 60_000),
      from: [{ name: `Sender ${uid % 97}`, address: `s${uid % 97}@example.org` }],
      to: [{ name: 'Me', address: 'me@example.org' }],
      cc: [],
      subject: this.subjectOf(path, uid),
      size: 1000 + uid,
      hasAttachments: uid % 10 === 0,
      location: this.protocol === 'imap' ? { kind: 'server' } : { kind: 'local', onServer: false },
    };
  }

  async connect(): Promise<void> {
    if (this.connectGate) await this.connectGate;
  }
  async close(): Promise<void> {}

  async listFolders(): Promise<FolderInfo[]> {
    return this.folders.map((f) => {
      let unread = 0;
      if (f.total <= 1000) {
        for (let u = 1; u <= f.total; u++) if (!f.removed.has(u) && !this.flagsOf(f.path, u).has('\\Seen')) unread++;
      } else {
        unread = Math.floor(f.total / 3);
      }
      return {
        path: f.path,
        name: f.path.split('/').pop()!,
        delimiter: '/',
        specialUse: f.specialUse,
        selectable: true,
        total: this.count(f),
        unread,
      };
    });
  }

  async openFolder(path: string): Promise<OpenedFolder> {
    const f = this.folder(path);
    const info = (await this.listFolders()).find((x) => x.path === path)!;
    return { path, uidValidity: 1n, uidValidityChanged: false, total: this.count(f), unread: info.unread };
  }

  async fetchWindow(path: string, start: number, count: number): Promise<MessageSummary[]> {
    this.windowCalls.push({ path, start, count });
    const f = this.folder(path);
    const out: MessageSummary[] = [];
    for (let p = start; p < start + count; p++) {
      const uid = this.uidAt(f, p);
      if (uid === undefined) break;
      out.push(this.summary(path, uid));
    }
    return out;
  }

  unreadPositionCalls = 0;
  /** Arrival order only, like fetchWindow. */
  async unreadPositions(path: string): Promise<number[]> {
    this.unreadPositionCalls++;
    const f = this.folder(path);
    const out: number[] = [];
    for (let p = 0; p < this.count(f); p++) {
      const uid = this.uidAt(f, p);
      if (uid !== undefined && !this.flagsOf(path, uid).has('\\Seen')) out.push(p);
    }
    return out;
  }

  private subjectOf(path: string, uid: number): string {
    return this.appended.get(`${path}:${uid}`) ?? this.subjects.get(uid) ?? `Message number ${uid}`;
  }

  /** Appends as the newest message of `path`; keeps its Subject and flags. */
  async appendMessage(path: string, raw: Buffer, flags: Flag[]): Promise<void> {
    const f = this.folder(path);
    f.total += 1;
    const subject = /^Subject:[ \t]*(.*)$/im.exec(raw.toString('latin1'))?.[1]?.trim() ?? '';
    this.appended.set(`${path}:${f.total}`, subject);
    this.flags.set(`${path}:${f.total}`, new Set(flags));
    this.emit({ type: 'exists', folder: path, total: this.count(f) });
  }

  async specialFolder(use: 'sent' | 'drafts'): Promise<string> {
    const path = use === 'sent' ? 'Sent' : 'Drafts';
    if (!this.folders.some((f) => f.path === path)) this.folders.push({ path, total: 0, specialUse: use, removed: new Set() });
    return path;
  }

  async fetchSummaries(path: string, uids: number[]): Promise<MessageSummary[]> {
    const f = this.folder(path);
    return uids.filter((u) => u >= 1 && u <= f.total && !f.removed.has(u)).map((u) => this.summary(path, u));
  }

  async fetchRaw(path: string, uid: number): Promise<Readable> {
    const s = this.summary(path, uid);
    const raw = [
      `From: "${s.from[0]!.name}" <${s.from[0]!.address}>`,
      'To: Me <me@example.org>',
      'Cc: Other <other@example.org>',
      `Subject: ${s.subject}`,
      `Date: ${s.date.toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mix"',
      '',
      '--mix',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Plain body of message ${uid}.`,
      ...Array.from({ length: 60 }, (_, i) => `Line ${i + 1} of the body.`),
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<p>HTML body of message ${uid}</p>`,
      '--alt--',
      '--mix',
      'Content-Type: application/pdf; name="report.pdf"',
      'Content-Disposition: attachment; filename="report.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 fake').toString('base64'),
      '--mix--',
      '',
    ].join('\r\n');
    return Readable.from([Buffer.from(raw)]);
  }

  async addFlags(path: string, uids: number[], flags: Flag[]): Promise<void> {
    this.flagCalls.push({ op: 'add', path, uids, flags });
    if (this.refuseFlags) throw new AccountError('protocol', 'server said NO [CANNOT] read-only mailbox');
    for (const u of uids) for (const fl of flags) this.flagsOf(path, u).add(fl);
  }

  async removeFlags(path: string, uids: number[], flags: Flag[]): Promise<void> {
    this.flagCalls.push({ op: 'remove', path, uids, flags });
    if (this.refuseFlags) throw new AccountError('protocol', 'server said NO');
    for (const u of uids) for (const fl of flags) this.flagsOf(path, u).delete(fl);
  }

  async deleteMessages(path: string, uids: number[], options?: { skipTrash?: boolean }): Promise<RemovalOutcome | undefined> {
    // Outside Trash a delete moves there, as whereDeleteGoes says (so it can be undone).
    const trash = options?.skipTrash ? null : await this.whereDeleteGoes(path);
    const copies = trash ? (await this.copyMessages(path, uids, trash)).copies : [];
    for (const u of uids) {
      this.folder(path).removed.add(u);
      this.deleted.push(u);
    }
    return trash ? { result: 'moved', destination: trash, copies } : { result: 'expunged' };
  }

  /** Where a real backend would put a deleted message: its listed Trash, unless already there. */
  async whereDeleteGoes(path: string): Promise<string | null> {
    const trash = (await this.listFolders()).find((f) => f.specialUse === 'trash');
    return trash && trash.path !== path ? trash.path : null;
  }

  async moveMessages(path: string, uids: number[], destination: string): Promise<RemovalOutcome | undefined> {
    const { copies } = await this.copyMessages(path, uids, destination);
    for (const u of uids) {
      this.folder(path).removed.add(u);
      this.moved.push({ uid: u, to: destination });
    }
    return { result: 'moved', destination, copies };
  }

  async copyMessages(path: string, uids: number[], destination: string): Promise<CopyOutcome> {
    this.folder(path);
    const dest = this.folder(destination);
    const copies = uids
      .filter((u) => !this.folder(path).removed.has(u))
      .map((from) => {
        dest.total += 1;
        this.flags.set(`${destination}:${dest.total}`, new Set(this.flagsOf(path, from)));
        this.appended.set(`${destination}:${dest.total}`, this.subjectOf(path, from));
        return { from, to: dest.total };
      });
    return { destination, copies };
  }

  async search(path: string, query: SearchQuery): Promise<number[]> {
    const f = this.folder(path);
    const text = (query.text ?? '').toLowerCase();
    const subject = query.subject?.toLowerCase();
    const out: number[] = [];
    if (query.expression) {
      const node = queryToNode(query);
      for (let u = f.total; u >= 1; u--) if (!f.removed.has(u) && matches(node, { summary: this.summary(path, u) })) out.push(u);
      return out;
    }
    // Searching 100k generated subjects is cheap enough for a test.
    for (let u = f.total; u >= 1; u--) {
      if (f.removed.has(u)) continue;
      const s = this.subjectOf(path, u).toLowerCase();
      if (!s.includes(text) || (subject !== undefined && !s.includes(subject))) continue;
      if (query.flagged && !this.flagsOf(path, u).has('\\Flagged')) continue;
      if (query.unseen && this.flagsOf(path, u).has('\\Seen')) continue;
      out.push(u);
    }
    return out;
  }

  onEvent(listener: AccountEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: AccountEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Simulates new mail arriving in INBOX. */
  deliver(n: number): void {
    const f = this.folder('INBOX');
    f.total += n;
  }
}
