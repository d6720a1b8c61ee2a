import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryPoints, generateApiDocs, missingExamples, modulesWithoutComment, ROOT, type GeneratedDocs } from '../tools/typedoc/api-docs.js';

/**
 * The API reference (docs/api) is generated from the doc comments by
 * `npm run docs:api` (tools/typedoc/api-docs.ts): every function and class
 * an entry point of package.json "exports" offers has an example, and the
 * committed Markdown is what the comments make now.
 */

const DOCS = join(ROOT, 'docs', 'api');

function markdownFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.md')).sort();
}

describe('the API reference', () => {
  let out: string;
  let generated: GeneratedDocs;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'tokenkeeper-api-docs-'));
    generated = await generateApiDocs({ out });
  }, 120_000);

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it('has a page for every entry point of package.json "exports", named as users import it', () => {
    const specifiers = entryPoints().map((entry) => entry.specifier);
    expect(specifiers).toContain('tokenkeeper');
    expect(specifiers).toContain('tokenkeeper/db');
    expect([...generated.modules.keys()].sort()).toEqual([...specifiers].sort());
    const index = readFileSync(join(out, 'README.md'), 'utf8');
    for (const specifier of specifiers) expect(index).toContain(`[${specifier}]`);
  });

  it('gives every exported function and class an @example', () => {
    const missing = missingExamples(generated.modules).map((item) => `${item.module}: ${item.name}: ${item.problem}`);
    expect(missing, 'add an @example to each doc comment listed').toEqual([]);
  });

  it('describes every entry point in the index by its module comment (@packageDocumentation), not "-"', () => {
    expect(modulesWithoutComment(generated.modules), 'tag the first comment of each listed entry point @packageDocumentation').toEqual([]);
  });

  it('is current: docs/api is what `npm run docs:api` writes from the source now', () => {
    const files = markdownFiles(out);
    expect(markdownFiles(DOCS), 'docs/api has other pages than the source makes: run npm run docs:api').toEqual(files);
    for (const file of files) {
      const committed = readFileSync(join(DOCS, file), 'utf8');
      expect(committed === readFileSync(join(out, file), 'utf8'), `docs/api/${file} is out of date: run npm run docs:api`).toBe(true);
    }
  });

  it('the checks find a function or class without an example, and a module without a comment', async () => {
    const fixture = mkdtempSync(join(tmpdir(), 'tokenkeeper-api-docs-fixture-'));
    try {
      writeFileSync(join(fixture, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, types: [] }, include: ['*.ts'] }));
      writeFileSync(join(fixture, 'typedoc.json'), JSON.stringify({ extends: [join(ROOT, 'typedoc.json')], tsconfig: './tsconfig.json' }));
      writeFileSync(
        join(fixture, 'index.ts'),
        [
          '/**',
          ' * Has one.',
          ' *',
          ' * @example',
          ' * withExample(1);',
          ' */',
          'export function withExample(n: number): number { return n; }',
          '/** Has a comment, no example. */',
          'export function commentOnly(): void {}',
          'export function bare(): void {}',
          '/**',
          ' * @example',
          ' * new WithExample();',
          ' */',
          'export class WithExample {}',
          '/** No example. */',
          'export class WithoutExample { constructor(readonly name = "x") {} }',
          '',
        ].join('\n'),
      );
      const { modules } = await generateApiDocs({
        entries: [{ specifier: 'fixture', source: join(fixture, 'index.ts') }],
        config: join(fixture, 'typedoc.json'),
        convertOnly: true,
      });
      expect(missingExamples(modules).map((item) => item.name).sort()).toEqual(['WithoutExample', 'bare', 'commentOnly']);
      // Its first comment is withExample's: no module comment.
      expect(modulesWithoutComment(modules)).toEqual(['fixture']);
    } finally {
      rmSync(fixture, { recursive: true, force: true });
    }
  }, 60_000);
});
