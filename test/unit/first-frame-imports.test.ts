// The first frame of the UI waits for every module loaded before it: the MIME stack (libmime,
// iconv-lite's tables, mailparser, html-to-text), compose and sending, OAuth2 and the
// hand-off's programs load on first use instead. In the bundle a module comes with its chunk and
// every chunk that chunk imports statically; this follows those imports from the chunks of the
// modules the UI imports before its first frame (src/ui/run.tsx, startup/load-ink.ts, and the IMAP
// account whose header cache the warm first screen reads) and lists what comes along.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bundle = join(repo, 'dist/bundle');
const built = existsSync(join(bundle, 'main.js'));
const options = built || process.env.CI ? {} : { skip: 'dist/bundle not built (npm run build)' };

/** Source modules the UI imports (import()) before its first frame is drawn. */
const FIRST_FRAME = [
  'src/cli/main.ts',
  'src/ui/run.tsx',
  'src/ui/startup/settings.ts',
  'src/ui/startup/passwords.ts',
  'src/ui/startup/ui-modules.ts',
  'src/ui/startup/view-modules.ts',
  'src/ui/state/controller.ts',
  'src/accounts/index.ts',
  'src/accounts/imap/imap-account.ts',
  'src/ui/mode-switcher.ts',
  'src/ui/terminal/cell-renderer.ts',
  'src/ui/startup/terminal-session.ts',
  'src/ui/terminal-sentinel.ts',
  'src/ui/startup/load-ink.ts',
  'src/ui/components/App.tsx',
  'src/ui/terminal-guard.ts',
  'src/ui/input-tap.ts',
];
// src/mime/render-body.ts and safe-filename.ts are plain text functions (no MIME library).
const LATER =
  /\/node_modules\/(libmime|iconv-lite|encoding-japanese|mailparser|html-to-text|nodemailer|fast-xml-parser|imapflow)\/|\/src\/(mime\/(?!render-body|safe-filename)|compose\/(?!identity|address|draft)|handoff\/(mailcap|open-content|open-file|pipe-command|private-temp)|auth\/oauth2|discovery)/;

/** The chunks `sources` load with them (static imports, followed). */
function bundleWalk() {
  const contents = JSON.parse(readFileSync(join(repo, 'dist/bundle-contents.json'), 'utf8')) as Record<string, string[]>;
  const chunkOf = (source: string): string => {
    const hit = Object.keys(contents).find((chunk) => contents[chunk]!.includes(join(repo, source)));
    assert.ok(hit, `${source} is in no chunk of dist/bundle (stale build?)`);
    return hit;
  };
  const loaded = new Set<string>();
  const visit = (chunk: string): void => {
    if (loaded.has(chunk)) return;
    loaded.add(chunk);
    const text = readFileSync(join(bundle, chunk), 'utf8');
    // Static imports only: esbuild writes them as `import … from "./chunk-X.js";` at the top.
    for (const m of text.matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+\.js)";/gm)) visit(m[1]!);
  };
  const matching = (re: RegExp) =>
    [...loaded]
      .flatMap((chunk) => contents[chunk] ?? [])
      .filter((m) => re.test(m))
      .map((m) => m.replace(/.*\/(node_modules|src)\//, '$1/'));
  return { contents, chunkOf, loaded, visit, matching };
}

test('the modules of the first frame bring no MIME, sending, hand-off or OAuth2 code along', options, () => {
  const { contents, chunkOf, loaded, visit, matching } = bundleWalk();
  for (const source of FIRST_FRAME) visit(chunkOf(source));
  const early = matching(LATER);
  assert.deepEqual(early, [], `loaded before the first frame: ${early.join(', ')}`);
  // The check sees what it looks for: the message loader's chunks do bring libmime.
  const mime = new Set<string>();
  const before = new Set(loaded);
  visit(chunkOf('src/mime/parse-message.ts'));
  for (const chunk of loaded) if (!before.has(chunk)) for (const m of contents[chunk] ?? []) mime.add(m);
  assert.ok(
    [...mime].some((m) => /\/node_modules\/libmime\//.test(m)),
    'libmime not found behind src/mime/parse-message.ts',
  );
});

/** What createDefaultLoader imports to read messages (before its `return {`); parsing is in the worker. */
function readingModules(): string[] {
  const source = readFileSync(join(repo, 'src/ui/message-loader.ts'), 'utf8');
  const start = source.indexOf('export async function createDefaultLoader');
  const creation = source.slice(start, source.indexOf('  return {', start));
  const imported = [...creation.matchAll(/import\('([^']+)\.js'\)/g)].map((m) => join('src/ui', m[1]!));
  assert.ok(imported.length >= 2, "createDefaultLoader's imports found");
  return ['src/ui/message-loader.ts', ...imported.map((m) => (existsSync(join(repo, `${m}.ts`)) ? `${m}.ts` : `${m}.tsx`))];
}
const MAIL_LIBRARIES = /\/node_modules\/(libmime|iconv-lite|encoding-japanese|mailparser|html-to-text|libqp|libbase64|@zone-eu)\//;

test('reading a message loads no mail library on the UI thread: they load in the parser worker', options, () => {
  const walk = bundleWalk();
  for (const source of readingModules()) walk.visit(walk.chunkOf(source));
  const onUiThread = walk.matching(MAIL_LIBRARIES);
  assert.deepEqual(onUiThread, [], `loaded on the UI thread to read a message: ${onUiThread.join(', ')}`);
  // The check sees what it looks for: the worker's chunks do bring them.
  const worker = bundleWalk();
  worker.visit(worker.chunkOf('src/mime/parse-worker.ts'));
  assert.ok(worker.matching(/\/node_modules\/mailparser\//).length > 0, 'mailparser not found behind src/mime/parse-worker.ts');
});
