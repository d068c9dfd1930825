// What every CLI command receives. Commands never touch process.* directly so they can be
// tested in-process with fake streams and environment.
import type { Readable, Writable } from 'node:stream';
import type { TraceSink } from '../trace/types.js';

export interface CliContext {
  /** Value of --config FILE, if given. */
  configPath?: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  /** `--trace FILE`: where backends report the (redacted) protocol conversation. */
  trace?: TraceSink;
}

/** A command module exports `run`; the exit code it resolves to becomes the process's. */
export type CommandRun = (args: string[], ctx: CliContext) => Promise<number>;
