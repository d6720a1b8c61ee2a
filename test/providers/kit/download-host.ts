/**
 * A second origin standing for the host a provider's API redirects a
 * download to (GitHub's codeload.github.com, the storage behind Graph's
 * file content): it serves the bytes to whoever holds a short-lived token
 * in the URL, asks for no other credential, and answers 400 to a request
 * that brings one anyway in `Authorization`, as signed storage URLs do when
 * given two (Amazon S3: "Only one auth mechanism allowed").
 */
import { randomBytes } from 'node:crypto';
import { json, startEmulatorServer, type EmulatorServer } from './emulator-server.js';

export interface DownloadFile {
  body: Buffer;
  contentType: string;
}

export interface DownloadHost {
  readonly origin: string;
  readonly server: EmulatorServer;
  /** Whether any request here ever carried an `Authorization` header (an access token that travelled off the API). */
  readonly sawAuthorization: boolean;
  /** A pre-authenticated URL of `file` at `pathname`, its token in the query parameter `tokenParameter`, valid `ttlSeconds`. */
  offer(pathname: string, file: DownloadFile, options?: { tokenParameter?: string; ttlSeconds?: number }): URL;
  close(): Promise<void>;
}

interface Offer {
  file: DownloadFile;
  tokenParameter: string;
  expiresAt: number;
}

export async function startDownloadHost(options: { now?: () => number } = {}): Promise<DownloadHost> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  /** Offers by path, then by token. */
  const offers = new Map<string, Map<string, Offer>>();

  const serve = (pathname: string) =>
    server.route('GET', pathname, (request) => {
      server.count('download');
      if (request.headers.authorization !== undefined) return json(400, { error: 'InvalidArgument', message: 'Only one auth mechanism allowed.' });
      for (const [token, offer] of offers.get(pathname) ?? []) {
        if (request.url.searchParams.get(offer.tokenParameter) !== token) continue;
        if (offer.expiresAt <= now()) return json(403, { error: 'AccessDenied', message: 'Request has expired.' });
        return { status: 200, headers: { 'content-type': offer.file.contentType }, body: offer.file.body };
      }
      return json(403, { error: 'AccessDenied', message: 'Access denied.' });
    });

  return {
    origin: server.origin,
    server,
    get sawAuthorization() {
      return server.requests.some((request) => request.headers.authorization !== undefined);
    },
    offer: (pathname, file, { tokenParameter = 'token', ttlSeconds = 300 } = {}) => {
      let byToken = offers.get(pathname);
      if (!byToken) {
        offers.set(pathname, (byToken = new Map()));
        serve(pathname);
      }
      const token = randomBytes(16).toString('base64url');
      byToken.set(token, { file, tokenParameter, expiresAt: now() + ttlSeconds });
      const url = new URL(pathname, server.origin);
      url.searchParams.set(tokenParameter, token);
      return url;
    },
    close: () => server.close(),
  };
}
