// The POP3 download: never lose mail, never store it twice.
//
// Order for every batch of new messages (RFC 1939: DELE only takes effect at QUIT):
//   RETR → record each message's future Maildir key as pending (journal append, fsync) → Maildir
//   deliver (tmp, fsync, rename) → fsync the dir (once per batch, after every rename of the batch)
//   → record the UIDLs as stored (journal append, fsync) → DELE … → QUIT → forget what QUIT removed.
// A crash or a dropped connection anywhere leaves the server copy in place (no QUIT, or a
// QUIT after RSET); the next sync skips every UIDL already recorded (and DELEs it when the
// policy says so), and finds a delivered-but-unrecorded message under its pending key.
// Records are batched (up to BATCH_COUNT messages / BATCH_BYTES) and appended to a journal (see
// sync-state.ts); RETR and DELE are pipelined when the server offers PIPELINING, the next batch is
// fetched while the current one is stored, and a batch's files are written in one worker-thread
// round trip: safety is per message, the order above.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SyncProgress, SyncResult } from '../account.js';
import { AccountError } from '../../domain/index.js';
import type { AccountConfig } from '../../config/types.js';
import { assertPasswordMayBeSent, isEncrypted, tlsOptions } from '../security.js';
import { depsCredentials, secretName } from '../sign-in.js';
import type { Credentials } from '../../auth/credentials.js';
import { pop3SignIn } from './sign-in.js';
import type { Maildir } from '../../store/maildir.js';
import { type BatchArena, keepBatchArena, takeBatchArena } from '../../store/maildir-batch-writer.js';
import { holdWriter } from '../../store/writer-thread.js';
import { newKey, sizeFromKey } from '../../store/maildir-names.js';
import { DEFAULT_LIMITS, Pop3Client, Pop3LoginDelayError, formatDelay, type Pop3Limits } from './client.js';
import { disambiguate, headerHash } from './header-hash.js';
import { pendingLine, storedLine } from './journal-lines.js';
import type { ScanEntry, UidlEntry } from './listing.js';
import { describeError } from './network-errors.js';
import { Pop3ServerError } from './response-reader.js';
import { sanitizeLine } from '../../text/sanitize.js';
import {
  acquireSyncLock,
  clearDeleteRequests,
  loadSyncState,
  readDeleteRequests,
  saveSyncState,
  StateJournal,
  stateText,
  uidlOfKey,
  type Pop3State,
  type Pop3StateEntry,
  uidlTable,
} from './sync-state.js';

export { locationOf, markForServerDeletion, loadSyncState } from './sync-state.js';

export interface SyncOptions {
  config: AccountConfig;
  /** How to sign in; `getPassword` is the older form (a password). */
  credentials?: Credentials;
  getPassword?: () => Promise<string>;
  maildir: Maildir;
  statePath: string;
  /** Injectable clock (deleteAfterDays). */
  now?: () => Date;
  onProgress?: (p: SyncProgress) => void;
  trace?: (line: string) => void;
  limits?: Partial<Pop3Limits>;
  /** Messages per durable state write (default BATCH_COUNT); tests use small ones to cross batch boundaries. */
  batchSize?: number;
}

export interface Pop3SyncResult extends SyncResult {
  /** Messages left on the server because they exceed limits.maxMessageBytes. */
  skippedTooLarge: number;
  authMethod?: 'apop' | 'user' | 'sasl';
  /**
   * Messages marked with DELE whose removal is not confirmed: the connection dropped before the
   * QUIT reply. They are still recorded as stored, so the next sync sees whether they are gone.
   */
  deletionUnconfirmed: number;
  /** When the server allows the next login (its LOGIN-DELAY), if it has one. */
  nextCheckAllowedAt?: Date;
}

/** A LOGIN-DELAY we do not know the length of: wait this long before trying again. */
const UNKNOWN_LOGIN_DELAY_S = 300;

// Messages per durable state write; bounded in bytes too, since batches are held in memory: two
// arenas (the one being stored or refilled, the prefetched next one) and the writer thread's copy.
const BATCH_COUNT = 1024;
const BATCH_BYTES = 16 * 1024 * 1024;
/** The smallest of the halving batches at the end (see batches()). */
const TAIL_MIN = 64;
/** Room in a batch's arena beyond its LIST sizes (a body a little larger than announced still fits). */
const ARENA_SLACK = 256 * 1024;
const DAY_MS = 86_400_000;
const INBOX = 'INBOX';

export async function syncMailbox(opts: SyncOptions): Promise<Pop3SyncResult> {
  const { config } = opts;
  // Refuse before asking for the password (or token), let alone sending it.
  assertPasswordMayBeSent(config, isEncrypted(config.security), secretName(depsCredentials(config.user, opts, config.name)));
  const release = await acquireSyncLock(opts.statePath);
  let releaseWriter = () => {};
  try {
    // A cache dir we cannot write fails here, before anything is fetched or deleted.
    await opts.maildir.init();
    // Files a killed delivery left in tmp/ (the lock says no other sync of this account runs).
    await opts.maildir.cleanTmp(INBOX);
    const state = await loadSyncState(opts.statePath);
    // Read while we connect and log in: the first RETR does not wait for this fs round trip.
    const requestsRead = readDeleteRequests(opts.statePath);
    const now = opts.now ?? (() => new Date());
    // The server would refuse a login now (LOGIN-DELAY): say when, without connecting.
    if (state.loginNotBefore && now().getTime() < Date.parse(state.loginNotBefore)) {
      throw loginDelayNotice(config.host, state.loginDelaySeconds, new Date(state.loginNotBefore), now());
    }
    // The file writer thread boots while we connect and log in, not while the first batch arrives.
    releaseWriter = holdWriter();
    const client = await Pop3Client.connect({
      host: config.host,
      port: config.port,
      security: config.security,
      tls: tlsOptions(config),
      limits: opts.limits,
      trace: opts.trace,
    });
    try {
      return await runSession(client, state, opts, now, requestsRead);
    } catch (err) {
      await abandon(client);
      if (err instanceof Pop3LoginDelayError) {
        // Remember it, so no check (CLI, UI at start or on `$`) tries before the server allows.
        const seconds = err.delaySeconds ?? UNKNOWN_LOGIN_DELAY_S;
        const at = new Date(now().getTime() + seconds * 1000);
        state.loginDelaySeconds = err.delaySeconds;
        state.loginNotBefore = at.toISOString();
        await saveSyncState(opts.statePath, state);
        throw new Pop3LoginDelayError(`${err.message}. tmail will not check again before ${clock(at)}.`, err.delaySeconds);
      }
      throw describeError(err, `POP3 ${config.host}:${config.port}`);
    }
  } finally {
    releaseWriter();
    await release();
  }
}

/** The error for a check the server's LOGIN-DELAY does not allow yet. */
function loginDelayNotice(host: string, seconds: number | undefined, at: Date, now: Date): Pop3LoginDelayError {
  const wait = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
  const rule =
    seconds !== undefined
      ? `allows one POP3 login every ${formatDelay(seconds)} (LOGIN-DELAY)`
      : 'refused the last login as too soon after the one before (LOGIN-DELAY)';
  return new Pop3LoginDelayError(`${sanitizeLine(host)} ${rule}: the next check is allowed at ${clock(at)} (in ${formatDelay(wait)}).`, seconds);
}

/** Local wall-clock time, "14:05". */
function clock(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * After a failure: undo this session's DELEs (RSET, only valid once logged in — before that it
 * would be a protocol error) and leave; nothing is removed on the server.
 */
async function abandon(client: Pop3Client): Promise<void> {
  try {
    if (client.loggedIn) await client.rset();
    await client.quit();
  } catch {
    // The connection is already gone: without QUIT the server removes nothing either.
  } finally {
    client.close();
  }
}

async function runSession(client: Pop3Client, state: Pop3State, opts: SyncOptions, now: () => Date, requestsRead: Promise<string[]>): Promise<Pop3SyncResult> {
  const { config, maildir, statePath, trace } = opts;
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  await pop3SignIn(client, config, depsCredentials(config.user, opts, config.name));
  const loggedInAt = now();
  // Everything from here to the first RETR is on the critical path: the server waits for it.
  const { caps, scan, listing: uidls } = await client.capabilitiesAndListings();
  // Whether to pipeline RETR and DELE: as this user's CAPA says.
  const pipelining = caps?.has('PIPELINING') ?? false;
  // After login, CAPA's LOGIN-DELAY is this user's (RFC 2449): the next check waits that long.
  const loginDelay = client.loginDelaySeconds;
  if (loginDelay !== undefined && loginDelay > 0) {
    state.loginDelaySeconds = loginDelay;
    state.loginNotBefore = new Date(loggedInAt.getTime() + loginDelay * 1000).toISOString();
  } else {
    delete state.loginDelaySeconds;
    delete state.loginNotBefore;
  }

  const sizeOf = sizeLookup(scan);
  let listing = uidls;
  const usedHeaderHashFallback = listing === undefined;
  if (!listing) {
    trace?.('the server has no UIDL: matching messages by a hash of their headers (weaker)');
    const ids: string[] = [];
    for (const { msg, size } of scan) ids.push(headerHash(await client.top(msg, 0), size));
    listing = disambiguate(ids).map((uidl, i) => ({ msg: scan[i]!.msg, uidl }));
  }

  await reconcileIdKinds(client, state, listing, scan, usedHeaderHashFallback, statePath, trace);

  if (Object.keys(state.pending).length > 0) {
    await recoverPending(state, maildir, now());
    await saveSyncState(statePath, state);
  }
  // Nothing recorded (e.g. every message was deleted from the server last time): no lookups.
  const known = Object.keys(state.messages).length > 0;
  if (known) {
    const onServer = new Set(listing.map((l) => l.uidl));
    for (const uidl of Object.keys(state.messages)) if (!onServer.has(uidl)) delete state.messages[uidl];
  }

  const requests = await requestsRead;
  const requested = new Set<string>();
  if (config.deleteOnServerWhenDeletedLocally) {
    for (const key of requests) {
      const uidl = uidlOfKey(state, key);
      if (uidl !== undefined) requested.add(uidl);
    }
  }
  const shouldDelete = (uidl: string, entry: Pop3StateEntry): boolean => {
    if (requested.has(uidl) || !config.leaveOnServer) return true;
    if (config.deleteAfterDays === undefined) return false;
    return now().getTime() >= Date.parse(entry.downloadedAt) + config.deleteAfterDays * DAY_MS;
  };

  const deleted: string[] = [];
  const dele = async (entries: UidlEntry[]) => {
    if (pipelining) await client.deleAll(entries.map((e) => e.msg));
    else for (const e of entries) await client.dele(e.msg);
    deleted.push(...entries.map((e) => e.uidl));
  };

  // Already stored (e.g. the last sync was cut before QUIT): never download again; DELE if due.
  const storedDue = known ? listing.filter((l) => state.messages[l.uidl] && shouldDelete(l.uidl, state.messages[l.uidl]!)) : [];
  if (storedDue.length > 0) await dele(storedDue);

  let skippedTooLarge = 0;
  const fresh = listing.filter((l) => {
    if (known && state.messages[l.uidl]) return false;
    if ((sizeOf(l.msg) ?? 0) > limits.maxMessageBytes) {
      skippedTooLarge++;
      trace?.(`message ${l.msg} (${sizeOf(l.msg)} octets) exceeds the ${limits.maxMessageBytes}-octet limit: left on the server`);
      return false;
    }
    return true;
  });

  const progress: SyncProgress = { done: 0, total: fresh.length, bytes: 0 };
  opts.onProgress?.({ ...progress });
  // A server that sends far more than its LIST size said cannot make a pipelined batch balloon.
  const all = [...batches(fresh, sizeOf, opts.batchSize ?? BATCH_COUNT)];
  // Each batch is read into shared memory the file writer thread writes from (no copy, no buffer
  // per message). Two arenas take turns: batch b+1 arrives while batch b is being written.
  const arenas: BatchArena[] = [];
  const arenaFor = (b: number): BatchArena => {
    // Sized by the LIST sizes, but never beyond a batch's byte bound: the server's word alone must
    // not make us allocate much (a body that does not fit gets a buffer of its own, as received).
    let listed = 0;
    for (const e of all[b]!) listed += sizeOf(e.msg) ?? 0;
    const need = Math.min(listed, BATCH_BYTES) + ARENA_SLACK;
    let arena = arenas[b % 2];
    if (!arena || arena.capacity < need) {
      if (arena) keepBatchArena(arena);
      arena = arenas[b % 2] = takeBatchArena(need);
    }
    arena.reset();
    return arena;
  };
  const fetch = (b: number) => {
    const arena = arenaFor(b);
    const batch = all[b]!;
    const cap = (e: UidlEntry) => 2 * (sizeOf(e.msg) ?? limits.maxMessageBytes) + 8192;
    if (pipelining)
      return client.retrAll(
        batch.map((e) => e.msg),
        'lf',
        batch.map(cap),
        arena,
      );
    return oneByOne(batch, (e) => client.retr(e.msg, 'lf', cap(e), arena));
  };
  // While one batch is written to disk, the next one is already on its way (RETR changes nothing
  // on the server, so fetching ahead cannot break the order above), and the one after it is asked
  // for as soon as this one's arena is free (its bytes copied for the writer thread, before they
  // are written): the server never waits for our disk. Without pipelining the server sees one
  // command at a time anyway.
  const fetched: Promise<Buffer[]>[] = [];
  const prefetch = (b: number) => {
    if (b >= all.length || fetched[b]) return;
    fetched[b] = fetch(b);
    // A prefetch that fails while we are still storing a batch is reported when awaited.
    fetched[b].catch(() => undefined);
  };
  // Pipelined DELE bursts are not waited for batch by batch (their replies queue behind the next
  // RETR burst); every reply is in before QUIT, and a failure there still ends in RSET.
  const deles: Promise<void>[] = [];
  // Both arenas are filled from the start: the server answers batch 1 while batch 0 is stored.
  prefetch(0);
  if (pipelining) prefetch(1);
  // A local folder's arrival order is the time in each key (arrivalFromKey): give each message a
  // strictly increasing time in the server's order (files written in one burst can share an
  // mtime), after the last sync's times, which may run a little ahead of the clock.
  let arrival = Math.max(Date.now(), (state.lastArrivalMs ?? 0) + 1);
  // The journal opens (and fsyncs its directory) while the first batch arrives. Its records are
  // appended one after another in the order they are made; after a failed append, none.
  const journalOpening = all.length > 0 ? StateJournal.open(statePath) : undefined;
  journalOpening?.catch(() => undefined);
  let journalTail: Promise<void> = Promise.resolve();
  const record = (line: Uint8Array): Promise<void> => (journalTail = journalTail.then(async () => (await journalOpening!).append(line)));
  // A batch is stored in two steps: its keys are recorded and its bytes handed to the file writer
  // thread (in this loop); then, once its files and their directory are durable, it is recorded as
  // stored and DELEd (its `stage`). Batch b+1's files are written while batch b's directory is
  // fsynced and recorded: the writer thread is not idle between batches. Stages finish in batch
  // order, and none after one that failed; at most two batches are between writer and journal.
  const stages: Promise<void>[] = [];
  let quitting: Promise<void>;
  try {
    for (const [b, batch] of all.entries()) {
      if (b >= 2) await stages[b - 2];
      const bodies = await fetched[b]!;
      // Each file's Maildir key is chosen and recorded before the file exists: after a crash, the
      // next sync adopts a file under a recorded key instead of downloading the message again.
      const keys = keysFor(bodies, arrival);
      arrival += bodies.length;
      // Recorded in the journal only: state.pending would hold them for this iteration alone (a
      // failure below saves no state; the journal is what the next sync reads).
      state.lastArrivalMs = arrival - 1;
      await record(pendingLine(batch, keys, bodies, state.lastArrivalMs));
      // One worker-thread round trip for the whole batch (see maildir-batch-writer.ts). A failure
      // part-way leaves the earlier files in new/ unrecorded: their pending keys adopt them later.
      // Once the writer thread has its copy of the bytes, this batch's arena can take the batch
      // after next: the server is not kept waiting while the files are written and fsynced.
      const delivered = maildir.deliverBatch(INBOX, keys, bodies, () => {
        if (pipelining) prefetch(b + 2);
      });
      const previous = stages[b - 1];
      const stage = (async () => {
        await delivered;
        // The renames of this batch become durable here, before the record that says they are stored.
        await maildir.syncFolder(INBOX);
        await previous;
        const downloadedAt = now().toISOString();
        recordStored(state, batch, keys, bodies, downloadedAt, progress);
        await record(storedLine(batch, keys, bodies, downloadedAt));
        opts.onProgress?.({ ...progress });
        const due = batch.filter((e) => shouldDelete(e.uidl, state.messages[e.uidl]!));
        if (pipelining) {
          const sent = dele(due);
          sent.catch(() => undefined);
          deles.push(sent);
        } else {
          await dele(due);
        }
      })();
      stage.catch(() => undefined);
      stages.push(stage);
      // Without pipelining the server takes one command at a time: this batch's DELEs go first.
      if (!pipelining) {
        await stage;
        prefetch(b + 1);
      }
    }
    for (const stage of stages) await stage;
    await Promise.all(deles);
    // Every batch was read: no reply can still be written into the arenas.
    for (const arena of arenas) keepBatchArena(arena);
    // Everything is stored and recorded and every DELE answered: QUIT leaves now, and what it does
    // not depend on is done while the server expunges (for thousands of messages, a long wait).
    quitting = client.quit();
    quitting.catch(() => undefined); // awaited below
  } finally {
    // Every stage has settled (a failed one stops the loop only after the earlier ones).
    await Promise.allSettled(stages);
    await (await journalOpening?.catch(() => undefined))?.close();
  }

  // For MessageSummary.location: when a kept message is due to leave the server.
  for (const entry of Object.values(state.messages)) {
    if (config.leaveOnServer && config.deleteAfterDays !== undefined) {
      entry.deleteOnServerAfter = new Date(Date.parse(entry.downloadedAt) + config.deleteAfterDays * DAY_MS).toISOString();
    } else if (entry.deleteOnServerAfter !== undefined) {
      delete entry.deleteOnServerAfter;
    }
  }
  state.usedHeaderHashFallback = usedHeaderHashFallback;
  // The state to save if QUIT is answered +OK (the server then removed every message marked with
  // DELE), made while it expunges; saved only once it has answered, as the other one otherwise.
  const removed = new Set(deleted);
  const kept = uidlTable<Pop3StateEntry>();
  for (const uidl in state.messages) if (!removed.has(uidl)) kept[uidl] = state.messages[uidl]!;
  const stateAfterQuit = stateText({ ...state, messages: kept });

  let quitConfirmed = true;
  try {
    await quitting;
  } catch (err) {
    // Every DELE was answered; only the QUIT reply is missing. Whether the server committed them
    // is unknown, but nothing can be lost either way: they stay recorded as stored, and the next
    // sync drops the records of those gone from the server and DELEs the others again.
    if (err instanceof Pop3ServerError || !(err instanceof AccountError) || err.kind !== 'network') throw err;
    quitConfirmed = false;
    trace?.(`no reply to QUIT (${sanitizeLine(err.message)}): the next sync checks which messages the server removed`);
  }
  if (quitConfirmed) {
    state.messages = kept;
    await saveSyncState(statePath, stateAfterQuit);
    await clearDeleteRequests(statePath, requests);
  } else {
    await saveSyncState(statePath, state);
  }
  const deletedOnServer = quitConfirmed ? deleted.length : 0;
  trace?.(
    `sync done: ${progress.done} downloaded, ${deletedOnServer} deleted on the server${quitConfirmed ? '' : `, ${deleted.length} deletion(s) unconfirmed`}`,
  );
  return {
    downloaded: progress.done,
    deletedOnServer,
    keptOnServer: listing.length - deletedOnServer,
    bytes: progress.bytes,
    usedHeaderHashFallback,
    skippedTooLarge,
    authMethod: client.authMethod,
    deletionUnconfirmed: quitConfirmed ? 0 : deleted.length,
    ...(state.loginNotBefore ? { nextCheckAllowedAt: new Date(state.loginNotBefore) } : {}),
  };
}

/**
 * Records are keyed by UIDL or, for a server without UIDL, by header hash ("hh:…"). When a server
 * starts offering UIDL, re-key the hashed records by matching headers, so nothing downloads twice.
 * When it stops, UIDL records cannot be matched to anything: refuse rather than duplicate mail.
 */
async function reconcileIdKinds(
  client: Pop3Client,
  state: Pop3State,
  listing: UidlEntry[],
  scan: { msg: number; size: number }[],
  usedHeaderHashFallback: boolean,
  statePath: string,
  trace: ((line: string) => void) | undefined,
): Promise<void> {
  const ids = [...Object.keys(state.messages), ...Object.keys(state.pending)];
  if (usedHeaderHashFallback) {
    if (ids.some((id) => !id.startsWith('hh:'))) {
      throw new AccountError(
        'protocol',
        `the server no longer offers UIDL, so messages downloaded earlier cannot be recognised; refusing to sync so they are not downloaded twice (if this persists, move ${statePath} away: messages kept on the server will then be downloaded again)`,
      );
    }
    return;
  }
  if (!ids.some((id) => id.startsWith('hh:'))) return;
  trace?.('the server now offers UIDL: matching the earlier header-hash records');
  const sizeOf = new Map(scan.map((e) => [e.msg, e.size]));
  const hashes: string[] = [];
  for (const { msg } of listing) hashes.push(headerHash(await client.top(msg, 0), sizeOf.get(msg) ?? 0));
  disambiguate(hashes).forEach((hh, i) => {
    const uidl = listing[i]!.uidl;
    for (const table of [state.messages, state.pending] as Record<string, unknown>[]) {
      if (hh in table && !(uidl in table)) {
        table[uidl] = table[hh];
        delete table[hh];
      }
    }
  });
}

function* batches(entries: UidlEntry[], sizeOf: SizeOf, maxCount: number): Generator<UidlEntry[]> {
  // The last batch is written, fsynced and recorded after its last byte has arrived, while the
  // server waits for the DELEs and QUIT: so the last maxCount messages come in halving batches
  // (512, 256, 128, 128 of 1024), and what is left to store after the last byte is small. Earlier
  // batches are stored while later ones arrive. (Small batch sizes, as in tests, are not split.)
  const tailLength = maxCount >= 2 * TAIL_MIN ? Math.min(entries.length, maxCount) : 0;
  yield* bounded(entries.slice(0, entries.length - tailLength), sizeOf, maxCount);
  let rest = entries.slice(entries.length - tailLength);
  while (rest.length > 0) {
    const n = rest.length > 2 * TAIL_MIN ? Math.ceil(rest.length / 2) : rest.length;
    yield* bounded(rest.slice(0, n), sizeOf, n);
    rest = rest.slice(n);
  }
}

/** Batches of at most maxCount messages and BATCH_BYTES (by LIST size; one larger message alone). */
function* bounded(entries: UidlEntry[], sizeOf: SizeOf, maxCount: number): Generator<UidlEntry[]> {
  let batch: UidlEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = sizeOf(e.msg) ?? 0;
    if (batch.length > 0 && (batch.length >= maxCount || bytes + size > BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(e);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** A message's LIST size, by message number. */
type SizeOf = (msg: number) => number | undefined;

/** LIST numbers the messages 1 to n in order (RFC 1939): found by index, a map only if not. */
function sizeLookup(scan: ScanEntry[]): SizeOf {
  for (let i = 0; i < scan.length; i++) {
    if (scan[i]!.msg !== i + 1) {
      const map = new Map(scan.map((e) => [e.msg, e.size]));
      return (msg) => map.get(msg);
    }
  }
  return (msg) => scan[msg - 1]?.size;
}

/** Without PIPELINING: one command at a time. */
async function oneByOne<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}

/** The Maildir keys of a batch: arrival times `first`, `first + 1`, … in the server's order. */
function keysFor(bodies: readonly Buffer[], first: number): string[] {
  const keys = new Array<string>(bodies.length);
  for (let i = 0; i < bodies.length; i++) keys[i] = newKey(bodies[i]!.length, first + i);
  return keys;
}

/** A durable batch into the state (saved at the end; the journal has it meanwhile) and the progress. */
function recordStored(
  state: Pop3State,
  batch: readonly UidlEntry[],
  keys: readonly string[],
  bodies: readonly Buffer[],
  downloadedAt: string,
  progress: SyncProgress,
): void {
  for (let i = 0; i < batch.length; i++) {
    const size = bodies[i]!.length;
    state.messages[batch[i]!.uidl] = { key: keys[i]!, downloadedAt, size };
    progress.done++;
    progress.bytes += size;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A previous sync stopped between storing a message and recording it. Find the unrecorded INBOX
 * file under the recorded key (or, for older state files, with the recorded digest) and adopt it;
 * without a match the message simply downloads again.
 */
async function recoverPending(state: Pop3State, maildir: Maildir, now: Date): Promise<void> {
  const known = new Set(Object.values(state.messages).map((e) => e.key));
  const orphans = (await maildir.names(INBOX)).filter((n) => !known.has(n.key));
  const orphanKeys = new Set(orphans.map((n) => n.key));
  const dir = maildir.folderPath(INBOX);
  for (const [uidl, pending] of Object.entries(state.pending)) {
    delete state.pending[uidl];
    if (state.messages[uidl]) continue;
    if (pending.key !== undefined) {
      if (orphanKeys.delete(pending.key)) state.messages[uidl] = { key: pending.key, downloadedAt: now.toISOString(), size: pending.size };
      continue;
    }
    for (const [i, orphan] of orphans.entries()) {
      if (sizeFromKey(orphan.key) !== pending.size || !orphanKeys.has(orphan.key)) continue;
      let data: Buffer;
      try {
        data = await readFile(join(dir, orphan.dir, orphan.name));
      } catch {
        continue; // moved or deleted meanwhile
      }
      if (sha256(data) !== pending.sha256) continue;
      state.messages[uidl] = { key: orphan.key, downloadedAt: now.toISOString(), size: pending.size };
      orphanKeys.delete(orphan.key);
      orphans.splice(i, 1);
      break;
    }
  }
}
