// What `npm pack` puts in the package a user installs: the licence the
// package names, every entry point with its declarations, the sources the
// shipped source maps point at (so a stack trace leads to real lines), and
// nothing that is only this repository's (tests, data, .env).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './support/server-processes.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('the package npm pack makes', () => {
  let files: Set<string>;

  beforeAll(async () => {
    await ensureBuilt();
    // --ignore-scripts: the build above is the one prepare would run.
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(packed.status, packed.stderr).toBe(0);
    const [report] = JSON.parse(packed.stdout) as Array<{ files: Array<{ path: string }> }>;
    files = new Set(report!.files.map((file) => file.path));
  }, 120_000);

  it('has the licence package.json names, the README, and every entry point with its types', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { license: string; exports: Record<string, { types: string; default: string }>; bin: Record<string, string> };
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    for (const file of ['LICENSE', 'README.md', 'package.json']) expect(files, file).toContain(file);
    const entries = Object.values(manifest.exports).flatMap((entry) => [entry.types, entry.default]);
    for (const entry of [...entries, ...Object.values(manifest.bin)]) expect(files, entry).toContain(normalize(entry));
  });

  it('ships the sources its source maps point at', () => {
    // A file dist/ still has from an earlier build, whose source is gone, is not counted: prepack empties dist/ first.
    const current = (file: string) => existsSync(join(REPO_ROOT, file.replace(/^dist\//, 'src/').replace(/\.js\.map$/, '.ts')));
    const maps = [...files].filter((file) => file.endsWith('.js.map') && current(file));
    expect(maps.length).toBeGreaterThan(50);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(REPO_ROOT, map), 'utf8')) as { sources: string[] };
      return sources.map((source) => normalize(join(dirname(map), source))).filter((source) => !files.has(source));
    });
    expect(missing).toEqual([]);
  });

  it('holds nothing that is only this repository’s: tests, test support, data, .env', () => {
    const repositoryOnly = [...files].filter((file) => /(^|\/)(test|bench|tools|examples|data)\//.test(file) || /\.test\.ts$/.test(file) || /(^|\/)\.env/.test(file));
    expect(repositoryOnly).toEqual([]);
  });
});
