import type { Logger } from 'pino';
import type { LogFormat } from '../config/log-config.js';
import { createLogger } from './logger.js';

/** Where log lines go: process.stdout, or a buffer in tests. */
export interface LogOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** pino-pretty's line formatter: one JSON log line in, one readable line out. */
type Prettify = (line: string) => string;
type PrettyModule = { prettyFactory: (options: Record<string, unknown>) => Prettify };

export interface AppLoggerOptions {
  level: string;
  format: LogFormat;
  /** Default process.stdout. */
  output?: LogOutput;
  /** Loads pino-pretty (replaceable in tests, to stand for an install without it). */
  loadPretty?: () => Promise<PrettyModule>;
}

/** True when `error` says the module itself is not installed (not that it failed inside). */
function isNotInstalled(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes('pino-pretty');
}

/**
 * The app's logger in the format asked for. JSON lines are pino's own. Pretty
 * lines come from pino-pretty, a development dependency: a production install
 * (npm ci --omit=dev) has no pino-pretty, so then the logger writes JSON and
 * says why in its first line rather than failing to start. Either way the
 * lines pass through createLogger first, so its serializers and redaction
 * apply to both formats; pino-pretty only reformats the redacted JSON line,
 * in the main thread, so lines keep their order with the rest of stdout.
 */
export async function createAppLogger(options: AppLoggerOptions): Promise<{ logger: Logger; format: LogFormat }> {
  const output = options.output ?? process.stdout;
  // JSON to stdout through pino's own destination (sonic-boom on fd 1), as before LOG_FORMAT.
  const jsonLogger = () => (options.output ? createLogger(options.level, { write: (line: string) => output.write(line) }) : createLogger(options.level));
  if (options.format === 'json') return { logger: jsonLogger(), format: 'json' };
  let pretty: PrettyModule;
  try {
    pretty = await (options.loadPretty ?? loadPinoPretty)();
  } catch (error) {
    if (!isNotInstalled(error)) throw error;
    const logger = jsonLogger();
    logger.warn('LOG_FORMAT is pretty, but pino-pretty (a development dependency) is not installed: logging JSON lines');
    return { logger, format: 'json' };
  }
  const prettify = pretty.prettyFactory({ colorize: output.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return { logger: createLogger(options.level, { write: (line: string) => output.write(prettify(line)) }), format: 'pretty' };
}

async function loadPinoPretty(): Promise<PrettyModule> {
  const module = (await import('pino-pretty')) as unknown as PrettyModule & { default?: PrettyModule };
  return typeof module.prettyFactory === 'function' ? module : module.default!;
}
