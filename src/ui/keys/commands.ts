// The `:` command line's names. Every action of the key table is a command of its own, named from
// its action id (toggleFlag -> `:toggle-flag`), so a new key is a new command without a list to
// keep; a few commands take an argument (`:search QUERY`, `:move FOLDER`, `:open N`, `:pipe CMD`)
// and a few short words read as mutt/aerc users type them (`:q`, `:read`, `:flag`, `:untag`).
import { MAIN_ACTIONS, type MainAction } from './bindings.js';

/** `toggleFlag` -> `toggle-flag`. */
export function commandName(action: MainAction): string {
  return action.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Commands that are not an action's own name (or that take an argument the action does not). */
export const EXTRA_COMMANDS: Record<string, string> = {
  q: 'quit',
  read: 'mark read (the tagged messages, else this one)',
  unread: 'mark unread',
  flag: 'set \\Flagged',
  unflag: 'clear \\Flagged',
  untag: 'untag all',
  folder: 'FOLDER: open that folder (alone: the folder picker)',
  cd: 'FOLDER: like :folder',
  save: '[N]: save attachment N of the open message',
};

/** Commands whose argument is a folder name (Tab completes folder names there). */
export const FOLDER_COMMANDS = ['move', 'copy', 'folder', 'cd', 'jump-folder'];

/** Every command name, sorted: the actions' names and the extra words. */
export function commandNames(): string[] {
  return [...new Set([...MAIN_ACTIONS.map(commandName), ...Object.keys(EXTRA_COMMANDS)])].sort();
}

/** The key-table action a command word names (its own name or its id, any case), if any. */
export function actionForCommand(word: string): MainAction | undefined {
  const w = word.toLowerCase();
  return MAIN_ACTIONS.find((a) => commandName(a) === w || a.toLowerCase() === w);
}

export interface Completion {
  /** The line after Tab. */
  value: string;
  /** Several matches: what the hint shows. */
  candidates: string[];
}

function longestCommonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.toLowerCase().startsWith(p.toLowerCase())) p = p.slice(0, -1);
  return p;
}

function completeWord(prefix: string, choices: string[], done: (w: string) => string): Completion {
  const matches = choices.filter((c) => c.toLowerCase().startsWith(prefix.toLowerCase()));
  if (matches.length === 1) return { value: done(matches[0]!), candidates: [] };
  const common = longestCommonPrefix(matches);
  return { value: common.length > prefix.length ? common : prefix, candidates: matches };
}

/**
 * Tab on the command line: the command word, or (after :move, :copy, :folder) a folder name from
 * `folders`. One match is completed (a space follows a command); several fill in what they share
 * and are listed.
 */
export function completeCommandLine(line: string, folders: readonly string[]): Completion {
  const m = /^(\s*)(\S*)(\s+)?(.*)$/.exec(line)!;
  const [, lead = '', word = '', gap, rest = ''] = m;
  if (gap === undefined) {
    const c = completeWord(word, commandNames(), (w) => `${w} `);
    return { value: lead + c.value, candidates: c.candidates };
  }
  if (!FOLDER_COMMANDS.includes(word.toLowerCase())) return { value: line, candidates: [] };
  const c = completeWord(rest, [...folders], (w) => w);
  return { value: `${lead}${word}${gap}${c.value}`, candidates: c.candidates };
}
