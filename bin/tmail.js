#!/usr/bin/env -S node --max-old-space-size=192
// The installed `tmail` command. The TypeScript sources are compiled to dist/ by `npm run build`
// (run automatically by `npm install` via `prepare`).
// --max-old-space-size: what the UI keeps alive is ~33 MB (windows of summaries, caches with
// fixed bounds, a bounded trace); the rest of a default heap is garbage Ink's frames leave behind,
// which V8 lets pile up to hundreds of MB before collecting. 192 MB keeps the terminal client
// light (peak RSS under 250 MB while scrolling 100k messages) with ~6x headroom; large messages
// are streamed and capped (parse keeps at most 4M characters of text).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tmail: not built yet (dist/ is missing); run: npm run build\n');
  process.exit(1);
}
const { runCli } = await import(entry.href);
await runCli();
