// The SORT extension command registered on imapflow's pipeline (imapflow has no SORT of its own).
// A fake connection stands in for imapflow's internals, so this checks the command we send and
// how the untagged SORT answer is read; the real server round trip is in the integration tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { serverCanSort, sortUids } from '../../src/accounts/imap/sort-command.js';

const sortUidsByDateDesc = (client: ImapFlow) => sortUids(client, ['REVERSE', 'DATE']);

function fakeClient(caps: string[], answer: Array<{ value: string }> | { numbers: number[] }) {
  const sent: Array<{ command: string; attributes: unknown }> = [];
  const client = {
    capabilities: new Map(caps.map((c) => [c, true])),
    commands: new Map<string, (connection: unknown, ...args: unknown[]) => Promise<unknown>>(),
    async run(this: { commands: Map<string, (connection: unknown, ...args: unknown[]) => Promise<unknown>> }, name: string, ...args: unknown[]) {
      const handler = this.commands.get(name);
      return handler ? handler(this, ...args) : false;
    },
    async exec(command: string, attributes: unknown, options: { untagged: Record<string, (u: unknown) => Promise<void>> }) {
      sent.push({ command, attributes });
      await options.untagged.SORT!(Array.isArray(answer) ? { attributes: answer } : answer);
      return { next: () => undefined };
    },
  };
  return { client: client as unknown as ImapFlow, sent };
}

test('without the SORT capability there is no server sort (caller falls back to arrival order)', async () => {
  const { client, sent } = fakeClient(['IMAP4rev1'], []);
  assert.equal(serverCanSort(client), false);
  assert.equal(await sortUidsByDateDesc(client), null);
  assert.equal(sent.length, 0);
});

test('sends UID SORT (REVERSE DATE) UTF-8 ALL and returns the UIDs in server order', async () => {
  const { client, sent } = fakeClient(['SORT'], [{ value: '9' }, { value: '4' }, { value: 'junk' }, { value: '7' }]);
  assert.deepEqual(await sortUidsByDateDesc(client), [9, 4, 7]);
  assert.equal(sent[0]!.command, 'UID SORT');
  assert.deepEqual(sent[0]!.attributes, [
    [
      { type: 'ATOM', value: 'REVERSE' },
      { type: 'ATOM', value: 'DATE' },
    ],
    { type: 'ATOM', value: 'UTF-8' },
    { type: 'ATOM', value: 'ALL' },
  ]);
  // Registered once, reused.
  const again = fakeClient(['SORT'], { numbers: [3, 2, 1] });
  assert.deepEqual(await sortUidsByDateDesc(again.client), [3, 2, 1]);
});
