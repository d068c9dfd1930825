// Colours are a hint, never the only signal: selection is inverse, unread is bold plus an `N`,
// focus is a double border. With NO_COLOR (https://no-color.org) no colour is emitted at all,
// and the 16 basic colours are the only ones used otherwise.
export interface Theme {
  accent?: string;
  flagged?: string;
  error?: string;
  dim: boolean;
}

export function makeTheme(env: NodeJS.ProcessEnv): Theme {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return { dim: false };
  return { accent: 'cyan', flagged: 'yellow', error: 'red', dim: true };
}
