/**
 * The archive of a whole-business export: per data class a CSV file (for spreadsheets) and a JSON Lines file
 * (for programs), both with exactly the class's columns, and a README.txt in the business's language saying what
 * each file holds. Zipped with fflate, deflated in memory: a business's data is megabytes, not gigabytes.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import { DATA_CLASSES, type ExportRow } from './business-data.ts';

export type ExportLanguage = 'es' | 'en';

/** A cell as text: instants in ISO 8601, structured values as JSON, nothing for null. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value;
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Every cell quoted; text starting with a formula character is defused for spreadsheet programs (CSV
  // injection). Numbers are left alone: a credit note's negative total stays a number.
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function toCsv(columns: readonly string[], rows: readonly ExportRow[]): string {
  const lines = [columns.map(csvCell).join(','), ...rows.map((row) => columns.map((column) => csvCell(plain(row[column]))).join(','))];
  // A byte-order mark so spreadsheet programs read the accents as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function toJsonLines(columns: readonly string[], rows: readonly ExportRow[]): string {
  return rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((column) => [column, plain(row[column]) ?? null])))).join('\n') + (rows.length > 0 ? '\n' : '');
}

const README_INTRO: Record<ExportLanguage, (name: string, at: string) => string> = {
  es: (name, at) =>
    `Exportación completa de los datos de ${name} en ReserveHub, generada el ${at} (UTC).\n\n` +
    'Cada tipo de dato viene en dos ficheros con las mismas columnas: .csv (UTF-8, para hojas de cálculo) y .jsonl\n' +
    '(una línea JSON por fila, para programas). Fechas en ISO 8601 (UTC); importes en céntimos de su moneda.\n' +
    'No incluye contraseñas, secretos de segundo factor, claves de API ni secretos de firma de webhooks.\n' +
    'Los datos de clientes son personales: guárdalos con cuidado (RGPD).\n\nFicheros:\n',
  en: (name, at) =>
    `Complete export of ${name}'s data in ReserveHub, generated on ${at} (UTC).\n\n` +
    'Each data class comes as two files with the same columns: .csv (UTF-8, for spreadsheets) and .jsonl\n' +
    '(one JSON line per row, for programs). Dates in ISO 8601 (UTC); amounts in minor units of their currency.\n' +
    'It holds no passwords, second-factor secrets, API keys or webhook signing secrets.\n' +
    'Customer data is personal data: keep it safe (GDPR).\n\nFiles:\n',
};

export function readme(language: ExportLanguage, businessName: string, generatedAt: Date, counts: Record<string, number>): string {
  const at = generatedAt.toISOString().slice(0, 16).replace('T', ' ');
  const rows = language === 'es' ? 'filas' : 'rows';
  const files = DATA_CLASSES.map((data) => `- ${data.name}.csv / ${data.name}.jsonl (${rows}: ${counts[data.name] ?? 0}): ${data.about[language]}`);
  return `${README_INTRO[language](businessName, at)}${files.join('\n')}\n`;
}

/** The ZIP archive and how many rows each data class had. */
export function buildArchive(
  data: ReadonlyMap<string, readonly ExportRow[]>,
  options: { language: ExportLanguage; businessName: string; generatedAt: Date },
): { archive: Uint8Array; counts: Record<string, number> } {
  const files: Zippable = {};
  const counts: Record<string, number> = {};
  for (const dataClass of DATA_CLASSES) {
    const rows = data.get(dataClass.name) ?? [];
    counts[dataClass.name] = rows.length;
    files[`${dataClass.name}.csv`] = strToU8(toCsv(dataClass.columns, rows));
    files[`${dataClass.name}.jsonl`] = strToU8(toJsonLines(dataClass.columns, rows));
  }
  files['README.txt'] = strToU8(readme(options.language, options.businessName, options.generatedAt, counts));
  return { archive: zipSync(files, { level: 6, mtime: options.generatedAt }), counts };
}
