// The save prompt's helpers: Tab completion of a path as the user types it (~ expanded, directories
// completed with a trailing "/", hidden entries only when the typed name starts with "."), and the
// directory of the last save, offered as the next prompt's start.
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Completion {
  /** The input after Tab: completed as far as all candidates agree. */
  value: string;
  /** Names that match (for a list when more than one), directories with a trailing "/". */
  candidates: string[];
}

/** "~" and "~/x" → the home directory; everything else unchanged. */
export function expandHome(input: string, home = os.homedir()): string {
  if (input === '~') return home;
  if (input.startsWith('~/')) return path.join(home, input.slice(2));
  return input;
}

function commonPrefix(names: string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0]!;
  for (const n of names.slice(1)) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

const MAX_CANDIDATES = 500;

export async function completePath(input: string, options: { cwd?: string; home?: string } = {}): Promise<Completion> {
  const home = options.home ?? os.homedir();
  const cwd = options.cwd ?? process.cwd();
  const slash = input.lastIndexOf('/');
  const typedDir = slash === -1 ? '' : input.slice(0, slash + 1);
  const partial = slash === -1 ? input : input.slice(slash + 1);
  // "~" alone completes to "~/" first.
  if (input === '~') return { value: '~/', candidates: [] };
  const dir = path.resolve(cwd, expandHome(typedDir || '.', home));
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return { value: input, candidates: [] };
  }
  const matching = entries.filter((e) => e.name.startsWith(partial) && (partial.startsWith('.') || !e.name.startsWith('.'))).slice(0, MAX_CANDIDATES);
  const names = (
    await Promise.all(
      matching.map(async (e) => {
        // A link to a directory completes like a directory.
        const isDir =
          e.isDirectory() ||
          (e.isSymbolicLink() &&
            (await stat(path.join(dir, e.name)).then(
              (s) => s.isDirectory(),
              () => false,
            )));
        return isDir ? `${e.name}/` : e.name;
      }),
    )
  ).sort();
  if (names.length === 0) return { value: input, candidates: [] };
  const prefix = commonPrefix(names);
  return { value: typedDir + (prefix.length > partial.length ? prefix : partial), candidates: names.length === 1 ? [] : names };
}

/** The directory of the last successful save in this session (the prompt starts there). */
export class LastSaveDirectory {
  private dir: string | undefined;

  constructor(private readonly fallback: string = process.cwd()) {}

  /** What the save prompt starts with: the last directory with a trailing "/", "~/…" when under home. */
  promptStart(home = os.homedir()): string {
    const dir = this.dir ?? this.fallback;
    const shown = dir === home ? '~' : dir.startsWith(`${home}/`) ? `~/${dir.slice(home.length + 1)}` : dir;
    return shown.endsWith('/') ? shown : `${shown}/`;
  }

  /** Call after a save succeeded with the file's full path. */
  remember(savedFile: string): void {
    this.dir = path.dirname(path.resolve(savedFile));
  }

  get current(): string | undefined {
    return this.dir;
  }
}
