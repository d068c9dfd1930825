// The "base subject" used to group messages whose References were lost: RFC 5256 section 2.1 in
// the small: strip reply/forward prefixes (Re:, Fwd:, Fw:, Aw:, Sv:, with counts like Re[2]:),
// mailing-list tags like [list], a trailing (fwd), and fold case and white space.

const PREFIX = /^\s*(?:(?:re|fwd?|aw|sv|antw|vs|ref|tr)\s*(?:\[\d+\])?\s*:|\[[^\]]*\])\s*/i;

export function baseSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (;;) {
    const before = s;
    s = s
      .replace(PREFIX, '')
      .replace(/\s*\(fwd\)\s*$/i, '')
      .trim();
    if (s === before) break;
  }
  return s.toLowerCase();
}

/** True when the subject carries a reply or forward prefix (mailing-list tags do not count). */
export function isReplySubject(subject: string): boolean {
  return /^\s*(?:\[[^\]]*\]\s*)*(?:re|fwd?|aw|sv|antw|vs|ref|tr)\s*(?:\[\d+\])?\s*:/i.test(subject);
}
