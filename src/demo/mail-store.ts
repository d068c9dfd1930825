// The demo's one shared mailbox: the IMAP and the POP3 server both read and change this store,
// so what one protocol does is visible through the other (POP3 DELE → IMAP EXPUNGE). Kept in
// memory; every change is announced so IMAP sessions (IDLE) can tell their clients.
import { EventEmitter } from 'node:events';

export interface StoredMessage {
  uid: number;
  raw: Buffer;
  flags: Set<string>;
  internalDate: Date;
}

export interface DemoFolder {
  name: string;
  specialUse?: string;
  uidValidity: number;
  uidNext: number;
  messages: StoredMessage[];
}

export class DemoMailStore extends EventEmitter {
  readonly folders = new Map<string, DemoFolder>();
  /** Folders unsubscribed from (LSUB leaves them out); every other folder is subscribed. */
  readonly unsubscribed = new Set<string>();
  private readonly validityBase = Math.floor(Date.now() / 1000);

  constructor(
    folders: { name: string; specialUse?: string }[] = [
      { name: 'INBOX' },
      { name: 'Sent', specialUse: '\\Sent' },
      { name: 'Trash', specialUse: '\\Trash' },
      { name: 'Archive', specialUse: '\\Archive' },
    ],
  ) {
    super();
    this.setMaxListeners(0);
    for (const [i, f] of folders.entries()) this.folders.set(f.name, { ...f, uidValidity: this.validityBase + i, uidNext: 1, messages: [] });
  }

  folder(name: string): DemoFolder | undefined {
    // INBOX is case-insensitive (RFC 3501); other names are exact.
    return this.folders.get(name.toUpperCase() === 'INBOX' ? 'INBOX' : name);
  }

  append(folder: string, raw: Buffer, flags: Iterable<string> = [], internalDate = new Date()): StoredMessage {
    const f = this.folder(folder);
    if (!f) throw new Error(`no folder ${folder}`);
    const msg: StoredMessage = { uid: f.uidNext++, raw, flags: new Set(flags), internalDate };
    f.messages.push(msg);
    this.emit('change', f.name);
    return msg;
  }

  /** Renames a folder and its subfolders ("/" separated); false when there is no such folder. */
  rename(from: string, to: string): boolean {
    const moved = [...this.folders.values()].filter((f) => f.name === from || f.name.startsWith(`${from}/`));
    if (moved.length === 0) return false;
    for (const f of moved) {
      this.folders.delete(f.name);
      f.name = to + f.name.slice(from.length);
      this.folders.set(f.name, f);
    }
    return true;
  }

  /** Removes the given UIDs; returns the removed messages. */
  remove(folder: string, uids: Iterable<number>): StoredMessage[] {
    const f = this.folder(folder);
    if (!f) return [];
    const drop = new Set(uids);
    const removed = f.messages.filter((m) => drop.has(m.uid));
    if (removed.length === 0) return [];
    f.messages = f.messages.filter((m) => !drop.has(m.uid));
    this.emit('change', f.name);
    return removed;
  }

  setFlags(folder: string, uid: number, flags: Set<string>): void {
    const m = this.folder(folder)?.messages.find((x) => x.uid === uid);
    if (!m) return;
    m.flags = new Set(flags);
    this.emit('change', folder);
  }
}
