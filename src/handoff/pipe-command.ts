// `|`: pipe a message or a part to a shell command, as mutt does. The bytes go to the command's
// stdin; its stdout goes to the terminal (the UI gives up the screen for it) or is captured; its
// exit status and the end of its stderr come back for the status line. A command that exits
// without reading everything (e.g. `head -1`) is not an error.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sanitizeLine } from '../text/sanitize.js';

export interface PipeOptions {
  /** 'inherit': to the terminal (default); 'capture': returned in `stdout`. */
  stdout?: 'inherit' | 'capture';
  /** 'capture' (default): its end is kept for the summary; 'inherit': to the terminal, with the command's output. */
  stderr?: 'inherit' | 'capture';
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How much stderr is kept (its end); default 4 KiB. */
  stderrBytes?: number;
  /** How much captured stdout is kept; default 1 MiB. */
  stdoutBytes?: number;
}

export interface PipeResult {
  /** null when the command was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stderr, sanitized, joined by " / "; '' when it wrote nothing. */
  stderrSummary: string;
  stdout?: Buffer;
  /** One line for the status line: "`cmd` exited with 2: no such file". */
  summary: string;
}

/** Keeps the last `max` bytes written. */
function tail(max: number) {
  let chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      while (size - chunks[0]!.length >= max) size -= chunks.shift()!.length;
    },
    get: () => {
      const all = Buffer.concat(chunks);
      chunks = [all];
      return all.subarray(Math.max(0, all.length - max));
    },
  };
}

export async function pipeToCommand(command: string, input: Buffer | Readable, options: PipeOptions = {}): Promise<PipeResult> {
  const capture = options.stdout === 'capture';
  const child = spawn('sh', ['-c', command], {
    stdio: ['pipe', capture ? 'pipe' : 'inherit', options.stderr === 'inherit' ? 'inherit' : 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const err = tail(options.stderrBytes ?? 4096);
  child.stderr?.on('data', (c: Buffer) => err.add(c));
  const out: Buffer[] = [];
  let outSize = 0;
  const outMax = options.stdoutBytes ?? 1024 * 1024;
  child.stdout?.on('data', (c: Buffer) => {
    if (outSize < outMax) out.push(c.subarray(0, outMax - outSize));
    outSize += c.length;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
  const fed = pipeline(source, child.stdin!).catch((e: NodeJS.ErrnoException) => {
    // The command stopped reading (head, grep -q): what it did is still its answer.
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED' && e.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
  });
  let status: { code: number | null; signal: NodeJS.Signals | null };
  try {
    [status] = await Promise.all([exited, fed]);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no shell (sh) found' : sanitizeLine((e as Error).message);
    return { exitCode: null, signal: null, stderrSummary: '', summary: `could not run the command: ${why}` };
  }
  const lines = err
    .get()
    .toString('utf8')
    .split(/\r?\n/)
    .map((l) => sanitizeLine(l).trim())
    .filter(Boolean);
  const stderrSummary = lines.slice(-3).join(' / ');
  const shown = sanitizeLine(command).slice(0, 60);
  const how = status.signal ? `was killed by ${status.signal}` : status.code === 0 ? 'finished' : `exited with ${status.code}`;
  const result: PipeResult = {
    exitCode: status.code,
    signal: status.signal,
    stderrSummary,
    summary: `\`${shown}\` ${how}${stderrSummary ? `: ${stderrSummary}` : ''}`,
  };
  if (capture) result.stdout = Buffer.concat(out);
  return result;
}
