// Writing config.json when the disk is full or the path is unusable: one clear ConfigError, the old
// file intact, no temp file left. ENOSPC needs a tiny tmpfs, which only root can mount.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { addAccount, loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/errors.js';
import type { AccountConfig } from '../../src/config/types.js';
import { mountTinyTmpfs, unmountAll } from '../helpers/tiny-tmpfs.js';

const base = mkdtempSync(join(tmpdir(), 'tmail-config-disk-'));
after(() => {
  unmountAll();
  rmSync(base, { recursive: true, force: true });
});

const account: AccountConfig = { name: 'work', protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', user: 'me' };

test('disk full while saving: clear error, old config untouched, no temp file', async (t) => {
  const dir = await mountTinyTmpfs(join(base, 'full'), 'size=16k,mode=0700');
  if (typeof dir !== 'string') return t.skip(dir.skip);
  const env = { TMAIL_CONFIG_DIR: dir, HOME: base };
  const original = JSON.stringify({ accounts: [account] });
  writeFileSync(join(dir, 'config.json'), original, { mode: 0o600 });
  // Fill the rest of the file system.
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(64 * 1024));
  } catch {
    /* ENOSPC expected: the filler takes what is left */
  }
  const big = { ...account, name: 'x'.repeat(40), passwordCommand: `echo ${'y'.repeat(20000)}` };
  await assert.rejects(addAccount({ env }, big), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, /config\.json: cannot write the config file: the disk is full$/);
    return true;
  });
  assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), original);
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'filler']);
  assert.deepEqual((await loadConfig({ env })).accounts, [account]);
});

test('a config path under a regular file: clear error', async () => {
  const file = join(base, 'plain-file');
  writeFileSync(file, 'x');
  await assert.rejects(addAccount({ env: {}, configPath: join(file, 'config.json') }, account), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, /plain-file: cannot create the config directory: a file of that name is in the way$/);
    return true;
  });
});
