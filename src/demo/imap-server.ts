// The demo's IMAP4rev1 server (a subset: what imapflow, curl and common clients use) over the
// shared DemoMailStore. Loopback only; one user. Never used for real accounts: it exists so
// `tmail --demo` can show what an IMAP server does with state (flags live here, for everyone).
import type { Socket } from 'node:net';
import { listenOnLoopback, type LoopbackListener } from './loopback-listener.js';
import { CommandReader, text, tokenize, type CommandPart, type Token } from './imap-tokens.js';
import { fetchResponse, FetchError, parseFetchItems } from './imap-fetch.js';
import { compileSearch, SearchError } from './imap-search.js';
import { flagList, parseSet } from './imap-values.js';
import type { DemoFolder, DemoMailStore, StoredMessage } from './mail-store.js';

const CAPS = 'IMAP4rev1 LITERAL+ AUTH=PLAIN IDLE UIDPLUS MOVE SPECIAL-USE ID UNSELECT';
const PERMANENT = '\\Seen \\Answered \\Flagged \\Deleted \\Draft';

export interface DemoCredentials {
  user: string;
  password: string;
}

interface Selected {
  folder: DemoFolder;
  readOnly: boolean;
  /** The session's view: UIDs in sequence order, and the flags last reported for each. */
  uids: number[];
  flags: Map<number, string>;
}

class BadCommand extends Error {}

class ImapSession {
  private readonly reader = new CommandReader();
  private authed = false;
  private selected: Selected | undefined;
  private idleTag: string | undefined;
  private saslTag: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly onChange = () => {
    if (this.idleTag) this.flushUpdates(true);
  };

  constructor(
    private readonly socket: Socket,
    private readonly store: DemoMailStore,
    private readonly creds: DemoCredentials,
  ) {
    store.on('change', this.onChange);
    socket.on('close', () => store.off('change', this.onChange));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    this.send(`* OK [CAPABILITY ${CAPS}] tmail demo IMAP server ready`);
    socket.on('data', (chunk: Buffer) => {
      let commands: CommandPart[][];
      try {
        commands = this.reader.push(chunk, () => this.send('+ Ready for literal data'));
      } catch {
        this.send('* BYE input too large');
        socket.destroy();
        return;
      }
      for (const c of commands) this.queue = this.queue.then(() => this.handle(c));
    });
  }

  private send(line: string | Buffer[]): void {
    if (this.socket.destroyed) return;
    if (typeof line === 'string') this.socket.write(`${line}\r\n`);
    else for (const b of line) this.socket.write(b);
  }

  private async handle(parts: CommandPart[]): Promise<void> {
    if (this.idleTag) {
      if (text(tokenize(parts)[0]).toUpperCase() === 'DONE') {
        this.send(`${this.idleTag} OK IDLE terminated`);
        this.idleTag = undefined;
      } else this.send('* BAD expected DONE');
      return;
    }
    if (this.saslTag) {
      const tag = this.saslTag;
      this.saslTag = undefined;
      return this.finishPlain(tag, text(tokenize(parts)[0]));
    }
    const tokens = tokenize(parts);
    const tag = text(tokens[0]);
    if (!tag || Array.isArray(tokens[0])) return this.send('* BAD missing tag');
    let command = text(tokens[1]).toUpperCase();
    let args = tokens.slice(2);
    let uid = false;
    if (command === 'UID') {
      uid = true;
      command = text(args[0]).toUpperCase();
      args = args.slice(1);
    }
    try {
      // Pending changes by other sessions (or POP3) go out before this command's answer; EXPUNGE
      // is not allowed during FETCH/STORE/SEARCH by sequence number (RFC 3501 §7.4.1).
      if (this.selected && command !== 'LOGOUT') this.flushUpdates(uid || !['FETCH', 'STORE', 'SEARCH'].includes(command));
      await this.dispatch(tag, command, args, uid);
    } catch (err) {
      if (err instanceof BadCommand || err instanceof FetchError || err instanceof SearchError) this.send(`${tag} BAD ${err.message}`);
      else this.send(`${tag} NO internal error`);
    }
  }

  private needAuth(): void {
    if (!this.authed) throw new BadCommand('log in first');
  }

  private needSelected(): Selected {
    this.needAuth();
    if (!this.selected) throw new BadCommand('select a mailbox first');
    return this.selected;
  }

  private async dispatch(tag: string, command: string, args: Token[], uid: boolean): Promise<void> {
    switch (command) {
      case 'CAPABILITY':
        this.send(`* CAPABILITY ${CAPS}`);
        return this.send(`${tag} OK CAPABILITY completed`);
      case 'NOOP':
      case 'CHECK':
        if (this.selected) this.flushUpdates(true);
        return this.send(`${tag} OK ${command} completed`);
      case 'LOGOUT':
        this.send('* BYE logging out');
        this.send(`${tag} OK LOGOUT completed`);
        this.socket.end();
        return;
      case 'ID':
        this.send('* ID ("name" "tmail-demo")');
        return this.send(`${tag} OK ID completed`);
      case 'ENABLE':
        this.send('* ENABLED');
        return this.send(`${tag} OK ENABLE completed`);
      case 'STARTTLS':
        return this.send(`${tag} NO the demo server runs on loopback only, without TLS`);
      case 'LOGIN':
        return this.login(tag, text(args[0]), text(args[1]));
      case 'AUTHENTICATE': {
        if (text(args[0]).toUpperCase() !== 'PLAIN') return this.send(`${tag} NO only PLAIN is supported`);
        if (args[1] !== undefined) return this.finishPlain(tag, text(args[1]));
        this.saslTag = tag;
        return this.send('+ ');
      }
    }
    this.needAuth();
    switch (command) {
      case 'LIST':
      case 'LSUB':
        return this.list(tag, command, text(args[0]), text(args[1]));
      case 'NAMESPACE':
        this.send('* NAMESPACE (("" "/")) NIL NIL');
        return this.send(`${tag} OK NAMESPACE completed`);
      case 'STATUS':
        return this.status(tag, text(args[0]), args[1]);
      case 'SELECT':
      case 'EXAMINE':
        return this.select(tag, text(args[0]), command === 'EXAMINE');
      case 'CREATE': {
        const name = text(args[0]);
        if (!name || this.store.folder(name)) return this.send(`${tag} NO [ALREADYEXISTS] mailbox exists`);
        this.store.folders.set(name, { name, uidValidity: Math.floor(Date.now() / 1000), uidNext: 1, messages: [] });
        return this.send(`${tag} OK CREATE completed`);
      }
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const name = text(args[0]);
        if (command === 'SUBSCRIBE') this.store.unsubscribed.delete(name);
        else this.store.unsubscribed.add(name);
        return this.send(`${tag} OK ${command} completed`);
      }
      case 'RENAME': {
        const [from, to] = [text(args[0]), text(args[1])];
        if (this.store.folder(to)) return this.send(`${tag} NO [ALREADYEXISTS] mailbox exists`);
        if (from.toUpperCase() === 'INBOX' || !this.store.rename(from, to)) return this.send(`${tag} NO [NONEXISTENT] no such mailbox`);
        return this.send(`${tag} OK RENAME completed`);
      }
      case 'DELETE': {
        const name = text(args[0]);
        if (name.toUpperCase() === 'INBOX' || !this.store.folder(name)) return this.send(`${tag} NO [NONEXISTENT] no such mailbox`);
        if (this.selected?.folder.name === name) this.selected = undefined;
        this.store.folders.delete(name);
        return this.send(`${tag} OK DELETE completed`);
      }
      case 'APPEND':
        return this.append(tag, args);
      case 'CLOSE':
      case 'UNSELECT': {
        const sel = this.needSelected();
        if (command === 'CLOSE' && !sel.readOnly)
          this.store.remove(
            sel.folder.name,
            sel.folder.messages.filter((m) => m.flags.has('\\Deleted')).map((m) => m.uid),
          );
        this.selected = undefined;
        return this.send(`${tag} OK ${command} completed`);
      }
      case 'IDLE':
        this.idleTag = tag;
        this.send('+ idling');
        if (this.selected) this.flushUpdates(true);
        return;
    }
    const sel = this.needSelected();
    switch (command) {
      case 'FETCH':
        return this.fetch(tag, sel, text(args[0]), args[1], uid);
      case 'STORE':
        return this.storeFlags(tag, sel, text(args[0]), text(args[1]), args[2], uid);
      case 'SEARCH':
        return this.search(tag, sel, args, uid);
      case 'COPY':
      case 'MOVE':
        return this.copy(tag, sel, text(args[0]), text(args[1]), uid, command === 'MOVE');
      case 'EXPUNGE': {
        if (sel.readOnly) return this.send(`${tag} NO mailbox is read-only`);
        const only = uid ? parseSet(text(args[0]), this.maxUid(sel)) : undefined;
        if (uid && !only) throw new BadCommand('bad UID set');
        const gone = sel.folder.messages.filter((m) => m.flags.has('\\Deleted') && (!only || only(m.uid)));
        this.store.remove(
          sel.folder.name,
          gone.map((m) => m.uid),
        );
        this.flushUpdates(true);
        return this.send(`${tag} OK EXPUNGE completed`);
      }
      default:
        throw new BadCommand(`unknown command ${command}`);
    }
  }

  private login(tag: string, user: string, password: string): void {
    if (user === this.creds.user && password === this.creds.password) {
      this.authed = true;
      // APPEND carries whole messages; before login nothing big is accepted.
      this.reader.maxLiteral = 32 * 1024 * 1024;
      return this.send(`${tag} OK [CAPABILITY ${CAPS}] logged in`);
    }
    this.send(`${tag} NO [AUTHENTICATIONFAILED] wrong user name or password`);
  }

  private finishPlain(tag: string, b64: string): void {
    if (b64 === '*') return this.send(`${tag} BAD authentication cancelled`);
    const [, user = '', password = ''] = Buffer.from(b64, 'base64').toString('utf8').split('\u0000');
    this.login(tag, user, password);
  }

  private list(tag: string, command: string, reference: string, pattern: string): void {
    if (pattern === '') {
      this.send(`* ${command} (\\Noselect) "/" ""`);
      return this.send(`${tag} OK ${command} completed`);
    }
    const re = new RegExp(
      `^${(reference + pattern)
        .replace(/[.+?^${}()|\\[\]]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/%/g, '[^/]*')}$`,
      'i',
    );
    for (const f of this.store.folders.values()) {
      if (!re.test(f.name)) continue;
      if (command === 'LSUB' && this.store.unsubscribed.has(f.name)) continue;
      const attrs = ['\\HasNoChildren', ...(f.specialUse && command === 'LIST' ? [f.specialUse] : [])];
      this.send(`* ${command} (${attrs.join(' ')}) "/" "${f.name}"`);
    }
    this.send(`${tag} OK ${command} completed`);
  }

  private status(tag: string, name: string, items: Token | undefined): void {
    const f = this.store.folder(name);
    if (!f) return this.send(`${tag} NO [NONEXISTENT] no such mailbox`);
    const wanted = (Array.isArray(items) ? items : [items]).map((t) => text(t).toUpperCase());
    const values: Record<string, number> = {
      MESSAGES: f.messages.length,
      UNSEEN: f.messages.filter((m) => !m.flags.has('\\Seen')).length,
      UIDNEXT: f.uidNext,
      UIDVALIDITY: f.uidValidity,
      RECENT: 0,
    };
    const out = wanted.filter((w) => w in values).map((w) => `${w} ${values[w]}`);
    this.send(`* STATUS "${f.name}" (${out.join(' ')})`);
    this.send(`${tag} OK STATUS completed`);
  }

  private select(tag: string, name: string, readOnly: boolean): void {
    this.selected = undefined;
    const f = this.store.folder(name);
    if (!f) return this.send(`${tag} NO [NONEXISTENT] no such mailbox`);
    const sel: Selected = { folder: f, readOnly, uids: f.messages.map((m) => m.uid), flags: new Map(f.messages.map((m) => [m.uid, flagList(m.flags)])) };
    this.selected = sel;
    const firstUnseen = f.messages.findIndex((m) => !m.flags.has('\\Seen'));
    this.send(`* FLAGS (${PERMANENT})`);
    this.send(`* OK [PERMANENTFLAGS (${PERMANENT} \\*)] flags permitted`);
    this.send(`* ${f.messages.length} EXISTS`);
    this.send('* 0 RECENT');
    if (firstUnseen >= 0) this.send(`* OK [UNSEEN ${firstUnseen + 1}] first unseen`);
    this.send(`* OK [UIDVALIDITY ${f.uidValidity}] UIDs valid`);
    this.send(`* OK [UIDNEXT ${f.uidNext}] predicted next UID`);
    this.send(`${tag} OK [${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${readOnly ? 'EXAMINE' : 'SELECT'} completed`);
  }

  private maxUid(sel: Selected): number {
    return sel.uids.length ? sel.uids[sel.uids.length - 1]! : 0;
  }

  /** Messages of the session's view matched by a sequence or UID set, with their sequence numbers. */
  private matching(sel: Selected, set: string, uid: boolean): { seq: number; m: StoredMessage }[] {
    const test = parseSet(set, uid ? this.maxUid(sel) : sel.uids.length);
    if (!test) throw new BadCommand('bad message set');
    const byUid = new Map(sel.folder.messages.map((m) => [m.uid, m]));
    const out: { seq: number; m: StoredMessage }[] = [];
    sel.uids.forEach((u, i) => {
      const m = byUid.get(u);
      if (m && test(uid ? u : i + 1)) out.push({ seq: i + 1, m });
    });
    return out;
  }

  private fetch(tag: string, sel: Selected, set: string, itemsToken: Token | undefined, uid: boolean): void {
    const items = parseFetchItems(itemsToken);
    for (const { seq, m } of this.matching(sel, set, uid)) {
      const setSeen = () => {
        if (sel.readOnly) return;
        m.flags.add('\\Seen');
        sel.flags.set(m.uid, flagList(m.flags));
        this.store.emit('change', sel.folder.name);
      };
      this.send(fetchResponse(seq, m, items, uid, setSeen));
    }
    if (uid) this.flushUpdates(true);
    this.send(`${tag} OK FETCH completed`);
  }

  private storeFlags(tag: string, sel: Selected, set: string, op: string, flagsToken: Token | undefined, uid: boolean): void {
    if (sel.readOnly) return this.send(`${tag} NO mailbox is read-only`);
    const m = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(op);
    if (!m) throw new BadCommand(`bad STORE item ${op}`);
    const flags = (Array.isArray(flagsToken) ? flagsToken : [flagsToken]).map(text).filter(Boolean);
    const targets = this.matching(sel, set, uid);
    for (const { seq, m: msg } of targets) {
      const next = new Set(m[1] === '' ? [] : msg.flags);
      for (const f of flags) m[1] === '-' ? next.delete(f) : next.add(f);
      this.store.setFlags(sel.folder.name, msg.uid, next);
      sel.flags.set(msg.uid, flagList(next));
      if (!m[2]) this.send(`* ${seq} FETCH (${uid ? `UID ${msg.uid} ` : ''}FLAGS ${flagList(next)})`);
    }
    if (uid) this.flushUpdates(true);
    this.send(`${tag} OK STORE completed`);
  }

  private search(tag: string, sel: Selected, args: Token[], uid: boolean): void {
    const seqOf = new Map(sel.uids.map((u, i) => [u, i + 1]));
    const test = compileSearch(args, { seq: (m) => seqOf.get(m.uid) ?? 0, maxSeq: sel.uids.length, maxUid: this.maxUid(sel) });
    const hits = sel.folder.messages.filter((m) => seqOf.has(m.uid) && test(m)).map((m) => (uid ? m.uid : seqOf.get(m.uid)!));
    this.send(`* SEARCH${hits.map((h) => ` ${h}`).join('')}`);
    if (uid) this.flushUpdates(true);
    this.send(`${tag} OK SEARCH completed`);
  }

  private copy(tag: string, sel: Selected, set: string, destination: string, uid: boolean, move: boolean): void {
    const dest = this.store.folder(destination);
    if (!dest) return this.send(`${tag} NO [TRYCREATE] no such mailbox`);
    const targets = this.matching(sel, set, uid);
    const srcUids: number[] = [];
    const dstUids: number[] = [];
    for (const { m } of targets) {
      const copy = this.store.append(
        dest.name,
        m.raw,
        [...m.flags].filter((f) => f !== '\\Deleted'),
        m.internalDate,
      );
      srcUids.push(m.uid);
      dstUids.push(copy.uid);
    }
    const code = srcUids.length ? `[COPYUID ${dest.uidValidity} ${srcUids.join(',')} ${dstUids.join(',')}] ` : '';
    if (move) {
      if (code) this.send(`* OK ${code}moved`);
      this.store.remove(sel.folder.name, srcUids);
      this.flushUpdates(true);
      return this.send(`${tag} OK MOVE completed`);
    }
    this.send(`${tag} OK ${code}COPY completed`);
  }

  private append(tag: string, args: Token[]): void {
    const name = text(args[0]);
    const f = this.store.folder(name);
    if (!f) return this.send(`${tag} NO [TRYCREATE] no such mailbox`);
    let i = 1;
    let flags: string[] = [];
    if (Array.isArray(args[i])) flags = (args[i++] as Token[]).map(text);
    let date = new Date();
    const last = args[args.length - 1];
    if (args.length - i === 2) {
      const d = new Date(text(args[i]).replace(/^(\d+)-(\w+)-(\d+)/, '$2 $1 $3'));
      if (!Number.isNaN(d.getTime())) date = d;
    }
    const bytes = last && !Array.isArray(last) && typeof last !== 'string' ? last.bytes : undefined;
    if (!bytes) throw new BadCommand('APPEND needs a literal');
    const m = this.store.append(f.name, bytes, flags, date);
    if (this.selected?.folder === f) this.flushUpdates(true);
    this.send(`${tag} OK [APPENDUID ${f.uidValidity} ${m.uid}] APPEND completed`);
  }

  /** Tells the client what changed in its mailbox since it last looked (other sessions, POP3). */
  private flushUpdates(expunges: boolean): void {
    const sel = this.selected;
    if (!sel) return;
    const current = new Map(sel.folder.messages.map((m) => [m.uid, m]));
    if (expunges) {
      for (let i = sel.uids.length - 1; i >= 0; i--) {
        const u = sel.uids[i]!;
        if (current.has(u)) continue;
        this.send(`* ${i + 1} EXPUNGE`);
        sel.uids.splice(i, 1);
        sel.flags.delete(u);
      }
    }
    const known = new Set(sel.uids);
    const added = sel.folder.messages.filter((m) => !known.has(m.uid));
    if (added.length) {
      for (const m of added) {
        sel.uids.push(m.uid);
        sel.flags.set(m.uid, flagList(m.flags));
      }
      this.send(`* ${sel.uids.length} EXISTS`);
    }
    sel.uids.forEach((u, i) => {
      const m = current.get(u);
      if (!m) return;
      const now = flagList(m.flags);
      if (sel.flags.get(u) !== now) {
        sel.flags.set(u, now);
        this.send(`* ${i + 1} FETCH (UID ${u} FLAGS ${now})`);
      }
    });
  }
}

export type DemoImapServer = LoopbackListener;

export async function startDemoImapServer(store: DemoMailStore, creds: DemoCredentials, host = '127.0.0.1'): Promise<DemoImapServer> {
  return listenOnLoopback(host, (socket) => new ImapSession(socket, store, creds));
}
