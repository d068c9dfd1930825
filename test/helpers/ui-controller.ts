// Shared bits for tests that drive the UI controller without rendering.
import type { MailAccount } from '../../src/accounts/account.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import type { MessageLoader } from '../../src/ui/message-loader.js';
import { UiController } from '../../src/ui/state/controller.js';
import type { ControllerOptions } from '../../src/ui/state/controller-options.js';

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

/** Controller options for tests: the default keys, no message loader, 100x30, no polling. */
export function controllerOptions(accounts: ControllerOptions['accounts'], overrides: Partial<ControllerOptions> = {}): ControllerOptions {
  return { accounts, keys: buildKeyTable(), loader: noLoader, cols: 100, rows: 30, onQuit: () => undefined, pollMs: 0, ...overrides };
}

/** A started controller over `accounts` (fakes that name themselves), 100x30, no polling. */
export function startController(
  accounts: (MailAccount & { name: string; protocol: 'imap' | 'pop3' })[],
  overrides: Partial<ControllerOptions> = {},
): UiController {
  const c = new UiController(
    controllerOptions(
      accounts.map((a) => ({ name: a.name, protocol: a.protocol, create: async () => a })),
      overrides,
    ),
  );
  c.start();
  return c;
}
