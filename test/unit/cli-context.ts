// A CliContext with in-memory streams, for running tmail commands in-process in tests.
import { PassThrough, Writable } from 'node:stream';
import type { CliContext } from '../../src/cli/context.js';

export interface TestContext {
  ctx: CliContext;
  stdin: PassThrough;
  stdout: () => string;
  stderr: () => string;
}

class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  columns?: number;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export function testContext(env: NodeJS.ProcessEnv, opts: { input?: string; columns?: number; configPath?: string } = {}): TestContext {
  const stdin = new PassThrough();
  if (opts.input !== undefined) stdin.end(opts.input);
  const out = new Capture();
  if (opts.columns) {
    out.isTTY = true;
    out.columns = opts.columns;
  }
  const err = new Capture();
  const ctx: CliContext = { env, stdin, stdout: out, stderr: err };
  if (opts.configPath) ctx.configPath = opts.configPath;
  return { ctx, stdin, stdout: () => out.text, stderr: () => err.text };
}
