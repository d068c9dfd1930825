// Bundles src/ into dist/bundle/ for bin/tmail.js (run by `npm run build`, after tsc).
// Why: unbundled, tmail loads ~690 module files before the first frame (415 of them es-toolkit,
// pulled in by ink), ~0.5 s; one code-split ESM bundle loads a handful of files. Code splitting
// keeps the lazy loading of src/cli/main.ts: every import() there stays its own chunk, so
// `tmail --version` still loads no UI or mail library (test/unit/cli-imports.test.ts).
//
// Layout: dist/bundle/ is two levels below the package root like dist/cli/, so
// new URL('../../package.json', import.meta.url) finds package.json from either.
// External (left to node_modules at run time): package.json's "dependencies" — the packages an
// installed tmail still needs, i.e. better-sqlite3 with its native module; everything else is
// bundled and is a devDependency — and react-devtools-core (ink imports it only when DEV=true).
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist', 'bundle');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const EXTERNAL = [...Object.keys(pkg.dependencies ?? {}), 'react-devtools-core'];

/**
 * Files started by URL rather than imported (a worker: new Worker(new URL('./x.js', import.meta.url)))
 * must be entry points of their own with the same base name, or they would be missing from the bundle.
 */
function urlEntries() {
  const entries = {};
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(e.name)) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/new URL\(\s*['"](\.\.?\/[^'"]+)\.js['"]\s*,\s*import\.meta\.url\s*\)/g)) {
          const target = join(dirname(file), m[1]);
          const source = ['.ts', '.tsx'].map((x) => target + x).find((f) => existsSync(f));
          if (!source) continue; // a URL to something that is not a source file (e.g. ../../package.json)
          if (dirname(m[1]) !== '.') throw new Error(`${relative(root, file)}: ${m[1]}.js must be in the same folder to be bundled`);
          const name = basename(m[1]);
          if (entries[name] && entries[name] !== source) throw new Error(`two bundle entry points named ${name}`);
          entries[name] = source;
        }
      }
    }
  };
  walk(join(root, 'src'));
  return entries;
}

/** A package loaded through createRequire() is invisible to esbuild: it would be missing once installed. */
function checkNoHiddenRequires() {
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const bad = walk(join(root, 'src')).filter((f) => /\.tsx?$/.test(f) && /\bcreateRequire\b/.test(readFileSync(f, 'utf8')));
  if (bad.length > 0) throw new Error(`createRequire() hides packages from the bundle; use import in: ${bad.map((f) => relative(root, f)).join(', ')}`);
}

checkNoHiddenRequires();
// Every `import … from 'string-width'` gets the memoizing wrapper (scripts/string-width-memo.mjs),
// except the wrapper itself, which gets the package.
const stringWidthMemo = join(root, 'scripts', 'string-width-memo.mjs');
const memoizeStringWidth = {
  name: 'string-width-memo',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) => (args.importer === stringWidthMemo ? undefined : { path: stringWidthMemo }));
    // string-width builds its RGI_Emoji expression when loaded; built on first use instead (the
    // wrapper needs it only for graphemes that may be emoji).
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const declaration = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
      if (!text.includes(declaration) || !text.includes('rgiEmojiRegex.test('))
        throw new Error(`${args.path}: string-width changed; check the string-width-memo plugin`);
      const lazy = text.replace(declaration, 'let rgiEmojiRegex;').replaceAll('rgiEmojiRegex.test(', () => '(rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(');
      return { contents: withGraphemeSegmenter(lazy, args.path), loader: 'js' };
    });
  },
};
// Packages that create an Intl.Segmenter when they load get src/text/grapheme-segmenter.ts
// instead (the first Intl.Segmenter costs ~30 ms of CPU; that one is created only for text that
// needs it). After the build no output file may create an Intl.Segmenter itself.
const graphemeSegmenter = join(root, 'src', 'text', 'grapheme-segmenter.ts');
const SEGMENTER_USERS = /[\\/]node_modules[\\/](slice-ansi[\\/]tokenize-ansi|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize)\.js$/;
function withGraphemeSegmenter(text, file) {
  if (!text.includes('new Intl.Segmenter(')) throw new Error(`${file}: no longer creates an Intl.Segmenter; check SEGMENTER_USERS in build-bundle.mjs`);
  const replaced = text.replaceAll('new Intl.Segmenter(', 'new __TmailGraphemeSegmenter(');
  return `import { GraphemeSegmenter as __TmailGraphemeSegmenter } from ${JSON.stringify(graphemeSegmenter)};\n${replaced}`;
}
const lazyGraphemeSegmenter = {
  name: 'lazy-grapheme-segmenter',
  setup(b) {
    b.onLoad({ filter: SEGMENTER_USERS }, (args) => ({ contents: withGraphemeSegmenter(readFileSync(args.path, 'utf8'), args.path), loader: 'js' }));
  },
};
function checkNoEagerSegmenter(outputs) {
  const bad = outputs.filter((f) => f.endsWith('.js') && readFileSync(join(root, f), 'utf8').includes('new Intl.Segmenter('));
  if (bad.length > 0)
    throw new Error(`${bad.join(', ')}: creates an Intl.Segmenter; use src/text/grapheme-segmenter.ts (or add the package to SEGMENTER_USERS)`);
}
// yoga-layout (Ink's layout engine) carries its WebAssembly as a base64 data: URL and, when a
// global fetch exists, loads it with fetch(): touching Node's fetch loads undici (~0.1 s of CPU
// before the first frame) only to decode a string. Without fetch it decodes the string itself.
const YOGA_FETCH = '"function"!=typeof fetch';
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(YOGA_FETCH)) throw new Error(`${args.path}: yoga-layout changed; check the yoga-without-fetch plugin`);
      return { contents: text.replaceAll(YOGA_FETCH, 'true'), loader: 'js' };
    });
  },
};
// React, its reconciler and scheduler choose their production or development build at run time
// from NODE_ENV; the bundle holds only the production one (src/ui/startup/load-ink.ts explains why
// tmail runs it): ~1 MB less JavaScript for node to parse before the first frame.
const PRODUCTION_TEST = "process.env.NODE_ENV === 'production'";
const reactProductionOnly = {
  name: 'react-production-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](react|react-reconciler|scheduler)[\\/](index|jsx-runtime|constants)\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(PRODUCTION_TEST)) throw new Error(`${args.path}: no longer picks its build by NODE_ENV; check the react-production-only plugin`);
      return { contents: text.replace(PRODUCTION_TEST, 'true'), loader: 'js' };
    });
  },
};
// Ink's renderer gets scripts/ink-output.mjs instead of Ink's Output: the same frames, without an
// object per cell (see that file).
const inkOutput = join(root, 'scripts', 'ink-output.mjs');
let inkOutputReplaced = false;
const fastInkOutput = {
  name: 'fast-ink-output',
  setup(b) {
    b.onResolve({ filter: /^\.\/output\.js$/ }, (args) => {
      if (!/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer)) return undefined;
      inkOutputReplaced = true;
      return { path: inkOutput };
    });
  },
};
// imapflow imports pino (its default logger) and socks (its proxy option) at load: ~400 KB of
// JavaScript (with thread-stream, sonic-boom, ip-address, smart-buffer…) compiled before every
// cold login, for code tmail never runs. They get scripts/imapflow-stubs.mjs, checked against the
// pinned imapflow (a new version may use them differently); test/unit/imapflow-stubs.test.ts
// checks that tmail's imapflow options keep out of both.
const imapflowStubs = join(root, 'scripts', 'imapflow-stubs.mjs');
const IMAPFLOW_PINNED = '2.10.2';
const IMAPFLOW_STUBBED = { pino: /[\\/]imapflow[\\/]dist[\\/]esm[\\/]logger\.js$/, socks: /[\\/]imapflow[\\/]dist[\\/]esm[\\/]proxy-connection\.js$/ };
const stubbed = new Set();
const imapflowWithoutPinoAndSocks = {
  name: 'imapflow-stubs',
  setup(b) {
    b.onResolve({ filter: /^(pino|socks)$/ }, (args) => {
      if (!IMAPFLOW_STUBBED[args.path].test(args.importer)) return undefined;
      const pkg = JSON.parse(readFileSync(join(args.importer, '..', '..', '..', 'package.json'), 'utf8'));
      if (pkg.version !== IMAPFLOW_PINNED) throw new Error(`imapflow ${pkg.version} is not ${IMAPFLOW_PINNED}: check the imapflow-stubs plugin`);
      stubbed.add(args.path);
      return { path: imapflowStubs };
    });
  },
};
// libmime (imported by imapflow, so loaded before every cold login) builds iconv-lite's GBK codec
// when it loads, only to keep the decoder function all double-byte codecs share: tens of ms of
// table building on the way to the first login. Taken on first use instead (by then the message's
// own codec was built, and GBK's is built once, as before).
const DBCS_DECLARATION = "const DBCS_DECODER = iconv.getCodec('gbk').decoder;";
const DBCS_USE = 'codec.decoder === DBCS_DECODER';
const libmimeLazyDbcs = {
  name: 'libmime-lazy-dbcs',
  setup(b) {
    b.onLoad({ filter: /[\\/]libmime[\\/]dist[\\/]esm[\\/]charset\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(DBCS_DECLARATION) || text.split('DBCS_DECODER').length !== 3 || !text.includes(DBCS_USE))
        throw new Error(`${args.path}: libmime changed; check the libmime-lazy-dbcs plugin`);
      const lazy = text.replace(DBCS_DECLARATION, 'let DBCS_DECODER;').replace(DBCS_USE, "codec.decoder === (DBCS_DECODER ??= iconv.getCodec('gbk').decoder)");
      return { contents: lazy, loader: 'js' };
    });
  },
};
rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts', ...urlEntries() },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // jsonc-parser's "main" is a UMD build esbuild cannot follow; its "module" build bundles.
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  // Stack traces with TMAIL_DEBUG=1 point at src/ (bin/tmail.js turns source maps on then).
  // Without sourcesContent the maps stay small; the paths are enough for a trace.
  sourcemap: 'linked',
  sourcesContent: false,
  // Bundled CommonJS packages call require() for Node's built-ins; ESM has no require.
  banner: { js: "import { createRequire as __tmailRequire } from 'node:module';\nconst require = __tmailRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [memoizeStringWidth, yogaWithoutFetch, fastInkOutput, reactProductionOnly, lazyGraphemeSegmenter, imapflowWithoutPinoAndSocks, libmimeLazyDbcs],
});
checkNoEagerSegmenter(Object.keys(result.metafile.outputs));
if (stubbed.size !== 2)
  throw new Error(
    `imapflow no longer imports ${['pino', 'socks'].filter((p) => !stubbed.has(p)).join(' and ')} where expected: check the imapflow-stubs plugin`,
  );
if (!inkOutputReplaced) throw new Error('ink/build/renderer.js no longer imports ./output.js: check the fast-ink-output plugin');
// Which source modules each output file holds, for test/unit/cli-imports.test.ts (which checks
// that `tmail --version` loads no UI or mail library); beside dist/bundle, so it is not packed.
const contents = {};
for (const [out, { inputs }] of Object.entries(result.metafile.outputs)) {
  if (out.endsWith('.js')) contents[relative(outdir, join(root, out))] = Object.keys(inputs).map((i) => join(root, i));
}
writeFileSync(join(root, 'dist', 'bundle-contents.json'), JSON.stringify(contents));
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
const bytes = files.reduce((n, f) => n + result.metafile.outputs[f].bytes, 0);
process.stdout.write(`bundle: ${files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MB in dist/bundle (${Math.round(performance.now() - started)} ms)\n`);
