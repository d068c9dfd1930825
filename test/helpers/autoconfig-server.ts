// An HTTPS server on 127.0.0.1 with its own self-signed certificate (SANs given by the test),
// serving autoconfig files by Host header and path, for discovery tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface AutoconfigServer {
  port: number;
  /** PEM of the self-signed certificate: trust it with TMAIL_AUTOCONFIG_CA or the `ca` dep. */
  caFile: string;
  ca: string;
  /** "host path" of every request. */
  requests: string[];
  close(): Promise<void>;
}

/** `files` maps "host/path" (e.g. "autoconfig.example.test/mail/config-v1.1.xml") to the body. */
export async function startAutoconfigServer(hostnames: string[], files: Record<string, string>): Promise<AutoconfigServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tmail-autoconfig-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=autoconfig test',
    '-addext',
    `subjectAltName=${hostnames.map((h) => `DNS:${h}`).join(',')}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  const requests: string[] = [];
  const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    requests.push(`${req.method} ${host}${req.url}`);
    const body = files[`${host}${req.url}`];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    caFile: cert,
    ca: readFileSync(cert, 'utf8'),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
