// A tiny tmpfs makes ENOSPC (size=16k/64k) and EROFS (ro) real for disk-error tests. Only root
// can mount one; otherwise — or where mounting is not allowed — the caller gets the reason to
// skip with. Every mount made here is unmounted by unmountAll() (call it in `after`).
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';

const mounted = new Set<string>();

export async function mountTinyTmpfs(dir: string, options: string): Promise<string | { skip: string }> {
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root' };
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    return { skip: `cannot mount a tmpfs here: ${String((err as Error).message).split('\n')[0]}` };
  }
  mounted.add(dir);
  return dir;
}

export function unmountTmpfs(dir: string): void {
  if (!mounted.delete(dir)) return;
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

export function unmountAll(): void {
  for (const dir of [...mounted]) unmountTmpfs(dir);
}
