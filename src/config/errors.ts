// Errors the user can fix by editing config.json or the command line. main.ts prints each
// problem as its own `tmail:` line (exit 2) and never a stack.

export class ConfigError extends Error {
  /** One entry per problem, each a complete sentence naming the file, account and field. */
  readonly problems: string[];

  constructor(problems: string | string[], options?: { cause?: unknown }) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'), options);
    this.name = 'ConfigError';
    this.problems = list;
  }
}
