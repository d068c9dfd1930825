// `tmail --version` / `--help` must stay fast: they may not load the UI (ink, react) or the mail
// libraries. A module.register() resolve hook records every module URL the process resolves; the
// same recorder must see `conf` when a config command runs, which proves it can catch a load.
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

const HEAVY = /\/node_modules\/(ink|react|react-reconciler|imapflow|node-pop3|mailparser|html-to-text|nodemailer|conf|ajv)\//;

let run = 0;
/** Runs tmail with the recorder; `fromSource` runs src/cli/main.ts through tsx, else bin/tmail.js. */
function loadedModules(argv: string[], fromSource: boolean): { urls: string[]; status: number | null; stdout: string } {
  const log = join(dir, `log${++run}`);
  writeFileSync(log, '');
  const main = pathToFileURL(join(repo, 'src/cli/main.ts')).href;
  const args = fromSource
    ? ['--import', 'tsx', '--import', register, '--input-type=module', '-e', `const m = await import(${JSON.stringify(main)}); await m.runCli(process.argv.slice(1));`, '--', ...argv]
    : ['--import', register, join(repo, 'bin/tmail.js'), ...argv];
  const env = { ...process.env, TMAIL_IMPORT_LOG: log, TMAIL_CONFIG_DIR: join(dir, `cfg${run}`), TMAIL_DATA_DIR: join(dir, `data${run}`) };
  const r = spawnSync(process.execPath, args, { cwd: repo, env, encoding: 'utf8' });
  return { urls: readFileSync(log, 'utf8').split('\n').filter(Boolean), status: r.status, stdout: r.stdout };
}

for (const fromSource of [true, false]) {
  const label = fromSource ? 'src/cli/main.ts' : 'bin/tmail.js';
  const built = existsSync(join(repo, 'dist/cli/main.js'));
  // bin/tmail.js runs dist/, which `npm test` builds first (pretest); outside CI a missing build skips.
  const options = fromSource || built ? {} : process.env.CI ? {} : { skip: 'dist/ not built (npm run build)' };

  test(`${label} --version and --help load no UI or mail library`, options, () => {
    for (const argv of [['--version'], ['--help']]) {
      const r = loadedModules(argv, fromSource);
      assert.equal(r.status, 0, `${argv.join(' ')} failed`);
      assert.ok(r.stdout.length > 0);
      const heavy = r.urls.filter((u) => HEAVY.test(u));
      assert.deepEqual(heavy, [], `${label} ${argv.join(' ')} loaded: ${heavy.join(', ')}`);
    }
  });

  test(`${label}: the recorder does see a library when a command needs it`, options, () => {
    const r = loadedModules(['account', 'list'], fromSource);
    assert.equal(r.status, 0);
    assert.ok(r.urls.some((u) => /\/node_modules\/conf\//.test(u)), 'conf was not recorded');
  });
}
