// The message loader (the parser's worker client, wrapping, saving) is loaded when the first
// message is opened or the list is idle, not before the first frame.
import type { MessageLoader } from './message-loader.js';

export interface LazyLoader extends MessageLoader {
  /** Loads the real loader and starts its parser's worker, in the background (the list is idle). */
  warm(): void;
  /** Loads the real loader now (e.g. while the user reads the list); resolves when it is ready. */
  ready(): Promise<MessageLoader>;
}

export function lazyLoader(create: () => Promise<MessageLoader>): LazyLoader {
  let real: MessageLoader | undefined;
  let pending: Promise<MessageLoader> | undefined;
  const ready = () => {
    pending ??= create().then(
      (loader) => (real = loader),
      (err: unknown) => {
        pending = undefined; // a later open tries again
        throw err;
      },
    );
    return pending;
  };
  return {
    ready,
    // Every method and option passed on: a dropped one (the abort signal, saveSource, rawSource)
    // would silently switch a feature off in the real program only.
    load: async (account, path, uid, options) => (await ready()).load(account, path, uid, options),
    warm: () => {
      void ready().then(
        (loader) => loader.warm?.(),
        () => undefined,
      );
    },
    // Only called for a message load() returned, so the real loader is there by then.
    render: (text, width) => (real ? real.render(text, width) : text.split('\n')),
    saveAttachment: async (message, index, dir) => (await ready()).saveAttachment(message, index, dir),
    async saveSource(message, dir) {
      const loader = await ready();
      if (!loader.saveSource) throw new Error('saving the whole message is not available');
      return loader.saveSource(message, dir);
    },
    async rawSource(message, maxBytes) {
      const loader = await ready();
      if (!loader.rawSource) throw new Error('the raw source is not available');
      return loader.rawSource(message, maxBytes);
    },
    // The hand-off keys (O, W, |) need the real loader's optional parts.
    content: async (message, which) => {
      const l = await ready();
      if (!l.content) throw new Error('opening parts is not available');
      return l.content(message, which);
    },
    rawStream: async (message) => {
      const l = await ready();
      if (!l.rawStream) throw new Error('piping is not available');
      return l.rawStream(message);
    },
  };
}
