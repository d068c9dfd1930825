// The layer rules of src/ (see README "Design"), checked by `npm run lint:deps` in CI.
// Layers, lowest first. A module may import its own folder and any lower layer; folders on the
// same line are peers and may not import each other.
const LAYERS = [
  ['domain'], // plain data types and errors: imports nothing of the app
  ['text'], // terminal text: sanitize (control characters), display width, own-string
  ['threading', 'mime', 'trace'], // algorithms, MIME parsing/rendering, the protocol trace
  ['store'], // local Maildir store and the summary store (SQLite) of both mail models
  ['config', 'search'], // search: the search language (parser, local evaluator), pure
  ['discovery', 'auth'], // discovery: finding an address's servers; auth: credentials (password or OAuth2 token source) and the SASL pieces IMAP, POP3 and SMTP share
  ['accounts'], // the backend contract, the registry, IMAP and POP3
  ['compose', 'handoff'], // handoff: open/pipe/save helpers that hand mail to other programs
  ['cli'], // commands, the process context and prompts (the UI uses those two)
  ['ui'],
  ['demo'], // `tmail --demo`: servers plus the UI
];
// The program's entry dispatches to everything (UI, demo, commands).
const ENTRY = '^src/cli/main\\.ts$';

const dirs = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((rank, i) =>
  rank.map((dir) => {
    const forbidden = [...LAYERS.slice(i + 1).flat(), ...rank.filter((d) => d !== dir)];
    return {
      name: `layer-${dir}`,
      comment: `${dir}/ may import only its own folder and lower layers (${LAYERS.slice(0, i).flat().join(', ') || 'none'})`,
      severity: 'error',
      from: { path: `^src/${dir}/`, pathNot: ENTRY },
      to: { path: dirs(forbidden) },
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
      comment: 'no import cycle in src/',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
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
