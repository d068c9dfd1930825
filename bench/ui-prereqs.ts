// The UI benchmarks drive bin/tmail.js in tmux: they need tmux and the built bundle it loads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmuxAvailable } from '../test/helpers/tmux.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** False (after saying why) when a UI section cannot run here. */
export function uiBenchCanRun(log: (line: string) => void): boolean {
  if (!tmuxAvailable()) {
    log('  skipped: tmux is not installed');
    return false;
  }
  if (!existsSync(path.join(ROOT, 'dist', 'bundle', 'main.js'))) {
    log('  skipped: dist/bundle is missing (npm run build)');
    return false;
  }
  return true;
}
