// A small JWZ threader (https://www.jwz.org/doc/threading.html) for folders whose server cannot
// thread (POP3's local copy, an IMAP server without THREAD=REFERENCES). No maintained npm package
// does this for our summary shape (the few on npm are unmaintained ports with their own message
// model), and the algorithm is short: link by References/In-Reply-To, drop empty containers,
// group the remaining roots by base subject. It never loops: a link that would make a message its
// own ancestor is refused, and duplicate Message-IDs get a container of their own.
import { baseSubject, isReplySubject } from './subject.js';
import { flattenThreads, type ThreadNode, type ThreadOrder } from './thread-tree.js';

export interface ThreadInput {
  uid: number;
  date: Date;
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
}

interface Container {
  message?: ThreadInput;
  parent?: Container;
  children: Container[];
}

/** Bounds the work a hostile References header can cause. */
const MAX_REFERENCES = 100;

function isAncestor(candidate: Container, of: Container): boolean {
  for (let c: Container | undefined = of; c; c = c.parent) if (c === candidate) return true;
  return false;
}

function unlink(child: Container): void {
  const p = child.parent;
  if (!p) return;
  const i = p.children.indexOf(child);
  if (i >= 0) p.children.splice(i, 1);
  child.parent = undefined;
}

function link(parent: Container, child: Container): void {
  if (parent === child || isAncestor(child, parent)) return;
  unlink(child);
  child.parent = parent;
  parent.children.push(child);
}

function referencesOf(m: ThreadInput): string[] {
  const refs = (m.references ?? []).slice(-MAX_REFERENCES);
  if (m.inReplyTo && refs[refs.length - 1] !== m.inReplyTo) refs.push(m.inReplyTo);
  return refs.filter((r) => r && r !== m.messageId);
}

/** Threads of `messages` as trees (children oldest first); roots in no particular order. */
export function threadTrees(messages: ThreadInput[]): ThreadNode[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const container = (id: string): Container => {
    let c = byId.get(id);
    if (!c) {
      c = { children: [] };
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };

  for (const m of messages) {
    let own: Container;
    const known = m.messageId ? byId.get(m.messageId) : undefined;
    if (m.messageId && (!known || !known.message)) {
      own = container(m.messageId);
    } else {
      // No Message-ID, or a duplicate one: a container nobody can reference.
      own = { children: [] };
      all.push(own);
    }
    own.message = m;
    const refs = referencesOf(m);
    let prev: Container | undefined;
    for (const id of refs) {
      const c = container(id);
      // Earlier links win: References of one message do not rewrite what another established.
      if (prev && !c.parent) link(prev, c);
      prev = c;
    }
    // The message's own last reference is authoritative for its parent.
    if (prev) link(prev, own);
    else unlink(own);
  }

  let roots = all.filter((c) => !c.parent);
  roots = pruneAll(roots);
  roots = groupBySubject(roots);
  return toNodes(roots);
}

/** Containers under `roots`, children before their parent (iterative: chains may be very deep). */
function postOrder(roots: Container[]): Container[] {
  const out: Container[] = [];
  const stack: Array<{ c: Container; expanded: boolean }> = roots.map((c) => ({ c, expanded: false }));
  while (stack.length) {
    const top = stack.pop()!;
    if (top.expanded) {
      out.push(top.c);
      continue;
    }
    stack.push({ c: top.c, expanded: true });
    for (const k of top.c.children) stack.push({ c: k, expanded: false });
  }
  return out;
}

/** Removes empty containers: their children move up; an empty root keeps several children together. */
function pruneAll(roots: Container[]): Container[] {
  for (const c of postOrder(roots)) {
    const kept: Container[] = [];
    for (const k of c.children) {
      if (k.message) kept.push(k);
      else for (const g of k.children) kept.push(g);
    }
    c.children = kept;
    for (const k of kept) k.parent = c;
  }
  return roots.flatMap((r) => {
    if (r.message || r.children.length > 1) return [r];
    const only = r.children[0];
    if (only) only.parent = undefined;
    return only ? [only] : [];
  });
}

function subjectOf(c: Container): string {
  const m = c.message ?? c.children.find((k) => k.message)?.message;
  return m?.subject ?? '';
}

/**
 * Roots with the same base subject are one conversation whose links were lost: replies hang under
 * the original when it is there, else all of them under a missing root. Two originals with the
 * same subject ("Hello") stay apart.
 */
function groupBySubject(roots: Container[]): Container[] {
  const groups = new Map<string, Container[]>();
  const out: Container[] = [];
  for (const r of roots) {
    const key = baseSubject(subjectOf(r));
    if (!key) {
      out.push(r);
      continue;
    }
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  for (const group of groups.values()) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const originals = group.filter((r) => r.message && !isReplySubject(r.message.subject));
    const replies = group.filter((r) => !originals.includes(r));
    if (originals.length > 0) {
      const leader = originals.reduce((a, b) => (dateOf(b) < dateOf(a) ? b : a));
      for (const r of replies) {
        if (r.message) link(leader, r);
        else for (const k of [...r.children]) link(leader, k);
      }
      out.push(...originals);
    } else {
      const holder: Container = { children: [] };
      for (const r of group) {
        if (r.message) link(holder, r);
        else for (const k of [...r.children]) link(holder, k);
      }
      out.push(holder);
    }
  }
  return out;
}

function dateOf(c: Container): number {
  return c.message?.date.getTime() || c.children[0]?.message?.date.getTime() || 0;
}

/** Children sorted oldest first (by the earliest message under each), built without recursion. */
function toNodes(roots: Container[]): ThreadNode[] {
  const earliest = new Map<Container, number>();
  const nodes = new Map<Container, ThreadNode>();
  for (const c of postOrder(roots)) {
    let min = c.message ? c.message.date.getTime() || 0 : Infinity;
    for (const k of c.children) min = Math.min(min, earliest.get(k)!);
    earliest.set(c, min);
    const children = [...c.children].sort((a, b) => earliest.get(a)! - earliest.get(b)! || firstUid(nodes.get(a)!) - firstUid(nodes.get(b)!));
    const node: ThreadNode = { children: children.map((k) => nodes.get(k)!) };
    if (c.message) node.uid = c.message.uid;
    nodes.set(c, node);
  }
  return roots.map((r) => nodes.get(r)!);
}

function firstUid(n: ThreadNode): number {
  let c: ThreadNode | undefined = n;
  while (c && c.uid === undefined) c = c.children[0];
  return c?.uid ?? 0;
}

/** The list order of a local folder's thread view: the thread with the newest message first. */
export function threadOrder(messages: ThreadInput[]): ThreadOrder {
  const dates = new Map(messages.map((m) => [m.uid, m.date.getTime() || 0]));
  const newest = (root: ThreadNode): number => {
    let max = -Infinity;
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.uid !== undefined) max = Math.max(max, dates.get(n.uid) ?? 0);
      stack.push(...n.children);
    }
    return max;
  };
  return flattenThreads(threadTrees(messages), newest);
}
