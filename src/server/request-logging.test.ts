import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { RequestLogging } from './request-logging.js';

/** A request and reply whose logger records the message of each line. */
function exchange(route = '/account', statusCode = 200) {
  const messages: string[] = [];
  const log = { info: (_object: unknown, message: string) => void messages.push(`info ${message}`), error: (_object: unknown, message: string) => void messages.push(`error ${message}`) };
  return { messages, request: { log, routeOptions: { url: route } } as unknown as FastifyRequest, reply: { log, elapsedTime: 1, statusCode } as unknown as FastifyReply };
}

describe('request lines (LOG_REQUESTS)', () => {
  it('on: each request coming in and answered', () => {
    const { messages, request, reply } = exchange();
    const logging = new RequestLogging(true);
    logging.incomingRequest(request, reply);
    logging.requestCompleted(null, request, reply);
    expect(messages).toEqual(['info incoming request', 'info request completed']);
  });

  it('off: nothing for a request answered, still a line for one that failed', () => {
    const { messages, request, reply } = exchange();
    const logging = new RequestLogging(false);
    logging.incomingRequest(request, reply);
    logging.requestCompleted(null, request, reply);
    logging.requestCompleted(new Error('socket hang up'), request, reply);
    expect(messages).toEqual(['error request errored']);
  });

  it('on: a probe (/healthz, /readyz, /metrics) answered 2xx logs nothing; one that is not, its completion', () => {
    const logging = new RequestLogging(true);
    for (const route of ['/healthz', '/readyz', '/metrics']) {
      const passing = exchange(route, 200);
      logging.incomingRequest(passing.request, passing.reply);
      logging.requestCompleted(null, passing.request, passing.reply);
      expect(passing.messages, route).toEqual([]);
      const failing = exchange(route, 503);
      logging.incomingRequest(failing.request, failing.reply);
      logging.requestCompleted(null, failing.request, failing.reply);
      expect(failing.messages, route).toEqual(['info request completed']);
    }
  });
});
