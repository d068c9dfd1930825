// A small HTTPS GET for autoconfig files: certificate verified (an extra CA can be added for
// tests), HTTPS-only redirects, a size cap and a deadline. Nothing but the GET is sent: no
// cookies, and not the user's address (Thunderbird adds ?emailaddress=; tmail does not).
import { request, type RequestOptions } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface HttpsGetOptions {
  /** Extra trusted CA (PEM), added to Node's built-in list. */
  ca?: string;
  lookup?: LookupFunction;
  /** Port used for https:// URLs without one (a test hook; 443 otherwise). */
  port?: number;
  timeoutMs: number;
  maxBytes?: number;
}

const MAX_REDIRECTS = 3;

export class HttpsGetError extends Error {}

/** The body of a 200 answer; throws HttpsGetError with a short reason otherwise. */
export async function httpsGet(url: string, opts: HttpsGetOptions, redirects = 0): Promise<string> {
  const u = new URL(url);
  if (u.protocol !== 'https:') throw new HttpsGetError(`refusing to follow a redirect to ${u.protocol} (HTTPS only)`);
  const { rootCertificates } = await import('node:tls');
  const options: RequestOptions = {
    method: 'GET',
    host: u.hostname,
    servername: u.hostname,
    port: u.port ? Number(u.port) : (opts.port ?? 443),
    path: `${u.pathname}${u.search}`,
    headers: { accept: 'application/xml, text/xml;q=0.9', 'user-agent': 'tmail' },
    timeout: opts.timeoutMs,
    rejectUnauthorized: true,
    ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
  };
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const response = await new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
    const req = request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        resolve({ status, location: res.headers.location, body: '' });
        return;
      }
      if (status !== 200) {
        res.resume();
        resolve({ status, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new HttpsGetError(`the answer is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new HttpsGetError(`no answer within ${Math.round(opts.timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end();
  });
  if (response.location !== undefined) {
    if (redirects >= MAX_REDIRECTS) throw new HttpsGetError('too many redirects');
    return httpsGet(new URL(response.location, u).href, opts, redirects + 1);
  }
  if (response.status !== 200) throw new HttpsGetError(`HTTP ${response.status}`);
  return response.body;
}
