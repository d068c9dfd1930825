// Who the user is for one account: the From line of new mail and the addresses that count as
// "self" when reply-all drops the user from the recipients.
import type { AccountConfig } from '../config/types.js';
import { addresses } from './draft.js';
import type { Identity } from './reply.js';

export function identityOf(config: AccountConfig): Identity {
  const from = config.smtp?.from ?? config.email ?? (config.user.includes('@') ? config.user : '');
  const own = [config.email, config.user, config.smtp?.user].filter((a): a is string => !!a && a.includes('@'));
  try {
    own.push(...addresses(from, 'From').map((a) => a.address));
  } catch {
    // A bad `from` is reported when sending; it is no reason to break reply-all here.
  }
  return { from, addresses: [...new Set(own.map((a) => a.toLowerCase()))] };
}
