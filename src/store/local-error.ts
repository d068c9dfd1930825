// Turns a filesystem failure into the one error type backends let escape, with a message a user
// can act on ("the disk is full") instead of an errno dump or a stack trace.
import { AccountError } from '../domain/index.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a path component is not a directory',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'an input/output error occurred',
  EISDIR: 'it is a directory',
  EEXIST: 'a file of that name is in the way',
};

/** The words for a filesystem errno ("the disk is full"); undefined for codes not in the table. */
export function fsReason(code: string | undefined): string | undefined {
  return code !== undefined && Object.hasOwn(REASONS, code) ? REASONS[code] : undefined;
}

export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** `action` reads as "Cannot <action>", e.g. "save mail in /x/Maildir/new". */
export function localError(action: string, err: unknown): AccountError {
  if (err instanceof AccountError) return err;
  const code = errorCode(err);
  const reason = fsReason(code) ?? (code ? `error ${code}` : err instanceof Error ? err.message : String(err));
  return new AccountError('local', `Cannot ${action}: ${reason}.`, { cause: err });
}
