// Everything a server sends (headers, bodies, file names, folder names) passes through here
// before it reaches the terminal. Stripping only CSI (`ESC [`) is not enough: OSC, DCS, APC, PM
// and SOS strings, lone ESC, other C0 controls and the 8-bit C1 controls (U+0080–U+009F, which
// some terminals honour as CSI/OSC introducers) are all removed.

// ESC-introduced sequences: string-type (OSC ] / DCS P / SOS X / PM ^ / APC _) up to ST or BEL,
// CSI with parameters, and two-char escapes. A string sequence with no terminator within
// MAX_STRING_PAYLOAD characters loses only its introducer (ESC_OTHER / the control-character
// pass remove it): swallowing up to the end of input hid the rest of a subject or body behind
// one stray "ESC ]". The bound also keeps the scan linear when there are many of them.
const MAX_STRING_PAYLOAD = 4096;
const ESC_STRING = new RegExp(`\u001b[\\]PX^_][^\u0007\u001b\u009c]{0,${MAX_STRING_PAYLOAD}}(?:\u0007|\u001b\\\\|\u009c)`, 'g');
const ESC_CSI = /\u001b\[[0-?]*[ -/]*[@-~]?/g;
const ESC_OTHER = /\u001b[ -/]*[0-~]?/g;
// 8-bit C1 string introducers (DCS, SOS, OSC, PM, APC) with their payload, and CSI.
const C1_STRING = new RegExp(`[\u0090\u0098\u009d\u009e\u009f][^\u0007\u001b\u009c]{0,${MAX_STRING_PAYLOAD}}(?:\u0007|\u009c|\u001b\\\\)`, 'g');
const C1_CSI = /\u009b[0-?]*[ -/]*[@-~]?/g;
// Bidi overrides/isolates can reorder what the user sees (Trojan Source style spoofing).
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
// Unicode line/paragraph separators: some terminals break the line on them, which would let a
// one-line field (a subject) spill into the next row of the screen.
const SEPARATORS = /[\u2028\u2029]/g;

function stripSequences(s: string): string {
  return s.replace(ESC_STRING, '').replace(ESC_CSI, '').replace(ESC_OTHER, '').replace(C1_STRING, '').replace(C1_CSI, '').replace(BIDI, '');
}

/** A single-line string (subject, name, file name): every control character becomes a space. */
export function sanitizeLine(input: string): string {
  // eslint-disable-next-line no-control-regex
  return stripSequences(input).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/** Multi-line text (a body): keeps newlines, expands tabs to `tabWidth` columns, drops other controls. */
export function sanitizeText(input: string, tabWidth = 8): string {
  const text = stripSequences(input.replace(/\r\n?/g, '\n')).replace(SEPARATORS, '\n');
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  return cleaned
    .split('\n')
    .map((line) => expandTabs(line, tabWidth))
    .join('\n');
}

function expandTabs(line: string, tabWidth: number): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) {
    if (ch === '\t') out += ' '.repeat(tabWidth - (out.length % tabWidth));
    else out += ch;
  }
  return out;
}
