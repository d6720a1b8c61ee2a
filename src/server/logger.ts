import pino, { type Logger, type LoggerOptions } from 'pino';

/** Query parameters whose values are secrets or one-time credentials. */
const SECRET_PARAMS = /^(code|state|access_token|refresh_token|id_token|token|client_secret|code_verifier|session_state|_csrf)$/i;

/** The request URL as logged: secret query values replaced, so a callback's `code` never reaches the log. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const params = new URLSearchParams(url.slice(queryAt + 1));
  for (const key of new Set(params.keys())) {
    if (SECRET_PARAMS.test(key)) params.set(key, '[redacted]');
  }
  return `${url.slice(0, queryAt)}?${params.toString()}`;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    // Belt and braces: the serializers below already leave these out.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.accessToken',
        '*.refreshToken',
        '*.idToken',
        '*.access_token',
        '*.refresh_token',
        '*.id_token',
        '*.clientSecret',
        '*.client_secret',
        '*.codeVerifier',
        '*.password',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, url: redactUrl(request.url), ip: request.ip }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
