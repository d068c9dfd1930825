// The layer rules of src/ (see README "Design"), checked by `npm run lint:deps` in CI.
// Layers, lowest first. A module may import its own folder and any lower layer; folders on the
// same line are peers and may not import each other.
const LAYERS = [
  ['domain'], // plain data types and errors: imports nothing of the app
  ['threading', 'mime', 'trace'], // algorithms, MIME parsing/rendering and terminal text, the protocol trace
  ['store', 'cache'], // local Maildir store, header cache
  ['config'],
  ['auth'], // credentials (password or OAuth2 token source) and the SASL pieces IMAP, POP3 and SMTP share
  ['accounts'], // the backend contract, the registry, IMAP and POP3
  ['compose'],
  ['cli'], // commands, the process context and prompts (the UI uses those two)
  ['ui'],
  ['demo'], // `tmail --demo`: servers plus the UI
];
// The program's entry dispatches to everything (UI, demo, commands).
const ENTRY = '^src/cli/main\\.ts$';

// Known exceptions, to be removed by the refactors that fix them; everything else fails.
const KNOWN = {
  // trace/ uses the terminal-text helpers (sanitize, own-string) that still live in mime/: they
  // belong in a leaf of their own.
  traceUsesMimeText: { from: '^src/trace/', to: '^src/mime/(sanitize|own-string)\\.ts$' },
  // The UI state modules import each other in one cycle (to be replaced by a reducer).
  uiStateCycle: '^src/ui/state/(account-connect|account-events|folder-loading|list-navigation|message-actions|reader-actions|sync-actions)\\.ts$',
};

const dirs = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((rank, i) =>
  rank.map((dir) => {
    const forbidden = [...LAYERS.slice(i + 1).flat(), ...rank.filter((d) => d !== dir)];
    const exception = dir === 'trace' ? KNOWN.traceUsesMimeText.to : undefined;
    return {
      name: `layer-${dir}`,
      comment: `${dir}/ may import only its own folder and lower layers (${LAYERS.slice(0, i).flat().join(', ') || 'none'})`,
      severity: 'error',
      from: { path: `^src/${dir}/`, pathNot: ENTRY },
      to: { path: dirs(forbidden), ...(exception ? { pathNot: exception } : {}) },
    };
  }),
);

module.exports = {
  forbidden: [
    {
      name: 'domain-is-a-leaf',
      comment: 'src/domain imports nothing of the app and no package: every layer may depend on it',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/', dependencyTypesNot: ['core'] },
    },
    ...layerRules,
    {
      name: 'no-cycles',
      comment: 'no import cycle in src/ (the one known UI state cycle excepted, as long as it stays inside those modules)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaSomeNot: KNOWN.uiStateCycle },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve (a typo, or a .ts specifier instead of .js)',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports count: a layer must not even know the types of a higher one.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/|node_modules',
    exclude: { path: '(^|/)dist/' },
  },
};
