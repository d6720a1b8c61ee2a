/**
 * The API reference in docs/api: TypeDoc with typedoc-plugin-markdown, one
 * Markdown page per entry point of package.json "exports", named by its
 * import specifier (`tokenkeeper`, `tokenkeeper/db`…). `npm run docs:api`
 * writes it; test/api-docs.test.ts checks that every exported function has
 * an example and that docs/api is what this would write now.
 *
 * TypeDoc runs on the TypeScript 6 compiler API installed beside it (see
 * tools/typedoc/package.json): the project itself compiles with TypeScript 7,
 * whose package has no such API.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Converter, LogLevel, ReflectionKind, type Context, type DeclarationReflection, type ProjectReflection, type Reflection } from 'typedoc';

/** The repository root (this file is tools/typedoc/api-docs.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface EntryPoint {
  /** What users import: `tokenkeeper`, `tokenkeeper/db`. */
  specifier: string;
  /** The source file, relative to the root: `src/db/index.ts`. */
  source: string;
}

type ExportTarget = string | { default?: string; import?: string } | null;

/**
 * The entry points of package.json "exports", each `./dist/X.js` mapped to
 * its source `src/X.ts`: a new entry is documented as soon as it is exported.
 */
export function entryPoints(root = ROOT): EntryPoint[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, ExportTarget> };
  return Object.entries(pkg.exports).map(([subpath, target]) => {
    const built = typeof target === 'string' ? target : (target?.default ?? target?.import);
    const match = built === undefined ? null : /^\.\/dist\/(.+)\.js$/.exec(built);
    if (!match) throw new Error(`package.json exports "${subpath}": expected ./dist/<path>.js, got ${JSON.stringify(target)}`);
    return { specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`, source: `src/${match[1]}.ts` };
  });
}

export interface GenerateOptions {
  /** Where the Markdown goes (default: typedoc.json's `out`, docs/api). */
  out?: string;
  /** Entry points (default: those of package.json "exports"). */
  entries?: readonly EntryPoint[];
  /**
   * Another TypeDoc configuration file instead of typedoc.json, e.g. one that
   * extends it with another tsconfig for entries outside src (tests of the
   * checks). The tsconfig cannot be given here: TypeDoc reads it with the
   * configuration file, before options given here apply.
   */
  config?: string;
  /** Convert only: no Markdown written. */
  convertOnly?: boolean;
  logLevel?: LogLevel;
}

export interface GeneratedDocs {
  project: ProjectReflection;
  /** Module reflections by import specifier. */
  modules: Map<string, DeclarationReflection>;
}

/** Converts the entry points with typedoc.json's options and (unless convertOnly) writes the Markdown. */
export async function generateApiDocs(options: GenerateOptions = {}): Promise<GeneratedDocs> {
  const entries = options.entries ?? entryPoints();
  const specifierOf = new Map(entries.map((entry) => [resolve(ROOT, entry.source), entry.specifier]));
  const app = await Application.bootstrapWithPlugins({
    options: options.config ?? join(ROOT, 'typedoc.json'),
    entryPoints: entries.map((entry) => resolve(ROOT, entry.source)),
    logLevel: options.logLevel ?? LogLevel.Warn,
    ...(options.out !== undefined ? { out: options.out } : {}),
  });
  const modules = new Map<string, DeclarationReflection>();
  // A module is named by its import specifier, not by its path under src.
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context: Context, reflection: DeclarationReflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const specifier = file === undefined ? undefined : specifierOf.get(resolve(file));
    if (specifier === undefined) return;
    reflection.name = specifier;
    modules.set(specifier, reflection);
  });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the entry points (see the messages above)');
  if (!options.convertOnly) await app.generateOutputs(project);
  return { project, modules };
}

export interface MissingExample {
  module: string;
  /** `createClient`, `TokenCipher` (class), `TokenCipher.encrypt`. */
  name: string;
  problem: string;
}

function hasExample(reflection: Reflection | undefined): boolean {
  return reflection?.comment?.blockTags.some((tag) => tag.tag === '@example' && tag.content.some((part) => part.text.trim() !== '')) ?? false;
}

/**
 * What lacks an `@example`: every exported function (each of its
 * signatures, or the function's own comment), and every exported class,
 * whose example goes on the class or on its constructor.
 */
export function missingExamples(modules: ReadonlyMap<string, DeclarationReflection>): MissingExample[] {
  const missing: MissingExample[] = [];
  for (const [module, reflection] of modules) {
    for (const child of reflection.children ?? []) {
      if (child.kindOf(ReflectionKind.Function)) {
        const signatures = child.signatures ?? [];
        const documented = hasExample(child) || (signatures.length > 0 && signatures.every((signature) => hasExample(signature)));
        if (!documented) missing.push({ module, name: child.name, problem: signatures.some((s) => s.comment) ? 'doc comment has no @example' : 'no doc comment' });
      } else if (child.kindOf(ReflectionKind.Class)) {
        const constructor = child.children?.find((member) => member.kindOf(ReflectionKind.Constructor));
        const documented = hasExample(child) || hasExample(constructor) || (constructor?.signatures ?? []).some((signature) => hasExample(signature));
        if (!documented) missing.push({ module, name: child.name, problem: 'class has no @example (on the class or its constructor)' });
      }
    }
  }
  return missing;
}

/**
 * The entry points without a module comment, which the index describes as
 * "-". TypeDoc takes a file's first comment for the module only when it is
 * tagged `@packageDocumentation` (or followed by another comment): without
 * the tag it is the first export's.
 */
export function modulesWithoutComment(modules: ReadonlyMap<string, DeclarationReflection>): string[] {
  return [...modules].filter(([, reflection]) => !reflection.comment?.summary.some((part) => part.text.trim() !== '')).map(([module]) => module);
}

async function main(): Promise<void> {
  const started = performance.now();
  const { modules } = await generateApiDocs({ logLevel: LogLevel.Info });
  const missing = missingExamples(modules);
  for (const item of missing) console.warn(`${item.module}: ${item.name}: ${item.problem}`);
  const uncommented = modulesWithoutComment(modules);
  for (const module of uncommented) console.warn(`${module}: no module comment (a first comment tagged @packageDocumentation)`);
  console.log(`docs/api: ${modules.size} entry points (${[...modules.keys()].join(', ')}) in ${Math.round(performance.now() - started)} ms`);
  if (missing.length > 0 || uncommented.length > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && relative(fileURLToPath(import.meta.url), resolve(process.argv[1])) === '') await main();
