// The demo mailbox: ~50 varied messages written for the demo (a guide, a thread, HTML,
// attachments, non-ASCII in several scripts). Deterministic apart from dates, which are placed
// in the last weeks so the list looks alive. CRLF line endings, as on the wire.

export interface SampleMessage {
  raw: Buffer;
  flags: string[];
  date: Date;
}

const DOMAIN = 'demo.tmail.invalid';

function encodeWord(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\u0020-\u007e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function addr(name: string, user: string): string {
  return `${encodeWord(name)} <${user}@${DOMAIN}>`;
}

function b64(data: Buffer | string): string {
  return (Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')).toString('base64').replace(/.{76}/g, '$&\r\n');
}

interface Spec {
  from: [string, string];
  subject: string;
  body: string;
  html?: string;
  attachments?: { name: string; type: string; data: Buffer }[];
  inReplyTo?: number;
  flags?: string[];
  cc?: [string, string];
}

const YOU: [string, string] = ['You', 'demo'];

function build(i: number, spec: Spec, date: Date, ids: string[]): Buffer {
  const id = `<demo-${i}@${DOMAIN}>`;
  ids[i] = id;
  const head = [
    `Message-ID: ${id}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `From: ${addr(...spec.from)}`,
    `To: ${addr(...YOU)}`,
    ...(spec.cc ? [`Cc: ${addr(...spec.cc)}`] : []),
    `Subject: ${encodeWord(spec.subject)}`,
    ...(spec.inReplyTo !== undefined ? [`In-Reply-To: ${ids[spec.inReplyTo]}`, `References: ${ids[spec.inReplyTo]}`] : []),
    'MIME-Version: 1.0',
  ];
  const text = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', b64(spec.body)].join('\r\n');
  let bodyPart = text;
  if (spec.html) {
    const html = ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', b64(spec.html)].join('\r\n');
    bodyPart = [`Content-Type: multipart/alternative; boundary="alt-${i}"`, '', `--alt-${i}`, text, `--alt-${i}`, html, `--alt-${i}--`, ''].join('\r\n');
  }
  if (!spec.attachments?.length) return Buffer.from([...head, bodyPart].join('\r\n') + '\r\n');
  const parts = spec.attachments.map((a) =>
    [
      `Content-Type: ${a.type}; name="${encodeWord(a.name)}"`,
      `Content-Disposition: attachment; filename="${encodeWord(a.name)}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64(a.data),
    ].join('\r\n'),
  );
  const mixed = [`Content-Type: multipart/mixed; boundary="mix-${i}"`, '', 'This is a multi-part message in MIME format.', `--mix-${i}`, bodyPart];
  for (const p of parts) mixed.push(`--mix-${i}`, p);
  mixed.push(`--mix-${i}--`, '');
  return Buffer.from([...head, ...mixed].join('\r\n'));
}

const GUIDE = `Welcome to the tmail demo!

This mailbox lives inside tmail itself: a tiny IMAP server and a tiny POP3
server share it, and tmail has two accounts on it.

  Demo (IMAP)  - the mail stays on the server. Reading a message sets the
                 \\Seen flag ON THE SERVER, so every other device sees it.
  Demo (POP3)  - press $ to download: messages are copied into a local
                 cache and then DELETED from the server (RETR, DELE, QUIT).
                 Flags you set afterwards stay on this computer only.

Things to try:
  1. Press t: the protocol trace opens under the mail. Read a message in
     Demo (IMAP) and watch "UID STORE ... +FLAGS (\\Seen)" appear - the
     server was told. T shows the trace full screen to scroll back.
  2. Go to Demo (POP3) and press $: the trace shows RETR / DELE / QUIT.
  3. Back in Demo (IMAP), INBOX is now empty: POP3 took the mail away.
  4. M switches an account between IMAP and POP3 and says first what
     that does to the mail on the server.

Passwords never appear in the trace: LOGIN demo ***.
`;

const PEOPLE: [string, string][] = [
  ['Ada Lovelace', 'ada'],
  ['Grace Hopper', 'grace'],
  ['Linus Pauling', 'linus'],
  ['Jürgen Müller', 'juergen'],
  ['山田 太郎', 'taro'],
  ['Zoë Ødegaard', 'zoe'],
  ['Олег Петров', 'oleg'],
  ['محمد علي', 'mohamed'],
  ['Ops Bot', 'ops'],
];

function specs(): Spec[] {
  const out: Spec[] = [];
  out.push({ from: ['tmail demo', 'guide'], subject: 'Start here: IMAP and POP3 side by side', body: GUIDE, flags: ['\\Flagged'] });
  // A thread of five.
  const root = out.length;
  out.push({ from: PEOPLE[0]!, subject: 'Lunch on Friday?', body: 'Shall we try the new place on the corner?\n\nAda' });
  out.push({ from: PEOPLE[1]!, subject: 'Re: Lunch on Friday?', body: 'Count me in. 12:30?\n\n> Shall we try the new place on the corner?', inReplyTo: root });
  out.push({ from: PEOPLE[0]!, subject: 'Re: Lunch on Friday?', body: '12:30 works.\n\n> Count me in. 12:30?', inReplyTo: root + 1 });
  out.push({ from: PEOPLE[3]!, subject: 'Re: Lunch on Friday?', body: 'Ich komme auch – bis Freitag!\n\n> 12:30 works.', inReplyTo: root + 2, cc: PEOPLE[0] });
  out.push({ from: PEOPLE[1]!, subject: 'Re: Lunch on Friday?', body: 'Great, table for three.', inReplyTo: root + 3 });
  out.push({
    from: ['Weekly Digest', 'digest'],
    subject: 'This week in terminals: 5 tips',
    body: 'Tip 1: use tmux.\nTip 2: set TERM correctly.\n(HTML version attached as alternative.)',
    html: '<html><body><h1>This week in terminals</h1><p>Five tips:</p><ol><li>Use <b>tmux</b>.</li><li>Set <code>TERM</code> correctly.</li><li>Learn <i>one</i> editor well.</li></ol><table><tr><th>Tool</th><th>Stars</th></tr><tr><td>tmux</td><td>30k</td></tr><tr><td>tmail</td><td>1</td></tr></table></body></html>',
  });
  out.push({
    from: PEOPLE[2]!,
    subject: 'Report with attachments',
    body: 'The quarterly report and the raw numbers are attached.',
    attachments: [
      { name: 'report.txt', type: 'text/plain', data: Buffer.from('Quarterly report\n================\nAll good.\n') },
      { name: 'numbers.csv', type: 'text/csv', data: Buffer.from('month,count\njan,10\nfeb,12\nmar,9\n') },
    ],
  });
  out.push({
    from: PEOPLE[4]!,
    subject: '会議の議事録',
    body: '山田です。\n本日の会議の議事録を添付します。\nよろしくお願いします。',
    attachments: [{ name: '議事録.txt', type: 'text/plain', data: Buffer.from('議事録\n- 予算\n- 日程\n') }],
  });
  out.push({ from: PEOPLE[5]!, subject: 'Smørrebrød recipe 🥪', body: 'Rye bread, butter, toppings. Ærlig talt: the best lunch.' });
  out.push({ from: PEOPLE[6]!, subject: 'Привет из Москвы', body: 'Привет! Как дела? Посылаю фотографии на следующей неделе.' });
  out.push({ from: PEOPLE[7]!, subject: 'مرحبا', body: 'مرحبا، كيف حالك؟' });
  out.push({
    from: PEOPLE[8]!,
    subject: 'Nightly build: binary attached',
    body: 'Build #1234 finished. The artifact is attached.',
    attachments: [{ name: 'build.bin', type: 'application/octet-stream', data: Buffer.from(Array.from({ length: 600 }, (_, k) => (k * 37) % 256)) }],
  });
  out.push({
    from: PEOPLE[0]!,
    subject: 'A long message',
    body: Array.from(
      { length: 60 },
      (_, k) => `Paragraph ${k + 1}: the analytical engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.`,
    ).join('\n\n'),
  });
  const topics = [
    'Invoice',
    'Meeting notes',
    'Holiday plans',
    'Server maintenance',
    'Book club',
    'Garden update',
    'Bug report',
    'Conference CFP',
    'New laptop',
    'Weekend hike',
  ];
  while (out.length < 50) {
    const k = out.length;
    const who = PEOPLE[k % PEOPLE.length]!;
    const topic = topics[k % topics.length]!;
    out.push({
      from: who,
      subject: `${topic} #${k}`,
      body: `Hello,\n\nthis is message ${k} about ${topic.toLowerCase()}.\n\nBest,\n${who[0]}`,
      flags: k % 3 === 0 ? ['\\Seen'] : k % 7 === 0 ? ['\\Seen', '\\Answered'] : [],
    });
  }
  return out;
}

/** The demo mailbox's INBOX, oldest first (so the guide is the newest, on top). */
export function sampleMessages(now = new Date()): SampleMessage[] {
  const list = specs();
  const ids: string[] = [];
  // Built oldest → newest; the guide (spec 0) must be the newest, so it goes last.
  const order = [...list.keys()].slice(1).concat(0);
  const hour = 3_600_000;
  const built: SampleMessage[] = [];
  order.forEach((specIndex, n) => {
    const date = new Date(now.getTime() - (order.length - n) * 7 * hour);
    built.push({ raw: build(specIndex, list[specIndex]!, date, ids), flags: list[specIndex]!.flags ?? [], date });
  });
  return built;
}
