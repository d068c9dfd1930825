// A message as the list shows it (its summary), where it lives, how lists are ordered and what a
// search asks for.
import type { Address } from './address.js';
import type { Flag } from './flag.js';
import type { SearchNode } from './search.js';

/** Where a message's authoritative copy is; the UI shows this in words. */
export type MessageLocation = { kind: 'server' } | { kind: 'local'; onServer: false } | { kind: 'local'; onServer: true; deleteOnServerAfter?: Date };

export interface MessageSummary {
  /** Stable id inside one folder + uidValidity: the IMAP UID, or the POP3 cache's local id. */
  uid: number;
  flags: Flag[];
  /** Date header if parseable, else the arrival (internal) date. */
  date: Date;
  from: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  /** Message-IDs of the References header, oldest first (local threading; IMAP threads on the server). */
  references?: string[];
  /** Only in 'thread' windows: 0 for a thread's first message, 1 for a reply to it, and so on. */
  threadDepth?: number;
  /** Size in octets of the raw message. */
  size: number;
  hasAttachments: boolean;
  location: MessageLocation;
}

/**
 * How the message list is ordered. 'arrival' and 'date': position 0 is the newest. 'from' and
 * 'subject': alphabetical, newest first among equals. 'thread': conversations, the one with the
 * newest message first, each drawn depth-first (rows carry `threadDepth`).
 */
export type SortOrder = 'arrival' | 'date' | 'from' | 'subject' | 'thread';

export const SORT_ORDERS: readonly SortOrder[] = ['arrival', 'date', 'from', 'subject', 'thread'];

export interface SearchQuery {
  /** Free text matched against from/to/subject/body (backend decides how deep). */
  text?: string;
  from?: string;
  subject?: string;
  unseen?: boolean;
  flagged?: boolean;
  since?: Date;
  before?: Date;
  /** A parsed search expression (src/search), ANDed with the fields above. */
  expression?: SearchNode;
}
