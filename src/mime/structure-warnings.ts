// Warnings about a message's MIME structure. mailparser repairs what it can silently; the only
// place the damage is visible is its part tree, which it does not document. We read that tree
// defensively: if its shape ever changes we just report fewer warnings, never crash.
import iconv from 'iconv-lite';

interface PartNode {
  contentType?: unknown;
  isAttachment?: unknown;
  children?: unknown;
  node?: { charset?: unknown; multipart?: unknown };
}

// Charsets libmime decodes with encoding-japanese rather than iconv-lite.
const JAPANESE = /^(iso-?2022-?jp|shift[-_]?jis|sjis|euc-?jp)/i;

function isKnownCharset(charset: string): boolean {
  const name = charset.trim().replace(/^["']|["']$/g, '');
  if (name === '' || JAPANESE.test(name)) return true;
  try {
    return iconv.encodingExists(name) && !/^utf-?7/i.test(name);
  } catch {
    return false;
  }
}

export interface StructureReport {
  warnings: string[];
  /** A multipart part had no sub-parts: its content never reached the parser's text or attachments. */
  emptyMultipart: boolean;
}

export function structureWarnings(tree: unknown): StructureReport {
  const warnings = new Set<string>();
  let emptyMultipart = false;
  const visit = (part: PartNode, depth: number): void => {
    if (depth > 100) return;
    const type = typeof part.contentType === 'string' ? part.contentType : '';
    const children = Array.isArray(part.children) ? (part.children as PartNode[]) : [];
    if (type.startsWith('multipart/') && children.length === 0) {
      emptyMultipart = true;
      warnings.add(`A ${type} part has no sub-parts (its boundary is missing or wrong); some content may be hidden.`);
    }
    const charset = part.node?.charset;
    if (typeof charset === 'string' && part.isAttachment !== true && !isKnownCharset(charset)) {
      warnings.add(`Character set "${charset.slice(0, 40)}" is unknown or unsafe; the text was read as UTF-8.`);
    }
    for (const child of children) if (child && typeof child === 'object') visit(child, depth + 1);
  };
  if (tree && typeof tree === 'object') visit(tree as PartNode, 0);
  return { warnings: [...warnings], emptyMultipart };
}
