// Migration of the per-folder JSON summary cache of earlier versions (tmail-summaries.json in each
// Maildir folder) into the summary store. It held parsed headers only — flags live in the file
// names and UIDs in the uid list, so nothing is lost if it cannot be imported: the headers are
// then simply parsed again. Entries are kept only for keys the uid list knows, with the size and
// mtime they were parsed from (the store re-checks those before using a row).
import { readFile, rm } from 'node:fs/promises';
import type { Address } from '../domain/index.js';
import type { FileRow } from './summary-store.js';

interface LegacyEntry {
  size: number;
  mtimeMs: number;
  date: number;
  from: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  hasAttachments: boolean;
}

/**
 * Imports `file` (if present) through `put` and removes it once stored. A damaged file is removed
 * too (the headers are re-read). `put` returns false when the store could not take the rows: the
 * file is then left for the next run.
 */
export async function importLegacySummaries(file: string, uidByKey: ReadonlyMap<string, number>, put: (rows: FileRow[]) => boolean): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  const rows: FileRow[] = [];
  try {
    const data = JSON.parse(text) as { version?: unknown; entries?: unknown };
    // Version 1 lacked References: not imported (re-read), so threads stay complete.
    if (data?.version === 2 && data.entries && typeof data.entries === 'object') {
      for (const [key, e] of Object.entries(data.entries as Record<string, unknown>)) {
        const uid = uidByKey.get(key);
        if (uid !== undefined && isLegacyEntry(e)) rows.push(toRow(uid, key, e));
      }
    }
  } catch {
    // Damaged: nothing to import.
  }
  if (rows.length && !put(rows)) return;
  await rm(file, { force: true }).catch(() => undefined);
}

function toRow(uid: number, key: string, e: LegacyEntry): FileRow {
  return {
    uid,
    key,
    size: e.size,
    mtimeMs: e.mtimeMs,
    fields: {
      date: new Date(e.date),
      from: e.from,
      to: e.to,
      cc: e.cc,
      subject: e.subject,
      ...(e.messageId !== undefined ? { messageId: e.messageId } : {}),
      ...(e.inReplyTo !== undefined ? { inReplyTo: e.inReplyTo } : {}),
      ...(e.references ? { references: e.references } : {}),
      hasAttachments: e.hasAttachments,
      size: e.size,
    },
  };
}

function isAddressList(v: unknown): v is Address[] {
  return Array.isArray(v) && v.every((a) => a && typeof a === 'object' && typeof a.name === 'string' && typeof a.address === 'string');
}

function isLegacyEntry(v: unknown): v is LegacyEntry {
  if (!v || typeof v !== 'object') return false;
  const s = v as LegacyEntry;
  return (
    typeof s.size === 'number' &&
    typeof s.mtimeMs === 'number' &&
    typeof s.date === 'number' &&
    typeof s.subject === 'string' &&
    typeof s.hasAttachments === 'boolean' &&
    isAddressList(s.from) &&
    isAddressList(s.to) &&
    isAddressList(s.cc) &&
    (s.messageId === undefined || typeof s.messageId === 'string') &&
    (s.inReplyTo === undefined || typeof s.inReplyTo === 'string') &&
    (s.references === undefined || (Array.isArray(s.references) && s.references.every((r) => typeof r === 'string')))
  );
}
