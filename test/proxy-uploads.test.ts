// Uploads through both proxies over a real socket: a body over 1 MiB with a
// Content-Length goes to the API as it arrives (up to PROXY_UPLOAD_LIMIT_MB),
// is sent once only, and a failure on either side ends both calls.
// Streaming is shown by counts: the client holds back the rest of its body
// until the API has received the first megabytes.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './support/clock.js';
import { DIALECTS } from './support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey, serviceApiClient } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { MiB, sendUpload, startUploadApi, type Upload, type UploadApi } from './support/upload-api.js';
import { useTestApp } from './support/use-test-app.js';

const dialect = DIALECTS[0]!;
const LIMIT_MB = 64;

describe('uploads through the proxies (PROXY_UPLOAD_LIMIT_MB=64)', () => {
  let api: UploadApi;
  const clock = testClock();
  beforeAll(async () => {
    api = await startUploadApi();
  });
  afterAll(() => api?.close());
  const { app, database } = useTestApp(dialect, () => ({ env: { TOOLKIT_API_BASE_URL: `${api.origin}/v1`, PROXY_UPLOAD_LIMIT_MB: String(LIMIT_MB) }, now: () => clock.now() }));
  let origin: string;
  let key: string;
  let alice: SignedInUser;

  beforeAll(async () => {
    origin = await app().runtime.app.listen({ port: 0, host: '127.0.0.1' });
    key = await newServiceKey(app(), 'uploader', ALL_PERMISSIONS);
    alice = await signedInUser(app(), 'alice');
  });

  const viaService = (path: string, length: number, options: { chunked?: boolean } = {}): Upload =>
    sendUpload(`${origin}/api/v1/users/${alice.userId}/connections/toolkit/proxy/${path}`, { authorization: `Bearer ${key}` }, length, options);
  const storedToken = async () => (await app().runtime.tokenStore.findToken(alice.userId, 'toolkit'))!;
  const grants = () => app().provider.stats.refreshTokenGrants;

  it('the service proxy streams a 64 MiB upload (the limit) with its Content-Length: the API has 4 MiB before the client sends past 8, and gets every byte once', async () => {
    const calls = api.uploads.length;
    const upload = viaService('files/big.bin?overwrite=true', LIMIT_MB * MiB);
    await upload.send(8 * MiB);
    const arriving = await Promise.race([api.received(4 * MiB, '/v1/files/big.bin?overwrite=true'), upload.answeredEarly('the API had 4 MiB')]);
    expect(upload.sent).toBe(8 * MiB);
    expect(arriving.bytes).toBeLessThanOrEqual(8 * MiB);
    await upload.send((LIMIT_MB - 8) * MiB);
    upload.end();
    const answer = await upload.answer;
    expect(answer.status).toBe(200);
    expect(answer.headers['tokenkeeper-upstream']).toBe('true');
    expect(JSON.parse(answer.body)).toEqual({ bytes: LIMIT_MB * MiB, sha256: upload.sha256() });
    expect(api.uploads.length).toBe(calls + 1);
    const received = api.uploads.at(-1)!;
    expect(received).toMatchObject({ method: 'POST', url: '/v1/files/big.bin?overwrite=true' });
    // Sent with its length, as upload endpoints want (GitHub's release assets require it), not chunked.
    expect(received.headers['content-length']).toBe(String(LIMIT_MB * MiB));
    expect(received.headers['transfer-encoding']).toBeUndefined();
    expect(received.headers.authorization).toBe(`Bearer ${(await storedToken()).accessToken}`);
  });

  it('the browser proxy streams one too (8 MiB, with the CSRF token)', async () => {
    const upload = sendUpload(`${origin}/api/providers/toolkit/proxy/files/photo.jpg`, { cookie: alice.cookie, 'x-csrf-token': alice.csrfToken, 'content-type': 'image/jpeg' }, 8 * MiB);
    await upload.send(4 * MiB);
    await Promise.race([api.received(2 * MiB, '/v1/files/photo.jpg'), upload.answeredEarly('the API had 2 MiB')]);
    await upload.send(4 * MiB);
    upload.end();
    const answer = await upload.answer;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ bytes: 8 * MiB, sha256: upload.sha256() });
    expect(api.uploads.at(-1)!.headers['content-type']).toBe('image/jpeg');
  });

  it('a body over PROXY_UPLOAD_LIMIT_MB is refused with 413 payload_too_large, naming the limit, before any of it is read or sent; so is a chunked one over 1 MiB', async () => {
    const calls = api.uploads.length;
    const tooLarge = viaService('files/huge.bin', LIMIT_MB * MiB + 1);
    const answer = await tooLarge.answer;
    expect(tooLarge.sent).toBe(0);
    expect(answer.status).toBe(413);
    expect(answer.headers['tokenkeeper-upstream']).toBeUndefined();
    expect(JSON.parse(answer.body)).toEqual({ error: 'payload_too_large', message: 'The request body is larger than 64 MiB (PROXY_UPLOAD_LIMIT_MB).' });

    const chunked = viaService('files/chunked.bin', 2 * MiB, { chunked: true });
    await chunked.send(2 * MiB);
    chunked.end();
    const refused = await chunked.answer;
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).message).toMatch(/without a Content-Length/);
    expect(api.uploads.length).toBe(calls);

    // The service API's document describes both limits (every status of the proxy is its `default`).
    const { document } = await serviceApiClient(app());
    const description = (document.paths['/api/v1/users/{id}/connections/{provider}/proxy/{path}']!.post as unknown as { description: string }).description;
    expect(description).toContain('PROXY_UPLOAD_LIMIT_MB');
    expect(description).toMatch(/not sent again/);
  });

  it("a 401 to a streamed upload: the token is refreshed once, the API's 401 comes back (the body is not sent again), and the next upload goes through with the new token", async () => {
    const before = await storedToken();
    api.refused.add(before.accessToken);
    const refreshes = grants();
    const calls = api.uploads.length;
    const refused = viaService('files/report.pdf', 2 * MiB);
    await refused.send(2 * MiB);
    refused.end();
    const answer = await refused.answer;
    expect(answer.status).toBe(401);
    expect(answer.headers['tokenkeeper-upstream']).toBe('true');
    expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_token' });
    expect(api.uploads.length).toBe(calls + 1);
    expect(grants()).toBe(refreshes + 1);
    const renewed = await storedToken();
    expect(renewed.accessToken).not.toBe(before.accessToken);

    const again = viaService('files/report.pdf', 2 * MiB);
    await again.send(2 * MiB);
    again.end();
    expect((await again.answer).status).toBe(200);
    expect(api.uploads.at(-1)!.headers.authorization).toBe(`Bearer ${renewed.accessToken}`);
    expect(grants()).toBe(refreshes + 1);
  });

  it('a client that goes away mid-upload ends the call to the API, which sees its request cut short; the token is untouched', async () => {
    const before = await storedToken();
    const refreshes = grants();
    const upload = viaService('files/partial.bin', 32 * MiB);
    await upload.send(4 * MiB);
    const arriving = await Promise.race([api.received(2 * MiB, '/v1/files/partial.bin'), upload.answeredEarly('the API had 2 MiB')]);
    upload.abandon();
    expect(await arriving.finished).toBe(false);
    expect(arriving.bytes).toBeLessThan(32 * MiB);
    expect(await storedToken()).toEqual(before);
    expect(grants()).toBe(refreshes);
  });

  it('an API that breaks off mid-upload: 502 provider_error for the caller, sent once, the token untouched', async () => {
    const before = await storedToken();
    const refreshes = grants();
    const calls = api.uploads.length;
    const upload = viaService(`files/break?after=${2 * MiB}`, 16 * MiB);
    await upload.send(16 * MiB);
    const answer = await upload.answer;
    upload.abandon();
    expect(answer.status).toBe(502);
    expect(answer.headers['tokenkeeper-upstream']).toBeUndefined();
    expect(JSON.parse(answer.body)).toEqual({ error: 'provider_error', message: 'Toolkit broke off the API call while its body was being sent.' });
    expect(api.uploads.length).toBe(calls + 1);
    expect(await api.uploads.at(-1)!.finished).toBe(false);
    expect(await storedToken()).toEqual(before);
    expect(grants()).toBe(refreshes);
  });

  it.each([
    ['no service key', (path: string) => `POST /api/v1/users/${alice.userId}/connections/toolkit/proxy/${path} HTTP/1.1\r\nAuthorization: Bearer tk_nobody\r\n`],
    ['no session', (path: string) => `POST /api/providers/toolkit/proxy/${path} HTTP/1.1\r\n`],
    ['an unknown provider', (path: string) => `POST /api/v1/users/${alice.userId}/connections/nowhere/proxy/${path} HTTP/1.1\r\nAuthorization: Bearer ${key}\r\n`],
  ])('a large upload refused before the call (%s) is answered and its connection closed, not read to its declared end', async (_what, head) => {
    const declared = LIMIT_MB * MiB;
    const calls = api.uploads.length;
    const socket = connect(Number(new URL(origin).port), '127.0.0.1');
    socket.on('error', () => {});
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(`${head('files/x.bin')}Host: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${declared}\r\n\r\n`);
    // Keeps sending, as a client that does not read the answer first does, until the server closes the connection.
    let written = 0;
    let open = true;
    void closed.then(() => (open = false));
    const piece = Buffer.alloc(MiB, 7);
    while (open && written < declared) {
      written += piece.length;
      if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
    }
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 (401|403|404) /);
    expect(answer.toLowerCase()).toContain('connection: close');
    // The kernel's socket buffers take some; far from the declared 64 MiB.
    expect(written).toBeLessThan(16 * MiB);
    expect(api.uploads.length).toBe(calls);
  });
});
