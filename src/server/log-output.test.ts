import { describe, expect, it } from 'vitest';
import { createAppLogger } from './log-output.js';

function capture(isTTY = false) {
  const lines: string[] = [];
  return { lines, output: { isTTY, write: (text: string) => void lines.push(text) } };
}

/** What an install without development dependencies answers to import('pino-pretty'). */
const notInstalled = () =>
  Promise.reject(Object.assign(new Error("Cannot find package 'pino-pretty' imported from /srv/app/dist/server/log-output.js"), { code: 'ERR_MODULE_NOT_FOUND' }));

describe('pretty log lines', () => {
  it('are readable lines, not JSON, and redacted as JSON lines are', async () => {
    const { lines, output } = capture();
    const { logger, format } = await createAppLogger({ level: 'info', format: 'pretty', output });
    expect(format).toBe('pretty');
    logger.info({ accessToken: 'TOP-SECRET-1', token: { refresh_token: 'NESTED-SECRET-2' }, password: 'TOP-SECRET-3' }, 'tokens stored');
    logger.info({ req: { method: 'GET', url: '/auth/toolkit/callback?code=SECRET-CODE-4&state=SECRET-STATE-5&iss=x', ip: '127.0.0.1' } }, 'incoming request');
    const text = lines.join('');
    expect(text).not.toMatch(/SECRET/);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.startsWith('{')).toBe(false);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d\d\d\] INFO: tokens stored\n/);
    expect(lines[0]).toContain('accessToken: "[redacted]"');
    expect(lines[0]).toContain('"refresh_token": "[redacted]"');
    expect(lines[0]).toContain('password: "[redacted]"');
    expect(lines[1]).toContain('"url": "/auth/toolkit/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&iss=x"');
  });

  it('are coloured on a terminal only', async () => {
    const plain = capture(false);
    const terminal = capture(true);
    (await createAppLogger({ level: 'info', format: 'pretty', output: plain.output })).logger.warn('careful');
    (await createAppLogger({ level: 'info', format: 'pretty', output: terminal.output })).logger.warn('careful');
    expect(plain.lines[0]).not.toContain('\x1b[');
    expect(terminal.lines[0]).toContain('\x1b[');
  });
});

describe('without pino-pretty (a production install, no development dependencies)', () => {
  it('LOG_FORMAT=pretty falls back to JSON lines and says why in the first one', async () => {
    const { lines, output } = capture();
    const { logger, format } = await createAppLogger({ level: 'info', format: 'pretty', output, loadPretty: notInstalled });
    expect(format).toBe('json');
    logger.info({ accessToken: 'SECRET' }, 'started');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map(({ level, msg }) => [level, msg])).toEqual([
      [40, 'LOG_FORMAT is pretty, but pino-pretty (a development dependency) is not installed: logging JSON lines'],
      [30, 'started'],
    ]);
    expect(parsed[1]).toMatchObject({ accessToken: '[redacted]' });
  });

  it('any other failure of pino-pretty is not hidden', async () => {
    const broken = () => Promise.reject(new SyntaxError('Unexpected token'));
    await expect(createAppLogger({ level: 'info', format: 'pretty', output: capture().output, loadPretty: broken })).rejects.toThrow('Unexpected token');
  });
});

describe('JSON log lines', () => {
  it('are one JSON object per line, redacted', async () => {
    const { lines, output } = capture(true);
    const { logger, format } = await createAppLogger({ level: 'info', format: 'json', output });
    expect(format).toBe('json');
    logger.info({ idToken: 'SECRET' }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'hello', idToken: '[redacted]' });
  });
});
