// Sequence sets, dates and flag lists for the demo IMAP server.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses `1:3,5,7:*` into a membership test; `*` is `max` (a range's ends may come in any order). */
export function parseSet(set: string, max: number): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const piece of set.split(',')) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(piece);
    if (!m) return undefined;
    const a = m[1] === '*' ? max : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '*' ? max : Number(m[2]);
    ranges.push([Math.min(a, b), Math.max(a, b)]);
  }
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

export function internalDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** `1-Feb-1994` → midnight UTC of that day. */
export function parseSearchDate(s: string): Date | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  if (!m) return undefined;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(m[3]), month, Number(m[1])));
}

export function flagList(flags: Iterable<string>): string {
  return `(${[...flags].join(' ')})`;
}
