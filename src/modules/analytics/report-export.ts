import ExcelJS from 'exceljs';
import { csvDocument } from '../../platform/csv.ts';

/** A report as one table: what CSV and XLSX exports write, and what the screens show beside a chart. */
export interface ReportTable {
  name: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

type Flat = Record<string, unknown>;

/** Leaves of a nested object as `a.b.c` paths (arrays of currency figures keyed by their currency). */
function flatten(value: unknown, prefix: string, into: Map<string, string | number | null>, keyedBy: string | null = null): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      const name = ['currency', 'step', 'offset'].find((field) => (item as Flat)[field] !== undefined) ?? null;
      const key = name === null ? '' : String((item as Flat)[name]);
      flatten(item, prefix === '' ? key : `${prefix}.${key}`, into, name);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      // An array item's key field is already in its prefix.
      if (key === keyedBy) continue;
      flatten(child, prefix === '' ? key : `${prefix}.${key}`, into);
    }
  } else {
    into.set(prefix, typeof value === 'number' || typeof value === 'string' ? value : null);
  }
}

/** A current-against-previous report as rows of (figure, current, previous). */
export function comparisonTable(name: string, current: unknown, previous: unknown): ReportTable {
  const now = new Map<string, string | number | null>();
  const before = new Map<string, string | number | null>();
  flatten(current, '', now);
  flatten(previous, '', before);
  const keys = [...new Set([...now.keys(), ...before.keys()])];
  return { name, columns: ['figure', 'current', 'previous'], rows: keys.map((key) => [key, now.get(key) ?? null, before.get(key) ?? null]) };
}

/** Rows of objects as a table; nested values are flattened into `a.b` columns. */
export function rowsTable(name: string, items: readonly unknown[]): ReportTable {
  const flat = items.map((item) => {
    const map = new Map<string, string | number | null>();
    flatten(item, '', map);
    return map;
  });
  const columns = [...new Set(flat.flatMap((map) => [...map.keys()]))];
  return { name, columns, rows: flat.map((map) => columns.map((column) => map.get(column) ?? null)) };
}

/** The table as CSV (the product's CSV rules, `platform/csv.ts`). */
export function toCsv(table: ReportTable): string {
  return csvDocument(table.columns, table.rows);
}

/** One worksheet named after the report, a bold header row, numbers as numbers. */
export async function toXlsx(table: ReportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ReserveHub';
  const sheet = workbook.addWorksheet(table.name.slice(0, 31));
  sheet.addRow(table.columns).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map((value) => (typeof value === 'string' && /^[=+\-@]/.test(value) ? `'${value}` : value)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
