import { describe, expect, it } from 'vitest';
import { createProgress, progressLine } from './progress.js';

function capture(isTTY: boolean) {
  const written: string[] = [];
  return { written, output: { isTTY, write: (text: string) => void written.push(text) } };
}

describe('progress lines', () => {
  it('say done of total, the percentage, the rate and what is left', () => {
    expect(progressLine('backup', 'pages', 120, 400, 2000)).toBe('backup: 120 / 400 pages (30%), 60 pages/s, 280 left');
    expect(progressLine('keys rotate: tokens', 'rows', 0, 0, 0)).toBe('keys rotate: tokens: 0 / 0 rows (100%), 0 left');
    expect(progressLine('backup', 'pages', 5, 10, 0)).toBe('backup: 5 / 10 pages (50%), 5 left');
  });
});

describe('progress without a terminal', () => {
  it('writes a plain line at most once per interval, and always the last one', () => {
    let now = 1_000;
    const { written, output } = capture(false);
    const progress = createProgress({ output, label: 'backup', unit: 'pages', now: () => now, intervalMs: 5_000 });
    progress.update(10, 100);
    now += 4_999;
    progress.update(40, 100);
    now += 1;
    progress.update(50, 100);
    now += 1_000;
    progress.update(60, 100);
    now += 4_000;
    progress.update(90, 100);
    progress.finish(100, 100);
    expect(written).toEqual([
      'backup: 50 / 100 pages (50%), 10 pages/s, 50 left\n',
      'backup: 90 / 100 pages (90%), 9 pages/s, 10 left\n',
      'backup: 100 / 100 pages (100%), 10 pages/s, 0 left\n',
    ]);
  });
});

describe('progress on a terminal', () => {
  it('redraws one line in place, at most every 100 ms, and ends it with a newline', () => {
    let now = 0;
    const { written, output } = capture(true);
    const progress = createProgress({ output, label: 'backup', unit: 'pages', now: () => now });
    now = 50;
    progress.update(1, 4);
    now = 100;
    progress.update(2, 4);
    now = 150;
    progress.update(3, 4);
    now = 200;
    progress.finish(4, 4);
    expect(written).toEqual(['\rbackup: 2 / 4 pages (50%), 20 pages/s, 2 left\x1b[K', '\rbackup: 4 / 4 pages (100%), 20 pages/s, 0 left\x1b[K\n']);
  });
});
