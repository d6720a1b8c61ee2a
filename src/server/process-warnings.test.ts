import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, expect, it, vi } from 'vitest';
import { logProcessWarnings } from './process-warnings.js';

let undo: (() => void) | undefined;
afterEach(() => undo?.());

it("a process warning is one JSON log line, not Node's plain lines on stderr; undone, Node prints them again", async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
  const stderr = vi.spyOn(process.stderr, 'write');
  try {
    undo = logProcessWarnings(logger);
    process.emitWarning('SECURITY WARNING: first line.\nSecond line.', { code: 'TK_TEST_WARNING' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 40, msg: 'SECURITY WARNING: first line.\nSecond line.', warning: { name: 'Warning', code: 'TK_TEST_WARNING' } }),
    ]);
    expect(stderr.mock.calls.map(([text]) => String(text)).join('')).not.toContain('SECURITY WARNING');

    undo();
    undo = undefined;
    process.emitWarning('printed by Node again', { code: 'TK_TEST_WARNING' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toContain('printed by Node again');
  } finally {
    stderr.mockRestore();
  }
});
