// What the reader shows for a message tmail could not read within its limits (the parser's
// worker ran out of time or memory), and the list's envelope as the stand-in for a header block
// that could not be read: the reader and the list then show the same From and Subject.
import type { MessageSummary } from '../domain/index.js';
import { sanitizeLine, sanitizeText } from '../text/sanitize.js';
import { formatAddresses, formatReaderDate, type ReaderMessage } from './reader-message.js';

const SHOWN_RAW_CHARS = 64 * 1024;
const SAVE_HINT = 'Press s to save the whole message (.eml) and read it elsewhere, or V to see its raw source.';

export function overLimitMessage(rawHead: Buffer, detail: string, envelope: MessageSummary | undefined): ReaderMessage {
  let text = sanitizeText(rawHead.toString('utf8'));
  if (text.length > SHOWN_RAW_CHARS) text = text.slice(0, SHOWN_RAW_CHARS);
  return {
    ...envelopeFields(envelope),
    text,
    headerLines: [],
    attachments: [],
    warnings: [sanitizeLine(`This message is over tmail's limits (${detail}); the start of its raw source is shown below.`), SAVE_HINT],
    cut: true,
  };
}

/** Fills what the message's own headers did not give from the envelope, and says so. */
export function withEnvelope(msg: ReaderMessage, envelope: MessageSummary | undefined): ReaderMessage {
  if (!envelope || (msg.headerLines.length > 0 && (msg.from !== '' || msg.subject !== ''))) {
    return msg.cut ? { ...msg, warnings: [...msg.warnings, SAVE_HINT] } : msg;
  }
  const env = envelopeFields(envelope);
  if (env.from === '' && env.subject === '') return msg;
  return {
    ...msg,
    ...env,
    warnings: [...msg.warnings, "The message's header block could not be read; From, To, Date and Subject are the server's summary.", SAVE_HINT],
    cut: true,
  };
}

function envelopeFields(envelope: MessageSummary | undefined): Pick<ReaderMessage, 'from' | 'to' | 'cc' | 'date' | 'subject'> {
  if (!envelope) return { from: '(unknown)', to: '', cc: '', date: '(unknown)', subject: '(unknown)' };
  return {
    from: formatAddresses(envelope.from),
    to: formatAddresses(envelope.to),
    cc: formatAddresses(envelope.cc),
    date: formatReaderDate(envelope.date),
    subject: sanitizeLine(envelope.subject),
  };
}
