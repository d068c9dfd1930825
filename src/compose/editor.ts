// Which editor to run and how: $VISUAL, then $EDITOR, then vi or nano from PATH. The command is
// run by /bin/sh so values like "code --wait" or "emacs -nw" work; the file name is passed as a
// positional argument, never spliced into the command text.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export class EditorError extends Error {
  override name = 'EditorError';
}

export function findEditor(env: NodeJS.ProcessEnv): string {
  for (const v of [env.VISUAL, env.EDITOR]) if (v && v.trim()) return v.trim();
  for (const name of ['vi', 'nano']) if (onPath(name, env.PATH ?? '')) return name;
  throw new EditorError('no editor found: set $EDITOR (or $VISUAL), e.g. export EDITOR=nano');
}

function onPath(name: string, path: string): boolean {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/**
 * Runs the editor on `file` with the terminal handed over; returns when it exits. Synchronous on
 * purpose: while the event loop is blocked, Node does not read the terminal, so no keystroke meant
 * for the editor is taken by tmail's own input stream.
 */
export function runEditor(command: string, file: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync('/bin/sh', ['-c', `${command} "$1"`, 'tmail-editor', file], { stdio: 'inherit', env });
  if (r.error) throw new EditorError(`the editor could not be started: ${r.error.message}`);
  if (r.status === 0) return;
  if (r.status === 127) throw new EditorError(`the editor "${command}" was not found (exit code 127); check $EDITOR`);
  throw new EditorError(`the editor "${command}" ${r.signal ? `was killed by ${r.signal}` : `exited with code ${r.status}`}; the draft is kept`);
}
