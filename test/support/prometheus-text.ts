// A strict reader of the Prometheus text exposition format (version 0.0.4,
// https://prometheus.io/docs/instrumenting/exposition_formats/), for tests:
// any line that is not a HELP, TYPE or comment line or a well-formed sample
// of a declared family throws, naming the line.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  type: string;
  help: string;
}

export interface Scrape {
  families: Map<string, Family>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = new RegExp(`^${NAME}$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''] };

function fail(lineNumber: number, line: string, problem: string): never {
  throw new Error(`metrics line ${lineNumber} ${problem}: ${JSON.stringify(line)}`);
}

/** A float as Go's strconv.ParseFloat reads it (the format's definition of a value), decimal only: NaN and Inf in any case. */
function parseValue(text: string): number | undefined {
  if (/^nan$/i.test(text)) return NaN;
  const infinity = /^([+-]?)inf(inity)?$/i.exec(text);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** Reads `{name="value",…}` from `line` at `at` (just after `{`); returns the labels and where they end (after `}`). */
function parseLabels(line: string, at: number, lineNumber: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = at;
  while (line[i] !== '}') {
    const equals = line.indexOf('=', i);
    if (equals === -1) fail(lineNumber, line, 'has a label without a value');
    const name = line.slice(i, equals);
    if (!LABEL_NAME.test(name)) fail(lineNumber, line, `has a bad label name ${JSON.stringify(name)}`);
    if (Object.hasOwn(labels, name)) fail(lineNumber, line, `repeats the label ${name}`);
    if (line[equals + 1] !== '"') fail(lineNumber, line, 'has an unquoted label value');
    let value = '';
    for (i = equals + 2; line[i] !== '"'; i += 1) {
      if (i >= line.length) fail(lineNumber, line, 'has an unterminated label value');
      if (line[i] === '\\') {
        i += 1;
        const escaped = { '\\': '\\', '"': '"', n: '\n' }[line[i] as '\\' | '"' | 'n'];
        if (escaped === undefined) fail(lineNumber, line, 'has a bad escape in a label value');
        value += escaped;
      } else value += line[i];
    }
    labels[name] = value;
    i += 1;
    if (line[i] === ',') i += 1;
    else if (line[i] !== '}') fail(lineNumber, line, 'has labels not separated by commas');
  }
  return { labels, end: i + 1 };
}

/** Parses a whole scrape; throws on the first line that breaks the format. */
export function parsePrometheusText(text: string): Scrape {
  if (!text.endsWith('\n')) throw new Error('the metrics text does not end with a newline');
  const families = new Map<string, Family>();
  const samples: Sample[] = [];
  const lines = text.slice(0, -1).split('\n');
  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) fail(lineNumber, line, 'names a bad metric');
      const family = families.get(name) ?? { type: 'untyped', help: '' };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) fail(lineNumber, line, 'has an unknown type');
        if (samples.some((sample) => sample.name === name || sample.name.startsWith(`${name}_`))) fail(lineNumber, line, 'comes after samples of its family');
        family.type = rest;
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    if (line.startsWith('#')) continue;
    const name = new RegExp(`^${NAME}`).exec(line)?.[0];
    if (!name) fail(lineNumber, line, 'does not start with a metric name');
    let at = name.length;
    let labels: Record<string, string> = {};
    if (line[at] === '{') ({ labels, end: at } = parseLabels(line, at + 1, lineNumber));
    const fields = line.slice(at).trim().split(/ +/);
    if (line[at] !== ' ' || fields.length < 1 || fields.length > 2) fail(lineNumber, line, 'has no value, or more than a value and a timestamp');
    const value = parseValue(fields[0]!);
    if (value === undefined) fail(lineNumber, line, 'has a value that is not a number');
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) fail(lineNumber, line, 'has a timestamp that is not whole milliseconds');
    const declared = [...families.entries()].some(
      ([family, { type }]) => name === family || (SUFFIXES[type] ?? []).some((suffix) => suffix !== '' && name === `${family}${suffix}`),
    );
    if (!declared) fail(lineNumber, line, 'belongs to no declared family (no TYPE line before it)');
    samples.push({ name, labels, value });
  }
  return { families, samples };
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when none; throws when several match. */
export function sampleValue(scrape: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = scrape.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
