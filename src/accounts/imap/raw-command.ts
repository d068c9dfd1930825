// imapflow has no SORT or THREAD (RFC 5256). Rather than order envelopes of a whole folder on the
// client, tmail registers one small command on the connection and sends such commands through
// imapflow's own pipeline (`run` → IDLE is broken and resumed like for any built-in command).
// This is the one place that touches imapflow internals (`commands`, `run`, `exec`); when they
// are missing, callers fall back (arrival order, local threading).
import type { ImapFlow } from 'imapflow';

const COMMAND = 'TMAIL_RAW_COMMAND';

export interface RawUntagged {
  attributes?: Array<{ value?: unknown }>;
  numbers?: number[];
}
type UntaggedHandler = (untagged: RawUntagged) => void;

interface Internals {
  commands?: Map<string, (connection: Internals, ...args: unknown[]) => Promise<unknown>>;
  run?: (command: string, ...args: unknown[]) => Promise<unknown>;
  exec?: (command: string, attributes: unknown[], options: { untagged: Record<string, (u: RawUntagged) => Promise<void>> }) => Promise<{ next: () => void }>;
}

export const atom = (value: string) => ({ type: 'ATOM', value });

/** True when imapflow's internals look as expected, so runRawCommand can be used. */
export function canRunRaw(client: ImapFlow): boolean {
  const internals = client as unknown as Internals;
  return internals.commands instanceof Map && typeof internals.run === 'function';
}

/**
 * Sends `command attributes…` on the selected mailbox and hands every untagged `untaggedName`
 * response to `onUntagged`. Resolves false when the internals are missing.
 */
export async function runRawCommand(
  client: ImapFlow,
  command: string,
  attributes: unknown[],
  untaggedName: string,
  onUntagged: UntaggedHandler,
): Promise<boolean> {
  if (!canRunRaw(client)) return false;
  const internals = client as unknown as Internals;
  if (!internals.commands!.has(COMMAND)) {
    internals.commands!.set(COMMAND, async (connection, ...args) => {
      const [cmd, attrs, name, handler] = args as [string, unknown[], string, UntaggedHandler];
      const response = await connection.exec!(cmd, attrs, { untagged: { [name]: async (u) => handler(u) } });
      response.next();
      return true;
    });
  }
  return (await internals.run!(COMMAND, command, attributes, untaggedName, onUntagged)) === true;
}
