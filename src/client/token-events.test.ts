import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenEventBus, type TokenEvent } from './token-events.js';

const event: TokenEvent = { type: 'token.refreshed', userId: 'u1', provider: 'acme', expiresAt: null, refreshTokenRotated: false, scopeChanged: false };

describe('TokenEventBus', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a listener that throws never breaks the caller or the listeners after it, and is reported to the handler', async () => {
    const failures: Array<[unknown, TokenEvent]> = [];
    const bus = new TokenEventBus((error, failed) => failures.push([error, failed]));
    const seen: string[] = [];
    const boom = new Error('listener bug');
    bus.on(() => {
      throw boom;
    });
    bus.on((e) => {
      seen.push(e.type);
    });
    await bus.emit(event);
    expect(seen).toEqual(['token.refreshed']);
    expect(failures).toEqual([[boom, event]]);
  });

  it('without a handler, a failing listener is written to the console with its error (stack included), not swallowed', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bus = new TokenEventBus();
    const boom = new Error('listener bug');
    bus.on(async () => {
      throw boom;
    });
    await bus.emit(event);
    expect(logged).toHaveBeenCalledWith('tokenkeeper: a token.refreshed listener failed:', boom);
  });
});
