// Text styles of screen cells, interned to small integers so a cell compares in one step.
// A style is what the SGR sequences seen so far have switched on: attribute bits plus a
// foreground and a background colour (as SGR parameters, '' = the terminal's default).
export interface Style {
  bits: number;
  fg: string;
  bg: string;
}

// SGR attribute number -> bit. 22 turns off both bold and dim, as terminals do.
const ON: Record<number, number> = { 1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 7: 32, 8: 64, 9: 128 };
const OFF: Record<number, number> = { 22: 1 | 2, 23: 4, 24: 8, 25: 16, 27: 32, 28: 64, 29: 128 };
const BIT_PARAMS: [number, number][] = Object.entries(ON).map(([p, b]) => [b, Number(p)]);

const styles: Style[] = [{ bits: 0, fg: '', bg: '' }];
const ids = new Map<string, number>([['0||', 0]]);

/** The style with no attributes and default colours. */
export const DEFAULT_STYLE = 0;

export function styleId(s: Style): number {
  const key = `${s.bits}|${s.fg}|${s.bg}`;
  let id = ids.get(key);
  if (id === undefined) {
    id = styles.length;
    styles.push({ ...s });
    ids.set(key, id);
  }
  return id;
}

export function styleOf(id: number): Style {
  return styles[id]!;
}

/** The style after applying the parameters of one SGR sequence (`CSI params m`) to `id`. */
export function applySgr(id: number, params: string): number {
  const s = { ...styleOf(id) };
  const p = params === '' ? ['0'] : params.split(/[;:]/);
  for (let i = 0; i < p.length; i++) {
    const n = Number(p[i] || '0');
    if (n === 0) {
      s.bits = 0;
      s.fg = '';
      s.bg = '';
    } else if (ON[n]) s.bits |= ON[n];
    else if (OFF[n]) s.bits &= ~OFF[n];
    else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) s.fg = String(n);
    else if (n === 39) s.fg = '';
    else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) s.bg = String(n);
    else if (n === 49) s.bg = '';
    else if (n === 38 || n === 48) {
      // 38;5;N or 38;2;R;G;B (extended colours take their arguments with them).
      const take = p[i + 1] === '5' ? 2 : p[i + 1] === '2' ? 4 : 0;
      const colour = [String(n), ...p.slice(i + 1, i + 1 + take)].join(';');
      i += take;
      if (n === 38) s.fg = colour;
      else s.bg = colour;
    }
    // Anything else (overline, fonts, underline colours…) is not used by our components: dropped.
  }
  return styleId(s);
}

function params(s: Style): string[] {
  const out: string[] = [];
  for (const [bit, p] of BIT_PARAMS) if (s.bits & bit) out.push(String(p));
  if (s.fg) out.push(s.fg);
  if (s.bg) out.push(s.bg);
  return out;
}

/** The shortest SGR sequence that turns style `from` into style `to` ('' when equal). */
export function sgrTransition(from: number, to: number): string {
  if (from === to) return '';
  const a = styleOf(from);
  const b = styleOf(to);
  if (to === DEFAULT_STYLE) return '\u001b[m';
  // Switching an attribute off one by one is longer than starting over in practice.
  if (a.bits & ~b.bits) return `\u001b[0;${params(b).join(';')}m`;
  const out: string[] = [];
  for (const [bit, p] of BIT_PARAMS) if (b.bits & bit && !(a.bits & bit)) out.push(String(p));
  if (a.fg !== b.fg) out.push(b.fg || '39');
  if (a.bg !== b.bg) out.push(b.bg || '49');
  return `\u001b[${out.join(';')}m`;
}
