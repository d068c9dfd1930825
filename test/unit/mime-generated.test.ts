// The test generator writes "realistic" mail (multipart/alternative, attachments with non-ASCII
// names, RFC 2047 subjects); everything it writes must parse cleanly, with no warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMessage, sanitizeLine } from '../../src/mime/index.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { assertInert } from './mime-helpers.js';

test('generated messages parse without warnings, with their subjects and a body', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'tmail-mime-gen-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { messages } = await generateMaildir(root, { count: 80, seed: 7 });
  assert.ok(messages && messages.length === 80);
  const sources = new Set<string>();
  let withAttachments = 0;
  for (const m of messages) {
    const parsed = await parseMessage(readFileSync(m.file));
    assert.deepEqual(parsed.warnings, [], m.file);
    assert.equal(parsed.subject, sanitizeLine(m.subject).replace(/ {2,}/g, ' ').trim(), m.file);
    assert.equal(parsed.messageId, m.messageId.startsWith('<') ? m.messageId : `<${m.messageId}>`);
    assert.equal(parsed.date?.getTime(), Math.floor(m.date.getTime() / 1000) * 1000);
    assert.ok(parsed.from.length === 1 && parsed.from[0]!.address.includes('@'));
    assert.ok(parsed.bodyText.trim().length > 0, `empty body in ${m.file}`);
    for (const a of parsed.attachments) assert.ok(a.filenameFromMessage && a.size > 0, a.filename);
    if (parsed.attachments.length > 0) withAttachments++;
    sources.add(parsed.bodySource);
    assertInert(parsed);
  }
  assert.ok(withAttachments > 0, 'the sample includes attachments');
  assert.ok(sources.has('plain'));
});
