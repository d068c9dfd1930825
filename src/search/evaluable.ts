// A summary plus what the evaluator reads of the source (decoded text, the Date header's written
// day, the attachment structure), for a local search that needsSource().
import type { MessageSummary } from '../domain/index.js';
import type { EvaluableMessage } from './evaluate.js';

/** `raw` is the message (or its first part: the caller bounds it); a source that fails to parse is matched on its headers only. */
export async function evaluableWithSource(summary: MessageSummary, raw: Buffer): Promise<EvaluableMessage> {
  try {
    // The MIME stack loads on the first search that reads sources, not with the first frame.
    const { searchableMessage } = await import('../mime/searchable-text.js');
    const m = await searchableMessage(raw);
    const e: EvaluableMessage = { summary, source: m.text, hasAttachment: m.hasAttachment };
    if (m.writtenDay) e.writtenDay = m.writtenDay;
    return e;
  } catch {
    return { summary, source: raw.toString('utf8') };
  }
}
