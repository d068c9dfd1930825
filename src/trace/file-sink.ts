// `--trace FILE`: the same (already redacted) lines as the trace pane, appended to a file that
// only the user can read. Opened before the UI starts so a bad path is one clear error.
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { formatTraceEntry, type TraceBuffer } from './buffer.js';

export class TraceFileError extends Error {}

export interface TraceFile {
  /** Stops writing and closes the file. */
  close(): void;
  /** Set when a write failed (disk full…); writing stopped then. */
  readonly failed?: string;
}

export function openTraceFile(path: string, buffer: TraceBuffer): TraceFile {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
    // An existing file keeps its mode on open: tighten it, a trace reveals who talks to what.
    fchmodSync(fd, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFileError(`cannot write the trace file ${path}${code ? ` (${code})` : ''}`);
  }
  const state: { failed?: string; closed: boolean } = { closed: false };
  const unsubscribe = buffer.subscribe((entry) => {
    if (state.closed || state.failed) return;
    try {
      // Synchronous: lines stay in order and nothing is lost when the process exits right after.
      writeSync(fd, `${formatTraceEntry(entry, true)}\n`);
    } catch (err) {
      state.failed = (err as NodeJS.ErrnoException).code ?? 'write error';
    }
  });
  return {
    close() {
      if (state.closed) return;
      state.closed = true;
      unsubscribe();
      closeSync(fd);
    },
    get failed() {
      return state.failed;
    },
  };
}
