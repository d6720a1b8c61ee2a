// A browser's requests to an authorization server's own pages, for the interop
// suites whose servers read the Fetch Metadata headers (Bluesky's PDS wants
// `sec-fetch-mode: navigate` for a page; Better Auth answers a request with
// `sec-fetch-mode: cors` with JSON instead of a redirect). Made with
// node:http, not fetch, which sets those headers itself.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface BrowserAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request with exactly `headers` (and a browser's User-Agent); redirects are not followed. */
export function browserRequest(url: string, options: { method?: string; headers: Record<string, string>; body?: string }): Promise<BrowserAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { 'user-agent': 'Mozilla/5.0 (tokenkeeper interop test)', ...options.headers, ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }) };
    const request = httpRequest(url, { method: options.method ?? 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** The cookies one server set in a browser's session: `keep` takes an answer's Set-Cookie headers, `header` gives them back. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  keep(answer: BrowserAnswer): BrowserAnswer {
    for (const cookie of answer.headers['set-cookie'] ?? []) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return answer;
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
