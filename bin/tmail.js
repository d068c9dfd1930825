#!/usr/bin/env -S node --max-old-space-size=192
// The installed `tmail` command. `npm run build` (run by `npm install` via `prepare`, and by
// `npm pack`) bundles src/ into dist/bundle/ (scripts/build-bundle.mjs).
// --max-old-space-size: what the UI keeps alive is ~33 MB (windows of summaries, caches with
// fixed bounds, a bounded trace); the rest of a default heap is garbage Ink's frames leave behind,
// which V8 lets pile up to hundreds of MB before collecting. 192 MB keeps the terminal client
// light (peak RSS under 250 MB while scrolling 100k messages) with ~6x headroom; large messages
// are streamed and capped (parse keeps at most 4M characters of text). Started without the flag
// (`node bin/tmail.js`), tmail starts itself again with it: bin/heap-cap.js.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The version alone loads nothing else, not even the relaunch logic (--version 0.16 -> 0.135 s
  // here, where a bare `node -e 0` takes 0.10 s).
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  await keepBuiltinCodeCache();
  const { needsRelaunch, relaunch } = await import('./heap-cap.js');
  if (needsRelaunch()) relaunch((await import('node:url')).fileURLToPath(import.meta.url));
  else await runTmail();
}

/**
 * Node keeps its own modules (net, tls, streams, worker_threads…) precompiled in its binary, and
 * V8 accepts that code only when the V8 flags match the ones it was made with. On Node 20 any
 * --max-old-space-size (the shebang's) changes that match, so every built-in module tmail loads
 * is compiled again from source: ~50 ms of CPU per start, and the same again in each worker
 * thread (NODE_DEBUG_NATIVE=CODE_CACHE prints "rejected" for each). The heap was sized when node
 * started and stays so: putting the flag back to its default here only makes the precompiled code
 * match again for everything loaded from now on. (Newer V8 leaves heap sizes out of the match.)
 */
async function keepBuiltinCodeCache() {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--max-old-space-size=0');
}

async function runTmail() {
  const entry = new URL('../dist/bundle/main.js', import.meta.url);
  if (!existsSync(entry)) {
    process.stderr.write('tmail: not built yet (dist/bundle is missing); run: npm run build\n');
    process.exit(1);
  }
  // Stack traces are printed only with TMAIL_DEBUG; then map them back to src/ (off otherwise:
  // reading the maps costs start-up time).
  if (process.env.TMAIL_DEBUG) process.setSourceMapsEnabled(true);
  await enableCompileCache();
  const { runCli } = await import(entry.href);
  await runCli();
}

/** Node >= 22.1 can keep compiled code between runs (~0.1 s of start-up); a per-user directory. */
async function enableCompileCache() {
  const { enableCompileCache: enable } = await import('node:module');
  const { homedir } = await import('node:os');
  const { join } = await import('node:path');
  if (typeof enable !== 'function' || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  try {
    enable(process.env.NODE_COMPILE_CACHE || join(cacheHome, 'tmail', 'compile-cache'));
  } catch {
    // A cache is an optimisation: a read-only home must not stop tmail.
  }
}
