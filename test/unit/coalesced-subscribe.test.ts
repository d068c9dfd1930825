// The UI's store subscription: any number of writes reach the listener (React's re-render) once,
// after the promise callbacks queued by the code that wrote them have run, in the same turn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesced } from '../../src/ui/components/coalesced-subscribe.js';
import { Store } from '../../src/ui/state/store.js';

const turn = () => new Promise((r) => setImmediate(r));

test('writes notify once, after the queued promise callbacks of the writer, before the next turn', async () => {
  const store = new Store({ n: 0 });
  const seen: number[] = [];
  const off = coalesced(store.subscribe)(() => seen.push(store.getState().n));
  const chain: string[] = [];
  // Queued before the writes: a notification deferred to the next turn would come after it.
  setImmediate(() => chain.push(`next turn ${seen.length}`));
  store.set({ n: 1 });
  store.set({ n: 2 });
  void Promise.resolve()
    .then(() => chain.push('a'))
    .then(() => chain.push(`b ${seen.length}`));
  await Promise.resolve();
  assert.deepEqual(seen, [], 'not within the writer’s own chain of promises');
  await turn();
  assert.deepEqual(seen, [2], 'once, with the latest state');
  assert.deepEqual(chain, ['a', 'b 0', 'next turn 1'], 'after the queued promise callbacks, before the next turn');
  store.set({ n: 3 });
  await turn();
  assert.deepEqual(seen, [2, 3]);
  off();
});

test('the same function for the same subscribe (React re-subscribes on a new one); unsubscribing drops a pending notification', async () => {
  const store = new Store({ n: 0 });
  assert.equal(coalesced(store.subscribe), coalesced(store.subscribe));
  let calls = 0;
  const off = coalesced(store.subscribe)(() => calls++);
  store.set({ n: 1 });
  off();
  await turn();
  assert.equal(calls, 0);
  store.set({ n: 2 });
  await turn();
  assert.equal(calls, 0);
});
