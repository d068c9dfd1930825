// A node:test reporter that prints, once the run ends, the slowest test files with their wall time
// (each file runs in its own process: start-up, imports and tests). Where the suite's time goes
// is what decides which tests to speed up or split; run-tests.mjs writes this to stderr.
// TMAIL_TEST_TIMES=N shows N files (default 15; 0 shows none).
export default async function* testFileTimes(source) {
  const files = new Map();
  const started = Date.now();
  for await (const event of source) {
    const data = event.data ?? {};
    // The file-level event: its name is the file itself (nested tests carry their own names).
    if (event.type === 'test:complete' && data.nesting === 0 && data.file && data.name === data.file) {
      files.set(data.file, data.details?.duration_ms ?? 0);
    }
  }
  const shown = Number(process.env.TMAIL_TEST_TIMES ?? 15);
  if (!(shown > 0) || files.size === 0) return;
  const cwd = `${process.cwd()}/`;
  const sorted = [...files].sort((a, b) => b[1] - a[1]);
  const total = sorted.reduce((sum, [, ms]) => sum + ms, 0);
  const wall = (Date.now() - started) / 1000;
  let out = `# test files: ${files.size}, ${(total / 1000).toFixed(0)} s of file time in ${wall.toFixed(0)} s; slowest:\n`;
  for (const [file, ms] of sorted.slice(0, shown)) {
    out += `# ${(ms / 1000).toFixed(1).padStart(7)} s  ${file.startsWith(cwd) ? file.slice(cwd.length) : file}\n`;
  }
  yield out;
}
