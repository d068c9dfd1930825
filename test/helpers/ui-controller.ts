// Shared bits for tests that drive the UI controller without rendering.
import type { MessageLoader } from '../../src/ui/message-loader.js';
import type { UiController } from '../../src/ui/state/controller.js';

/** For tests that never open a message. */
export const noLoader: MessageLoader = {
  load: async () => {
    throw new Error('not used');
  },
  render: (t) => t.split('\n'),
  saveAttachment: async () => '',
};

/** Waits for the controller's background work (a generous bound, not a timing assertion). */
export async function until(pred: () => boolean, what: string, c: UiController): Promise<void> {
  const end = Date.now() + 60_000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; error: ${c.state.error ?? '-'}, info: ${c.state.info ?? '-'}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
