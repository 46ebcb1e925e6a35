export interface Column<Row> {
  header: string;
  value(row: Row): string | number | null | undefined;
}

const MAX_CELL = 60;

function cell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined || value === '' ? '-' : String(value).replace(/\s+/g, ' ');
  // Long URLs and JSON would push every other column off a terminal; --json has the full values.
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** Plain left-aligned columns separated by two spaces, in the style of `kubectl get`. */
export function renderTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}
