// Our POP3 client traces `C: …` / `S: …` lines and plain notes; this routes them into a sink,
// redacting client lines again (PASS/APOP/AUTH) so the trace is safe even if the client changes.
import { Pop3Redactor } from './redact.js';
import type { TraceSink } from './types.js';

export function pop3TraceFunction(sink: TraceSink, account: string): (line: string) => void {
  const redactor = new Pop3Redactor();
  return (line) => {
    if (line.startsWith('C: ')) sink.add({ account, protocol: 'pop3', dir: 'C', text: redactor.client(line.slice(3)) });
    else if (line.startsWith('S: ')) sink.add({ account, protocol: 'pop3', dir: 'S', text: redactor.server(line.slice(3)) });
    else sink.add({ account, protocol: 'pop3', dir: '-', text: line });
  };
}
