// What the reader pane shows of a message, and how its header values are written. Its own module
// so the loader and the over-the-limits view (which the loader imports lazily) share it without
// importing each other.
import type { Address } from '../domain/index.js';
import { sanitizeLine } from '../text/sanitize.js';

export interface ReaderAttachment {
  filename: string;
  contentType: string;
  size: number;
}

export interface ReaderMessage {
  from: string;
  to: string;
  cc: string;
  date: string;
  subject: string;
  /** Body as plain text (HTML already converted), sanitized, not yet wrapped. */
  text: string;
  /** Every header line, sanitized, for the full-headers view. */
  headerLines: string[];
  attachments: ReaderAttachment[];
  /** Problems with the message's structure, for the user (already sanitized). */
  warnings: string[];
  /** Where the message lives ("on the server", "local cache, deleted from the server"). */
  location?: string;
  /** True when the message was over the limits and only part of it is shown (`s` saves it whole). */
  cut?: boolean;
}

export function formatAddresses(list: Address[]): string {
  return sanitizeLine(list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', '));
}

const two = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Local time, unambiguous and short: `Sun 2024-03-10 10:40`. */
export function formatReaderDate(d: Date | undefined): string {
  if (!d || Number.isNaN(d.getTime())) return '(no valid date)';
  return `${DAYS[d.getDay()]} ${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
