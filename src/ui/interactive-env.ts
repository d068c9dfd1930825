// Ink decides once, when it is first imported, that a CI environment gets no live frames (it
// reads CI / CONTINUOUS_INTEGRATION through is-in-ci) — the screen stays blank until exit. The
// UI only starts when stdin and stdout are terminals, so a person is watching even if a CI
// variable leaked into their shell (or a CI job drives tmail inside tmux). Hide those variables
// while Ink loads, then put them back for child processes (editor, password commands).
const CI_VARS = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function importWithoutCiDetection<T>(load: () => Promise<T>): Promise<T> {
  const saved = CI_VARS.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
