// The UI's store subscription: any number of writes in one turn of the event loop reach the
// listener (React's re-render) once, after the code that wrote them went on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesced } from '../../src/ui/components/coalesced-subscribe.js';
import { Store } from '../../src/ui/state/store.js';

const turn = () => new Promise((r) => setImmediate(r));

test('writes in one turn notify once, after the writer went on', async () => {
  const store = new Store({ n: 0 });
  const seen: number[] = [];
  const off = coalesced(store.subscribe)(() => seen.push(store.getState().n));
  store.set({ n: 1 });
  store.set({ n: 2 });
  await Promise.resolve();
  assert.deepEqual(seen, [], 'not within the writer’s own chain of promises');
  await turn();
  assert.deepEqual(seen, [2], 'once, with the latest state');
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
