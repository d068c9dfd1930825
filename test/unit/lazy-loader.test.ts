// The lazy loader (what the real program uses) passes every method and option on to the real one:
// a dropped one switched features off only outside the tests (abort signal, source view, saving).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MailAccount } from '../../src/accounts/account.js';
import { lazyLoader } from '../../src/ui/lazy-loader.js';
import type { LoadOptions, MessageLoader, ReaderMessage } from '../../src/ui/message-loader.js';

test('lazyLoader forwards load options, saveSource and rawSource', async () => {
  const calls: string[] = [];
  const message = { text: '' } as ReaderMessage;
  let seen: LoadOptions | undefined;
  const real: MessageLoader = {
    load: async (_a, _p, _u, options) => {
      seen = options;
      return message;
    },
    render: () => [],
    saveAttachment: async () => 'a',
    saveSource: async (_m, dir) => {
      calls.push(`save ${dir}`);
      return `${dir}/m.eml`;
    },
    rawSource: async (_m, max) => {
      calls.push(`raw ${max}`);
      return { lines: ['x'], cut: false };
    },
  };
  const lazy = lazyLoader(async () => real);
  const signal = new AbortController().signal;
  await lazy.load({} as MailAccount, 'INBOX', 1, { signal });
  assert.equal(seen?.signal, signal);
  assert.equal(await lazy.saveSource!(message, '/tmp'), '/tmp/m.eml');
  assert.deepEqual(await lazy.rawSource!(message, 10), { lines: ['x'], cut: false });
  assert.deepEqual(calls, ['save /tmp', 'raw 10']);
});
