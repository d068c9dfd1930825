#!/usr/bin/env node
// The installed `tmail` command. The TypeScript sources are compiled to dist/ by `npm run build`
// (run automatically by `npm install` via `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tmail: not built yet (dist/ is missing); run: npm run build\n');
  process.exit(1);
}
const { runCli } = await import(entry.href);
await runCli();
