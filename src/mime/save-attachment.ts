// Saves one attachment of a raw message into a directory the user chose. The content streams
// from the parser to the file (never buffered whole). The file name comes from the message, so
// it is sanitized and the final path is checked to be directly inside `dir`; files are created
// with O_EXCL (never overwrite, never follow a planted symlink). The file is the user's, not
// tmail's: its mode follows the user's umask (0666 minus umask), like any program's output.
import { constants as fsConstants } from 'node:fs';
import { open, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { attachmentFilename, fallbackFilename, sanitizeFilename } from './attachment-filename.js';
import { walkMessage } from './mime-walk.js';
import { sanitizeLine } from '../text/sanitize.js';
import type { MessageSource } from './types.js';

export interface SaveAttachmentOptions {
  /** Save under this name instead of the message's (it is sanitized the same way). */
  filename?: string;
  /** When the name is taken: 'rename' (default) tries "name (1).ext", …; 'fail' throws. */
  onExists?: 'rename' | 'fail';
}

export interface SavedAttachment {
  path: string;
  filename: string;
  size: number;
}

/** The only error saveAttachment throws; `message` is fit to show a user as is. */
export class SaveAttachmentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SaveAttachmentError';
  }
}

const MAX_RENAME_ATTEMPTS = 999;

export async function saveAttachment(source: MessageSource, index: number, dir: string, options: SaveAttachmentOptions = {}): Promise<SavedAttachment> {
  // The source may fail while we check the directory; walkMessage picks that up from
  // `source.errored`, this listener only keeps it from becoming an uncaught exception.
  if (!Buffer.isBuffer(source)) source.on('error', () => undefined);
  const root = path.resolve(dir);
  const shownDir = sanitizeLine(dir);
  try {
    if (!Number.isSafeInteger(index) || index < 0) throw new SaveAttachmentError(`There is no attachment ${String(index)}.`);
    await assertDirectory(root, shownDir);
  } catch (err) {
    // Drain a network stream we will not parse, so the connection it comes from does not stall.
    if (!Buffer.isBuffer(source)) source.resume();
    throw err;
  }

  let saved: SavedAttachment | undefined;
  const result = await walkMessage(source, {
    onAttachment: async (att, i, state) => {
      if (i !== index) {
        await drain(att.content);
        return;
      }
      const wanted = options.filename !== undefined ? sanitizeFilename(options.filename) : '';
      const filename = wanted || attachmentFilename(att.filename, i, att.contentType).filename || fallbackFilename(i, att.contentType);
      const { handle, filePath, finalName } = await createExclusive(root, filename, options.onExists ?? 'rename', shownDir);
      try {
        await pipeline(att.content, handle.createWriteStream());
        if (state.sourceFailure) {
          throw new SaveAttachmentError(
            `The message could not be read completely (${sanitizeLine(state.sourceFailure.message)}); the attachment was not saved.`,
          );
        }
      } catch (err) {
        await handle.close().catch(() => undefined);
        await unlink(filePath).catch(() => undefined); // no half-written file left behind
        throw err;
      }
      saved = { path: filePath, filename: finalName, size: att.size ?? 0 };
    },
  });

  if (result.handlerError !== undefined) throw toUserError(result.handlerError, shownDir);
  if (saved) return saved;
  if (result.failure) {
    throw new SaveAttachmentError(`The message could not be read: ${sanitizeLine(result.failure.message)}`, { cause: result.failure });
  }
  throw new SaveAttachmentError(
    result.attachmentCount === 0 ? 'This message has no attachments.' : `There is no attachment ${index + 1}; the message has ${result.attachmentCount}.`,
  );
}

async function assertDirectory(root: string, shownDir: string): Promise<void> {
  try {
    if (!(await stat(root)).isDirectory()) throw new SaveAttachmentError(`Not a directory: ${shownDir}`);
  } catch (err) {
    if (err instanceof SaveAttachmentError) throw err;
    throw toUserError(err, shownDir);
  }
}

function drain(content: NodeJS.ReadableStream & { destroyed?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    content.once('end', resolve);
    content.once('error', () => resolve());
    content.once('close', resolve);
    content.resume();
  });
}

/** Splits "report.tar.gz" into "report" + ".tar.gz" so renames read "report (1).tar.gz". */
function splitExtension(name: string): [string, string] {
  const m = /(?:\.tar)?\.[A-Za-z0-9]{1,10}$/.exec(name);
  return m && m.index > 0 ? [name.slice(0, m.index), m[0]] : [name, ''];
}

async function createExclusive(
  root: string,
  filename: string,
  onExists: 'rename' | 'fail',
  shownDir: string,
): Promise<{ handle: FileHandle; filePath: string; finalName: string }> {
  const [stem, ext] = splitExtension(filename);
  for (let n = 0; n <= MAX_RENAME_ATTEMPTS; n++) {
    const candidate = n === 0 ? filename : `${stem} (${n})${ext}`;
    const filePath = path.join(root, candidate);
    const rel = path.relative(root, filePath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || rel.includes(path.sep) || rel.includes('/')) {
      throw new SaveAttachmentError(`Refusing to save "${candidate}": it would land outside ${shownDir}.`);
    }
    try {
      const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | (fsConstants.O_NOFOLLOW ?? 0);
      const handle = await open(filePath, flags, 0o666);
      return { handle, filePath, finalName: candidate };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (onExists === 'fail') {
        throw new SaveAttachmentError(`${candidate} already exists in ${shownDir}; not overwritten.`);
      }
    }
  }
  throw new SaveAttachmentError(`Too many files named like ${filename} in ${shownDir}; not saved.`);
}

function toUserError(err: unknown, shownDir: string): SaveAttachmentError {
  if (err instanceof SaveAttachmentError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ENOENT'
      ? `The directory does not exist: ${shownDir}`
      : code === 'ENOTDIR'
        ? `Not a directory: ${shownDir}`
        : code === 'EACCES' || code === 'EPERM'
          ? `Permission denied: cannot write to ${shownDir}`
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? `The disk is full; the attachment was not saved to ${shownDir}.`
            : code === 'EROFS'
              ? `${shownDir} is on a read-only file system.`
              : `Could not save the attachment to ${shownDir}: ${sanitizeLine(err instanceof Error ? err.message : String(err))}`;
  return new SaveAttachmentError(message, { cause: err });
}
