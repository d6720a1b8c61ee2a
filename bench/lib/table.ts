/** One line of the results table; a skipped case has only `name` and `notes`. */
export interface Row {
  name: string;
  opsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** This row's ops/s divided by its baseline's, when it has one. */
  ratio?: number;
  notes: string;
}

function cell(value: number | undefined, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A Markdown table, so a run's output can be pasted into docs/benchmarks.md as it is. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['case', 'ops/s', 'p50 ms', 'p99 ms', 'vs baseline', 'notes'];
  const lines = rows.map((row) => [
    row.name,
    cell(row.opsPerSec, 0),
    cell(row.p50Ms, 2),
    cell(row.p99Ms, 2),
    row.ratio === undefined ? '' : `${cell(row.ratio, 2)}×`,
    row.notes.replaceAll('|', '\\|'),
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => line[column]!.length)));
  // The case name left-aligned, numbers right-aligned, the notes (long) not padded.
  const pad = (text: string, column: number) => (column === 0 ? text.padEnd(widths[0]!) : column === 5 ? text : text.padStart(widths[column]!));
  const format = (line: string[]) => `| ${line.map(pad).join(' | ')} |`;
  const separator = `|${widths
    .map((width, column) => (column === 0 || column === 5 ? '-'.repeat(column === 5 ? 3 : width + 2) : `${'-'.repeat(width + 1)}:`))
    .join('|')}|`;
  return [format(header), separator, ...lines.map(format)].join('\n');
}
