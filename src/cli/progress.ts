import type { TextOutput } from './command-io.js';

export interface ProgressOptions {
  /** Where progress goes (the command's stderr, so stdout keeps only the result). */
  output: TextOutput;
  /** What is counted, e.g. `backup` (start of each line). */
  label: string;
  /** Unit of the count, plural, e.g. `pages`. */
  unit: string;
  /** Milliseconds; replaceable in tests. */
  now?: () => number;
  /** Without a terminal: at most one line per this many milliseconds (default 5,000). */
  intervalMs?: number;
}

export interface Progress {
  /** `done` of `total` so far; `total` may change (rows added meanwhile, a restarted copy). */
  update(done: number, total: number): void;
  /** The last line, always written. */
  finish(done: number, total: number): void;
}

/** On a terminal the line is redrawn in place at most this often. */
const REDRAW_MS = 100;

/**
 * Progress of a long command: on a terminal one line redrawn in place
 * (carriage return and ANSI "erase to end of line"); otherwise, e.g. in a
 * log file or under cron, a plain line every `intervalMs`, so the output
 * stays readable line by line.
 */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const terminal = options.output.isTTY === true;
  const interval = terminal ? REDRAW_MS : (options.intervalMs ?? 5_000);
  const startedAt = now();
  let shownAt = startedAt;

  const line = (done: number, total: number) => progressLine(options.label, options.unit, done, total, now() - startedAt);
  const show = (text: string, last: boolean) => {
    if (terminal) options.output.write(`\r${text}\x1b[K${last ? '\n' : ''}`);
    else options.output.write(`${text}\n`);
  };

  return {
    update(done, total) {
      if (now() - shownAt < interval) return;
      shownAt = now();
      show(line(done, total), false);
    },
    finish(done, total) {
      show(line(done, total), true);
    },
  };
}

/** `backup: 120 / 400 pages (30%), 60 pages/s, 280 left`; no rate before any time has passed. */
export function progressLine(label: string, unit: string, done: number, total: number, elapsedMs: number): string {
  const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
  const parts = [`${label}: ${done} / ${total} ${unit} (${percent}%)`];
  if (elapsedMs > 0) parts.push(`${Math.round((done * 1000) / elapsedMs)} ${unit}/s`);
  parts.push(`${Math.max(0, total - done)} left`);
  return parts.join(', ');
}
