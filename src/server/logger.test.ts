import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createLogger, redactUrl, requestChildLogger } from './logger.js';

describe('logged request URLs', () => {
  it('replace the callback code and state, keep the rest', () => {
    const logged = redactUrl('/auth/toolkit/callback?code=SECRETCODE&state=SECRETSTATE&iss=http%3A%2F%2Flocalhost%3A4000');
    expect(logged).not.toContain('SECRETCODE');
    expect(logged).not.toContain('SECRETSTATE');
    expect(logged).toContain('iss=http');
    expect(redactUrl('/account')).toBe('/account');
  });

  it("replace a connect link's secret, and keep its sign-in route", () => {
    const secret = 'Xb4dQ1lA9x_-0123456789abcdefghijklmnopqrstu';
    expect(redactUrl(`/connect/${secret}`)).toBe('/connect/[redacted]');
    expect(redactUrl(`/connect/${secret}?x=1`)).toBe('/connect/[redacted]?x=1');
    expect(redactUrl('/connect/sign-in/toolkit')).toBe('/connect/sign-in/toolkit');
    // The absolute form of a request target (RFC 9112 §3.2.2), which a client may send to any HTTP/1.1 server.
    expect(redactUrl(`http://localhost:3000/connect/${secret}`)).toBe('/connect/[redacted]');
    expect(redactUrl('HTTP://localhost:3000/auth/toolkit/callback?code=SECRETCODE')).toBe('/auth/toolkit/callback?code=%5Bredacted%5D');
  });
});

describe('redaction', () => {
  it('hides a secret field at the top of a logged object and one level down', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ accessToken: 'TOP-SECRET-1', token: { refresh_token: 'NESTED-SECRET-2' }, password: 'TOP-SECRET-3' }, 'tokens');
    expect(lines[0]).not.toMatch(/SECRET/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ accessToken: '[redacted]', token: { refresh_token: '[redacted]' }, password: '[redacted]' });
  });
});

describe('webhook secrets', () => {
  it('hide WEBHOOK_SECRET, the signing key and a signature, by field name, at the top, one level down, and in a logged config', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ webhookSecret: 'whsec_SECRET1', env: { WEBHOOK_SECRET: 'whsec_SECRET2' }, signingKey: Buffer.from('SECRET3') }, 'settings');
    logger.info({ headers: { 'webhook-signature': 'v1,SECRET4', 'webhook-id': 'msg_1' }, signature: 'v1,SECRET5' }, 'attempt');
    logger.info({ config: { webhooks: { urls: ['https://hooks.example.com'], signingKeys: [Buffer.from('SECRET6'), Buffer.from('SECRET8')] } } }, 'config');
    logger.info({ 'webhook-signature': 'v1,SECRET7' }, 'top');
    expect(lines.join('')).not.toMatch(/SECRET\d/);
    expect(JSON.parse(lines[1]!)).toMatchObject({ headers: { 'webhook-signature': '[redacted]', 'webhook-id': 'msg_1' }, signature: '[redacted]' });
    expect(JSON.parse(lines[2]!)).toMatchObject({ config: { webhooks: { urls: ['https://hooks.example.com'], signingKeys: '[redacted]' } } });
  });
});

describe('per-request child loggers', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
  };

  it('carry reqId into every line of the request and of its own children, never onto the root', () => {
    const { lines, destination } = capture();
    const root = createLogger('info', destination);
    const request = requestChildLogger(root, { reqId: 'req-7' }, {});
    const other = requestChildLogger(root, { reqId: 'req-8', route: '/x' }, {});
    request.info('first');
    request.child({ step: 'refresh' }).info({ accessToken: 'SECRET' }, 'nested');
    other.info('other');
    root.info('root');
    expect(lines.map(({ reqId, msg }) => [reqId, msg])).toEqual([
      ['req-7', 'first'],
      ['req-7', 'nested'],
      ['req-8', 'other'],
      [undefined, 'root'],
    ]);
    expect(lines[1]).toMatchObject({ step: 'refresh', accessToken: '[redacted]' });
    expect(lines[2]).toMatchObject({ route: '/x' });
  });

  it('keep a child option such as a route log level', () => {
    const { lines, destination } = capture();
    const quiet = requestChildLogger(createLogger('info', destination), { reqId: 'req-1' }, { level: 'warn' });
    quiet.info('dropped');
    quiet.warn('kept');
    expect(lines.map((line) => line.msg)).toEqual(['kept']);
  });

  it('bind reqId the ordinary way on a logger not made by createLogger', () => {
    const { lines, destination } = capture();
    requestChildLogger(pino({}, destination), { reqId: 'req-9' }, {}).info('plain');
    expect(lines[0]).toMatchObject({ reqId: 'req-9', msg: 'plain' });
  });
});

describe('service keys', () => {
  const KEY = 'tks_01M8Y9K1MTF149H1CMXY53SSKF_csouS0qVCbuRE_ZwLSxBl7oyP0cX6SQmBjihA-v2R9c';

  it('are redacted from logged URLs, in a key parameter or any other', () => {
    for (const url of [`/api/v1/users?key=${KEY}`, `/api/v1/users?api_key=${KEY}`, `/api/v1/users?email=a%40b&whatever=${KEY}`, `/x?service_key=abc`]) {
      const logged = redactUrl(url);
      expect(logged, url).not.toContain(KEY.slice(4));
      expect(logged, url).toContain('%5Bredacted%5D');
    }
    expect(redactUrl('/api/v1/users?email=a%40b')).toBe('/api/v1/users?email=a%40b');
  });

  it('are redacted from logged objects by field name, and from a logged Authorization header', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ serviceKey: KEY, detail: { service_key: KEY }, headers: { authorization: `Bearer ${KEY}` } }, 'keys');
    expect(lines[0]).not.toContain(KEY.slice(4));
    expect(JSON.parse(lines[0]!)).toMatchObject({ serviceKey: '[redacted]', detail: { service_key: '[redacted]' }, headers: { authorization: '[redacted]' } });
  });
});
