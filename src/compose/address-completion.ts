// Address completion for the To/Cc/Bcc prompts and `tmail complete-address`: the addresses tmail
// has seen (src/store/address-book.ts, ranked by use and age) first, then what the user's
// addressBookCommand finds, deduped by address. A failing command costs its suggestions only: the
// seen addresses still come, with a warning to show.
import { join } from 'node:path';
import { AddressBook, ADDRESS_BOOK_FILE, type SeenAddress } from '../store/address-book.js';
import { queryAddressBook } from './address-book-command.js';
import { formatAddress, type MailAddress } from './address-format.js';

export interface Completion {
  candidates: MailAddress[];
  /** Why the address book command gave nothing (it failed); the candidates are still usable. */
  warning?: string;
}

export interface AddressCompleterOptions {
  /** tmail's data directory: the seen addresses live in <dataDir>/addresses.sqlite. */
  dataDir: string;
  addressBookCommand?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  limit?: number;
  /** The user's own addresses: never recorded, so completion does not offer them (a function: asked on first use). */
  own?: readonly string[] | (() => Promise<readonly string[]>);
}

export class AddressCompleter {
  private book?: Promise<AddressBook>;
  private own?: Promise<Set<string>>;

  constructor(private readonly opts: AddressCompleterOptions) {}

  get file(): string {
    return join(this.opts.dataDir, ADDRESS_BOOK_FILE);
  }

  private open(): Promise<AddressBook> {
    this.book ??= AddressBook.open(this.file).catch((err: unknown) => {
      this.book = undefined;
      throw err;
    });
    return this.book;
  }

  async complete(prefix: string): Promise<Completion> {
    const text = prefix.trim();
    if (!text) return { candidates: [] };
    const limit = this.opts.limit ?? 20;
    const out: MailAddress[] = [];
    const seen = new Set<string>();
    const add = (a: MailAddress) => {
      const key = a.address.toLowerCase();
      if (seen.has(key) || out.length >= limit) return;
      seen.add(key);
      out.push({ address: a.address, name: a.name });
    };
    let warning: string | undefined;
    try {
      for (const a of (await this.open()).search(text, limit)) add(a);
    } catch (err) {
      warning = `the list of seen addresses could not be read (${message(err)})`;
    }
    if (this.opts.addressBookCommand) {
      try {
        const found = await queryAddressBook(this.opts.addressBookCommand, text, { env: this.opts.env, timeoutMs: this.opts.timeoutMs });
        for (const a of found) add(a);
      } catch (err) {
        warning = message(err);
      }
    }
    return warning ? { candidates: out, warning } : { candidates: out };
  }

  /** Remembers addresses of mail read or sent; never throws (suggestions are not worth an error). */
  async record(list: readonly SeenAddress[], when?: Date): Promise<void> {
    const own = await this.ownAddresses();
    const others = list.filter((a) => !own.has(a.address.toLowerCase()));
    if (!others.length) return;
    try {
      (await this.open()).record(others, when);
    } catch {
      // A read-only or full disk must not break reading or sending mail.
    }
  }

  private ownAddresses(): Promise<Set<string>> {
    const given = this.opts.own ?? [];
    this.own ??= (typeof given === 'function' ? given() : Promise.resolve(given)).then(
      (list) => new Set(list.map((a) => a.toLowerCase())),
      () => new Set<string>(),
    );
    return this.own;
  }

  async close(): Promise<void> {
    const book = this.book;
    this.book = undefined;
    if (book) (await book.catch(() => undefined))?.close();
  }
}

/** The token being typed in an address list: the text after the last comma. */
export function lastToken(value: string): { head: string; token: string } {
  const i = value.lastIndexOf(',');
  if (i < 0) return { head: '', token: value.trim() };
  return { head: `${value.slice(0, i + 1)} `, token: value.slice(i + 1).trim() };
}

/** `value` with its last token replaced by `candidate`. */
export function withCandidate(head: string, candidate: MailAddress): string {
  return `${head}${formatAddress(candidate)}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
