// React renders a useSyncExternalStore update in a microtask, so every store write became a whole
// render (React, Yoga, Ink's output) before the code that wrote it could go on: on a cold start
// each step of opening the INBOX (connected, opening, counted, loading labels) drew a frame
// before its next IMAP command left. Through this, listeners hear of any number of writes once,
// after the current turn of the event loop (one setImmediate for every store, so the state and
// the window cache changing together make one render): commands go out first, then one frame
// shows where they stand. A key press still draws in the same turn of the loop.
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

/** `subscribe`, with notifications coalesced per turn of the event loop; the same function for the same `subscribe`. */
export function coalesced(subscribe: Subscribe): Subscribe {
  let wrapped = coalescedOf.get(subscribe);
  if (!wrapped) {
    wrapped = (listener) => {
      const off = subscribe(() => {
        due.add(listener);
        if (scheduled) return;
        scheduled = true;
        setImmediate(notifyDue);
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
