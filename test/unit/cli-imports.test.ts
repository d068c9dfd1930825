// `tmail --version` / `--help` must stay fast: they may not load the UI (ink, react) or the mail
// libraries. A module.register() resolve hook records every module URL the process resolves; the
// same recorder must see `jsonc-parser` when a config command runs, which proves it can catch a load.
// Run from the bundle, a loaded chunk counts as every source module esbuild put into it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, test } from 'node:test';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tmail-imports-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hooks = join(dir, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TMAIL_IMPORT_LOG, result.url + '\\n');
  return result;
}
`,
);
const register = join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

const HEAVY = /\/node_modules\/(ink|react|react-reconciler|imapflow|node-pop3|mailparser|html-to-text|nodemailer|better-sqlite3)\//;

/** What only browsing a local folder needs (the UI, `tmail list`): header parsing and its charsets, the summary store, search. */
const SYNC_NEEDS_NOT =
  /\/node_modules\/(libmime|iconv-lite|encoding-japanese)\/|\/src\/(mime|search)\/|\/src\/store\/(summary-store|sqlite|local-folder-index)\.ts$/;

let run = 0;
/** Runs tmail with the recorder; `fromSource` runs src/cli/main.ts through tsx, else bin/tmail.js. */
function loadedModules(argv: string[], fromSource: boolean): { urls: string[]; status: number | null; stdout: string } {
  const log = join(dir, `log${++run}`);
  writeFileSync(log, '');
  const main = pathToFileURL(join(repo, 'src/cli/main.ts')).href;
  const args = fromSource
    ? [
        '--import',
        'tsx',
        '--import',
        register,
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(main)}); await m.runCli(process.argv.slice(1));`,
        '--',
        ...argv,
      ]
    : ['--import', register, join(repo, 'bin/tmail.js'), ...argv];
  const env = { ...process.env, TMAIL_IMPORT_LOG: log, TMAIL_CONFIG_DIR: join(dir, `cfg${run}`), TMAIL_DATA_DIR: join(dir, `data${run}`) };
  const r = spawnSync(process.execPath, args, { cwd: repo, env, encoding: 'utf8' });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { urls: fromSource ? urls : urls.flatMap(bundledModules), status: r.status, stdout: r.stdout };
}

/**
 * bin/tmail.js loads the bundle (dist/bundle/*.js): a file loaded there stands for the source
 * modules esbuild put in it (dist/bundle-contents.json, written by scripts/build-bundle.mjs).
 */
function bundledModules(url: string): string[] {
  const bundle = pathToFileURL(join(repo, 'dist/bundle/')).href;
  if (!url.startsWith(bundle)) return [url];
  const contents = JSON.parse(readFileSync(join(repo, 'dist/bundle-contents.json'), 'utf8')) as Record<string, string[]>;
  const inputs = contents[url.slice(bundle.length)];
  assert.ok(inputs, `${url} is not in dist/bundle-contents.json (stale build?)`);
  return inputs.map((file) => pathToFileURL(file).href);
}

for (const fromSource of [true, false]) {
  const label = fromSource ? 'src/cli/main.ts' : 'bin/tmail.js';
  const built = existsSync(join(repo, 'dist/bundle/main.js'));
  // bin/tmail.js runs dist/bundle/, which `npm test` builds first (pretest); outside CI a missing build skips.
  const options = fromSource || built ? {} : process.env.CI ? {} : { skip: 'dist/bundle not built (npm run build)' };

  test(`${label} --version and --help load no UI or mail library`, options, () => {
    for (const argv of [['--version'], ['--help']]) {
      const r = loadedModules(argv, fromSource);
      assert.equal(r.status, 0, `${argv.join(' ')} failed`);
      assert.ok(r.stdout.length > 0);
      const heavy = r.urls.filter((u) => HEAVY.test(u));
      assert.deepEqual(heavy, [], `${label} ${argv.join(' ')} loaded: ${heavy.join(', ')}`);
    }
  });

  test(`${label} sync of a POP3 account loads no MIME library, header store, search or UI`, options, () => {
    // A server that refuses the connection: everything up to the first network call is loaded.
    const config = join(dir, `pop3-${run}.json`);
    const account = {
      name: 'p',
      protocol: 'pop3',
      host: '127.0.0.1',
      port: 1,
      security: 'none',
      user: 'u',
      email: 'u@example.org',
      passwordCommand: 'printf x',
    };
    writeFileSync(config, JSON.stringify({ accounts: [account] }), { mode: 0o600 });
    const r = loadedModules(['--config', config, 'sync'], fromSource);
    assert.equal(r.status, 1, 'the sync fails (connection refused)');
    assert.ok(
      r.urls.some((u) => /\/src\/accounts\/pop3\/sync\.ts$/.test(u)),
      'the sync engine was loaded (else this test would not see what a sync loads)',
    );
    const needless = r.urls.filter((u) => HEAVY.test(u) || SYNC_NEEDS_NOT.test(u));
    assert.deepEqual(needless, [], `${label} sync loaded: ${needless.join(', ')}`);
  });

  test(`${label}: the recorder does see a library when a command needs it`, options, () => {
    const r = loadedModules(['account', 'list'], fromSource);
    assert.equal(r.status, 0);
    assert.ok(
      r.urls.some((u) => /\/node_modules\/jsonc-parser\//.test(u)),
      'jsonc-parser (the config reader) was not recorded',
    );
  });
}
