// The shape both threaders produce (the server's THREAD response and the local JWZ threader), and
// how a forest of threads becomes list rows: threads newest first, each depth-first with a depth.

/** One node of a thread; `uid` is absent for a message that is referenced but not in the folder. */
export interface ThreadNode {
  uid?: number;
  children: ThreadNode[];
}

/** The flattened order: row i shows `uids[i]`, indented `depths[i]` levels. */
export interface ThreadOrder {
  uids: number[];
  depths: number[];
}

/**
 * Threads ordered by `newest` (largest first; ties: larger first uid), then drawn depth-first in
 * the children's own order. A missing root is not drawn: its first child takes its place and the
 * other children hang under it one level deeper, so they still read as one conversation.
 */
export function flattenThreads(roots: ThreadNode[], newest: (thread: ThreadNode) => number): ThreadOrder {
  const scored = roots.map((root) => ({ root, score: newest(root), first: firstUid(root) }));
  scored.sort((a, b) => b.score - a.score || b.first - a.first);
  const uids: number[] = [];
  const depths: number[] = [];
  // Iterative: a hostile References chain may be thousands deep.
  const stack: Array<{ node: ThreadNode; depth: number }> = [];
  for (const { root } of scored) {
    stack.push({ node: root, depth: 0 });
    while (stack.length) {
      const { node, depth } = stack.pop()!;
      if (node.uid !== undefined) {
        uids.push(node.uid);
        depths.push(depth);
        for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, depth: depth + 1 });
      } else {
        for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, depth: i === 0 ? depth : depth + 1 });
      }
    }
  }
  return { uids, depths };
}

function firstUid(node: ThreadNode): number {
  let n: ThreadNode | undefined = node;
  while (n && n.uid === undefined) n = n.children[0];
  return n?.uid ?? 0;
}

/** Largest UID in a thread: the most recent arrival, so the thread with new mail comes first. */
export function maxUid(node: ThreadNode): number {
  let max = 0;
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.uid !== undefined && n.uid > max) max = n.uid;
    for (const c of n.children) stack.push(c);
  }
  return max;
}

type Attribute = { value?: unknown } | Attribute[];

/**
 * RFC 5256 THREAD data as imapflow's parser hands it over: one list per thread; inside a list,
 * each number is the child of the one before it, and trailing nested lists are sibling subtrees
 * under the last number (or under a missing parent when the list starts with a nested list).
 * Anything that is not a positive integer is ignored rather than trusted.
 */
export function parseThreadAttributes(attributes: unknown[]): ThreadNode[] {
  return attributes.flatMap((a) => (Array.isArray(a) ? [parseList(a as Attribute[])] : []));
}

function parseList(list: Attribute[]): ThreadNode {
  const root: ThreadNode = { children: [] };
  let tail = root;
  let started = false;
  for (const item of list) {
    if (Array.isArray(item)) {
      tail.children.push(parseList(item));
      continue;
    }
    const uid = Number(item?.value);
    if (!Number.isSafeInteger(uid) || uid <= 0) continue;
    if (!started && tail === root) {
      root.uid = uid;
      started = true;
      continue;
    }
    const node: ThreadNode = { uid, children: [] };
    tail.children.push(node);
    tail = node;
  }
  // A list of one nested list is just that subtree.
  if (root.uid === undefined && root.children.length === 1) return root.children[0]!;
  return root;
}
