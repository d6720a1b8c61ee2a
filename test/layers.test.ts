import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules (README, Layout): which folder of src/ may import which.
 * The client is usable alone (no web framework, no SQL), db knows nothing of
 * the client, and the application layer (core) knows nothing of HTTP. The
 * framework adapters sit on the library (library never imports them).
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  client: [],
  db: [],
  'dev-provider': [],
  'service-client': [],
  config: ['client', 'db'],
  core: ['client', 'db', 'config'],
  library: ['core', 'client', 'db', 'config'],
  adapters: ['library', 'client'],
  server: ['core', 'client', 'db', 'config', 'dev-provider'],
  cli: ['core', 'server', 'client', 'db', 'config', 'dev-provider'],
};

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The src/ folders a file imports from (static imports, re-exports and dynamic imports). */
function importedLayers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(SRC, resolve(file, '..', specifier)).split(sep)[0]!).filter((layer) => !layer.startsWith('..'));
}

describe('layer rules', () => {
  it('every folder of src/ has rules', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('client/ and db/ import no metrics library: the client reports through its observer hook, and core/ turns that into metrics', () => {
    const breaches = ['client', 'db'].flatMap((layer) =>
      sourceFiles(join(SRC, layer))
        .filter((file) => /(?:from|import)\s*\(?\s*'prom-client'/.test(readFileSync(file, 'utf8')))
        .map((file) => relative(SRC, file)),
    );
    expect(breaches).toEqual([]);
  });

  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`${layer}/ imports only ${allowed.length === 0 ? 'itself' : allowed.join(', ')}`, () => {
      const breaches = sourceFiles(join(SRC, layer)).flatMap((file) =>
        importedLayers(file)
          .filter((imported) => imported !== layer && !allowed.includes(imported))
          .map((imported) => `${relative(SRC, file)} imports ${imported}/`),
      );
      expect(breaches).toEqual([]);
    });
  }
});
