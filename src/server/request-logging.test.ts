import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { RequestLogging } from './request-logging.js';

/** A request and reply whose logger records the message of each line. */
function exchange() {
  const messages: string[] = [];
  const log = { info: (_object: unknown, message: string) => void messages.push(`info ${message}`), error: (_object: unknown, message: string) => void messages.push(`error ${message}`) };
  return { messages, request: { log } as unknown as FastifyRequest, reply: { log, elapsedTime: 1 } as unknown as FastifyReply };
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
});
