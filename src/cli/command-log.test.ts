import { describe, expect, it } from 'vitest';
import { createLogger } from '../server/logger.js';
import { plainCommandLog } from './command-log.js';

describe('plainCommandLog', () => {
  const logged = (log: (logger: ReturnType<typeof createLogger>) => void) => {
    let text = '';
    log(createLogger('warn', plainCommandLog('tokens revoke', (line) => (text += line))));
    return text;
  };

  it("writes a warning as one line naming the command, with the facts logged beside it and the error's message", () => {
    expect(
      logged((logger) =>
        logger.warn({ url: 'https://hooks.example/in', attempts: 1, error: 'ECONNREFUSED', migrations: ['a', 'b'] }, 'webhook attempt failed; will retry'),
      ),
    ).toBe('tokenkeeper tokens revoke: webhook attempt failed; will retry (url https://hooks.example/in, attempts 1, error ECONNREFUSED)\n');
    expect(logged((logger) => logger.warn({ err: new Error('connection terminated') }, 'the database failed in the background'))).toBe(
      'tokenkeeper tokens revoke: the database failed in the background: connection terminated\n',
    );
  });

  it('leaves out what is below its level', () => {
    expect(logged((logger) => logger.info('applied 2 database migration(s)'))).toBe('');
  });
});
