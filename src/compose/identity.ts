// Who the user is for one account: the From addresses it may send as (config `identities`, else
// the one From of smtp.from / email / user), the one a reply goes out from, and the addresses that
// count as "self" when reply-all drops the user from the recipients.
import type { AccountConfig, IdentityConfig } from '../config/types.js';
import type { ParsedMessage } from '../mime/types.js';
import { addresses } from './draft.js';
import type { Identity } from './reply.js';

/** The From identities of an account, the default first; never empty (a From may be ''). */
export function identitiesOf(config: AccountConfig): IdentityConfig[] {
  if (config.identities?.length) return config.identities;
  return [{ from: config.smtp?.from ?? config.email ?? (config.user.includes('@') ? config.user : '') }];
}

/** The account's self for reply-all, with `from` as the From line (default: the first identity). */
export function identityOf(config: AccountConfig, from: string = identitiesOf(config)[0]!.from): Identity {
  const own = [config.email, config.user, config.smtp?.user].filter((a): a is string => !!a && a.includes('@'));
  for (const id of [{ from }, ...identitiesOf(config)]) own.push(...addressesOf(id.from));
  return { from, addresses: [...new Set(own.map((a) => a.toLowerCase()))] };
}

/**
 * The identity a reply to `original` goes out from: the first of the original's To, then Cc, then
 * Delivered-To / X-Original-To addresses that is one of ours; else the default.
 */
export function replyIdentity(config: AccountConfig, original: ParsedMessage): IdentityConfig {
  const ids = identitiesOf(config);
  const byAddress = new Map<string, IdentityConfig>();
  for (const id of ids) for (const a of addressesOf(id.from)) if (!byAddress.has(a.toLowerCase())) byAddress.set(a.toLowerCase(), id);
  const delivered = original.headerLines
    .map((l) => /^(?:delivered-to|x-original-to):\s*<?([^\s<>]+@[^\s<>]+)>?\s*$/i.exec(l)?.[1])
    .filter((a): a is string => !!a);
  for (const a of [...original.to.map((x) => x.address), ...original.cc.map((x) => x.address), ...delivered]) {
    const hit = byAddress.get(a.toLowerCase());
    if (hit) return hit;
  }
  return ids[0]!;
}

/** The identity after `current` in the list (wrapping), for the confirm screen's switch key. */
export function nextIdentity(config: AccountConfig, currentFrom: string): IdentityConfig {
  const ids = identitiesOf(config);
  const current = addressesOf(currentFrom)[0]?.toLowerCase();
  const i = ids.findIndex((id) => addressesOf(id.from)[0]?.toLowerCase() === current);
  return ids[(i + 1) % ids.length]!;
}

/** The identity whose address is `from`'s, if any. */
export function findIdentity(config: AccountConfig, from: string): IdentityConfig | undefined {
  const a = addressesOf(from)[0]?.toLowerCase();
  return a ? identitiesOf(config).find((id) => addressesOf(id.from)[0]?.toLowerCase() === a) : undefined;
}

function addressesOf(from: string): string[] {
  try {
    return addresses(from, 'From').map((a) => a.address);
  } catch {
    // A bad `from` is reported when sending; it is no reason to break reply-all here.
    return [];
  }
}
