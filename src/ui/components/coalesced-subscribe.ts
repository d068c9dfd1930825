// React renders a useSyncExternalStore update in a microtask, so every store write became a whole
// render (React, Yoga, Ink's output) before the code that wrote it could go on: on a cold start
// each step of opening the INBOX (connected, opening, counted, loading labels) drew a frame
// before its next IMAP command left. Through this, listeners hear of any number of writes once,
// when the promise callbacks queued so far have all run (a nextTick queued from a microtask runs
// after the microtask queue is empty): commands go out first, then one frame (the state and the
// window cache together) shows where they stand — still in the same turn of the event loop, so
// neither a key press nor rows that arrived wait behind the next socket read (imapflow processes
// long responses in setImmediate slices: a setImmediate here would land after the next one).
type Subscribe = (listener: () => void) => () => void;

const coalescedOf = new WeakMap<Subscribe, Subscribe>();
const due = new Set<() => void>();
let scheduled = false;

function notifyDue(): void {
  scheduled = false;
  const listeners = [...due];
  due.clear();
  for (const l of listeners) l();
}

/** `subscribe`, with notifications coalesced until the queued promise callbacks have run; the same function for the same `subscribe`. */
export function coalesced(subscribe: Subscribe): Subscribe {
  let wrapped = coalescedOf.get(subscribe);
  if (!wrapped) {
    wrapped = (listener) => {
      const off = subscribe(() => {
        due.add(listener);
        if (scheduled) return;
        scheduled = true;
        queueMicrotask(() => process.nextTick(notifyDue));
      });
      return () => {
        due.delete(listener);
        off();
      };
    };
    coalescedOf.set(subscribe, wrapped);
  }
  return wrapped;
}
