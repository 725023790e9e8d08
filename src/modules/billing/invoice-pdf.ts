/**
 * The PDF of an invoice or credit note the platform issues to a business: A4, in the document's
 * language, drawn with pdfkit's built-in Helvetica so nothing is read from disk or fetched.
 *
 * The built-in fonts only know Windows-1252 (WinAnsi): Spanish and most Western European text,
 * "€", "–" and "—" print as is; other characters are reduced to their base letter ("ł" → "l",
 * "č" → "c") or "?" (Greek, Cyrillic), because pdfkit writes anything outside WinAnsi as a
 * broken byte sequence.
 */
import PDFDocument from 'pdfkit';

import { Formats, LOCALES, printable, taxWording, type InvoiceDocument } from './invoice-pdf-text.ts';

export type { InvoiceDocument } from './invoice-pdf-text.ts';

const FONT = 'Helvetica';
const FONT_BOLD = 'Helvetica-Bold';
const INK = '#1f2933';
const MUTED = '#616e7c';
const RULE = '#cbd2d9';
const SHADE = '#f0f4f8';
const PAID_GREEN = '#1f7a4d';
const VOID_RED = '#b42318';

const MARGIN = 50;
/** Space kept free at the bottom of every page for the footer. */
const FOOTER_SPACE = 60;

/** Table columns as offsets from the left margin; numbers are right-aligned in theirs. */
const COLUMNS = {
  description: { x: 0, width: 176 },
  period: { x: 186, width: 118 },
  quantity: { x: 306, width: 32 },
  unitPrice: { x: 342, width: 72 },
  amount: { x: 418, width: 77 },
} as const;

// Characters of Windows-1252 outside Latin-1, which pdfkit's standard fonts map themselves.

type Pdf = PDFKit.PDFDocument;

/** Draws the invoice top to bottom, keeping the vertical position and breaking pages as needed. */
class InvoiceLayout {
  private readonly pdf: Pdf;
  private readonly doc: InvoiceDocument;
  private readonly formats: Formats;
  private y = MARGIN;
  private readonly left = MARGIN;
  private readonly width: number;
  private readonly bottom: number;

  constructor(pdf: Pdf, doc: InvoiceDocument, formats: Formats) {
    this.pdf = pdf;
    this.doc = doc;
    this.formats = formats;
    this.width = pdf.page.width - 2 * MARGIN;
    this.bottom = pdf.page.height - FOOTER_SPACE;
  }

  draw(): void {
    this.header();
    this.buyer();
    this.lineTable();
    this.totals();
    this.reasonStatement();
    this.feeStatement();
    this.footers();
  }

  private write(text: string, x: number, y: number, options: PDFKit.Mixins.TextOptions & { font?: string; size?: number; color?: string } = {}): number {
    const { font = FONT, size = 9, color = INK, ...textOptions } = options;
    this.pdf.font(font).fontSize(size).fillColor(color).text(printable(text), x, y, { lineBreak: true, ...textOptions });
    return this.pdf.y;
  }

  private heightOf(text: string, width: number, font = FONT, size = 9): number {
    return this.pdf.font(font).fontSize(size).heightOfString(printable(text), { width });
  }

  private rule(y: number): void {
    this.pdf.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(0.6).strokeColor(RULE).stroke();
  }

  /** Starts a new page when `height` more points would run into the footer. */
  private ensureRoom(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.pdf.addPage();
    this.y = MARGIN;
    return true;
  }

  /** Seller on the left, document title, number and dates on the right. */
  private header(): void {
    const { seller } = this.doc;
    const { text } = this.formats;
    const half = this.width / 2;
    let sellerY = this.write(seller.name, this.left, this.y, { font: FONT_BOLD, size: 14, width: half - 10 });
    sellerY += 2;
    for (const line of [...seller.address, `${text.taxId}: ${seller.taxId}`, seller.email]) {
      sellerY = this.write(line, this.left, sellerY, { color: MUTED, width: half - 10 });
    }

    const right = this.left + half;
    let titleY = this.write(text.title[this.doc.kind], right, this.y, { font: FONT_BOLD, size: 20, width: half, align: 'right' });
    titleY += 4;
    const facts: Array<[string, string]> = [[text.number, this.doc.number], [text.issued, this.formats.day(this.doc.issuedAt)]];
    if (this.doc.credits) facts.push([text.credits, this.doc.credits.number]);
    if (this.doc.dueAt && this.doc.status === 'open') facts.push([text.due, this.formats.day(this.doc.dueAt)]);
    if (this.doc.paidAt) facts.push([text.paidOn, this.formats.day(this.doc.paidAt)]);
    for (const [label, value] of facts) {
      this.write(`${label}:`, right, titleY, { color: MUTED, width: half - 125, align: 'right' });
      titleY = this.write(value, right + half - 120, titleY, { font: FONT_BOLD, width: 120, align: 'right' });
    }

    this.y = Math.max(sellerY, titleY) + 16;
    this.rule(this.y);
    this.y += 14;
  }

  /** Who is billed, with the status stamp beside it. */
  private buyer(): void {
    const { buyer } = this.doc;
    const { text } = this.formats;
    const top = this.y;
    const width = this.width / 2;
    let y = this.write(text.billTo.toUpperCase(), this.left, top, { font: FONT_BOLD, size: 8, color: MUTED, width, characterSpacing: 0.5 });
    y = this.write(buyer.name, this.left, y + 2, { font: FONT_BOLD, size: 11, width });
    const country = this.formats.country(buyer.country);
    const lastLine = buyer.address.at(-1)?.trim().toLowerCase();
    const lines = [...buyer.address, ...(country && lastLine !== country.toLowerCase() ? [country] : [])];
    if (buyer.taxId) lines.push(`${text.taxId}: ${buyer.taxId}`);
    for (const line of lines) y = this.write(line, this.left, y, { width });
    // PAID marks a settled invoice; a credit note is refunded or credited, so only VOID applies to it.
    if (this.doc.status === 'void' || (this.doc.status === 'paid' && this.doc.kind === 'invoice')) this.stamp(this.doc.status, top);
    this.y = Math.max(y, top + 60) + 22;
  }

  private stamp(status: 'paid' | 'void', top: number): void {
    const label = this.formats.text.stamp[status];
    const color = status === 'paid' ? PAID_GREEN : VOID_RED;
    const width = 150;
    const height = 38;
    const x = this.left + this.width - width - 10;
    const y = top + 8;
    this.pdf.save();
    this.pdf.rotate(-8, { origin: [x + width / 2, y + height / 2] });
    this.pdf.roundedRect(x, y, width, height, 6).lineWidth(2).strokeColor(color).stroke();
    this.write(label, x, y + 10, { font: FONT_BOLD, size: 20, color, width, align: 'center', characterSpacing: 2 });
    this.pdf.restore();
  }

  private tableHeader(): void {
    const { text } = this.formats;
    this.pdf.rect(this.left, this.y, this.width, 20).fill(SHADE);
    const y = this.y + 6;
    const head = { font: FONT_BOLD, size: 8, color: MUTED };
    this.write(text.description, this.left + COLUMNS.description.x + 4, y, { ...head, width: COLUMNS.description.width - 4 });
    this.write(text.period, this.left + COLUMNS.period.x, y, { ...head, width: COLUMNS.period.width });
    this.write(text.quantity, this.left + COLUMNS.quantity.x, y, { ...head, width: COLUMNS.quantity.width, align: 'right' });
    this.write(text.unitPrice, this.left + COLUMNS.unitPrice.x, y, { ...head, width: COLUMNS.unitPrice.width, align: 'right' });
    this.write(text.amount, this.left + COLUMNS.amount.x, y, { ...head, width: COLUMNS.amount.width - 4, align: 'right' });
    this.y += 26;
  }

  /** One row per line; the header row is repeated on each page the table continues on. */
  private lineTable(): void {
    this.tableHeader();
    const { currency } = this.doc;
    for (const line of this.doc.lines) {
      const period = this.formats.period(line.periodStart, line.periodEnd);
      const height = Math.max(this.heightOf(line.description, COLUMNS.description.width - 4), this.heightOf(period, COLUMNS.period.width));
      if (this.ensureRoom(height + 10)) this.tableHeader();
      const y = this.y;
      this.write(line.description, this.left + COLUMNS.description.x + 4, y, { width: COLUMNS.description.width - 4 });
      this.write(period, this.left + COLUMNS.period.x, y, { width: COLUMNS.period.width, color: MUTED });
      this.write(this.formats.quantity(line.quantity), this.left + COLUMNS.quantity.x, y, { width: COLUMNS.quantity.width, align: 'right' });
      this.write(this.formats.money(line.unitAmount, currency), this.left + COLUMNS.unitPrice.x, y, { width: COLUMNS.unitPrice.width, align: 'right' });
      this.write(this.formats.money(line.amount, currency), this.left + COLUMNS.amount.x, y, { width: COLUMNS.amount.width - 4, align: 'right' });
      this.y = y + height + 6;
      this.rule(this.y);
      this.y += 6;
    }
  }

  /** Subtotal, tax, total and, on an invoice, what is paid and still due; right-aligned under the amounts. */
  private totals(): void {
    const { text } = this.formats;
    const { currency, tax } = this.doc;
    const money = (amount: number): string => this.formats.money(amount, currency);
    const rows: Array<{ label: string; value: string; strong?: boolean; ruleAbove?: boolean }> = [
      { label: text.subtotal, value: money(this.doc.subtotal) },
      { label: taxWording(tax, this.formats), value: money(tax.amount) },
      { label: text.total, value: money(this.doc.total), strong: true, ruleAbove: true },
    ];
    // A credit note is settled by refund or credit, not paid, so it has no paid or due rows.
    if (this.doc.kind === 'invoice') {
      rows.push({ label: text.amountPaid, value: money(this.doc.amountPaid) });
      rows.push({ label: text.amountDue, value: money(this.doc.amountDue), strong: true });
    }

    const valueWidth = 100;
    const labelWidth = 170;
    const valueX = this.left + this.width - valueWidth - 4;
    const labelX = valueX - labelWidth - 8;
    this.y += 6;
    for (const row of rows) {
      const font = row.strong ? FONT_BOLD : FONT;
      const size = row.strong ? 10.5 : 9;
      const height = this.heightOf(row.label, labelWidth, font, size);
      this.ensureRoom(height + 12);
      if (row.ruleAbove) {
        this.pdf.moveTo(labelX, this.y).lineTo(this.left + this.width, this.y).lineWidth(0.8).strokeColor(INK).stroke();
        this.y += 6;
      }
      this.write(row.label, labelX, this.y, { font, size, width: labelWidth, color: row.strong ? INK : MUTED });
      this.write(row.value, valueX, this.y, { font, size, width: valueWidth, align: 'right' });
      this.y += height + 6;
    }
  }

  /** Why a credit note rectifies its invoice, as the platform wrote it. */
  private reasonStatement(): void {
    if (!this.doc.reason) return;
    const statement = `${this.formats.text.reason}: ${this.doc.reason}`;
    const height = this.heightOf(statement, this.width);
    this.y += 14;
    this.ensureRoom(height);
    this.y = this.write(statement, this.left, this.y, { width: this.width });
  }

  /** The booking-payment fees of the period, as information: boxed so it is not read as a charge. */
  private feeStatement(): void {
    for (const fees of this.doc.transactionFees ?? []) {
      const statement = this.formats.text.fees(this.formats.quantity(fees.payments), this.formats.money(fees.amount, fees.currency));
      this.boxed(statement);
    }
  }

  private boxed(statement: string): void {
    const height = this.heightOf(statement, this.width - 20) + 16;
    this.y += 18;
    this.ensureRoom(height);
    this.pdf.rect(this.left, this.y, this.width, height).fill(SHADE);
    this.write(statement, this.left + 10, this.y + 8, { width: this.width - 20, color: INK });
    this.y += height;
  }

  /** Seller identification, the document number and page numbers on every page, written once the page count is known. */
  private footers(): void {
    const { start, count } = this.pdf.bufferedPageRange();
    const identity = [this.doc.seller.name, `${this.formats.text.taxId}: ${this.doc.seller.taxId}`, this.doc.seller.email].join(' · ');
    for (let index = start; index < start + count; index += 1) {
      this.pdf.switchToPage(index);
      // pdfkit starts a new page for text below the bottom margin; the footer lives there on purpose.
      const margins = this.pdf.page.margins;
      this.pdf.page.margins = { ...margins, bottom: 0 };
      const y = this.pdf.page.height - 40;
      this.pdf.moveTo(this.left, y - 8).lineTo(this.left + this.width, y - 8).lineWidth(0.6).strokeColor(RULE).stroke();
      this.write(identity, this.left, y, { size: 7.5, color: MUTED, width: this.width - 170, lineBreak: false });
      const pageLabel = `${this.doc.number} · ${this.formats.text.page(index - start + 1, count)}`;
      this.write(pageLabel, this.left + this.width - 160, y, { size: 7.5, color: MUTED, width: 160, align: 'right', lineBreak: false });
      this.pdf.page.margins = margins;
    }
  }
}

/**
 * Renders `doc` as an A4 PDF in its language. The PDF's title is the document number and its
 * author the seller, which is what mail clients and file managers show.
 * @throws RangeError for a currency `formatMoney` does not know.
 */
export function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const formats = new Formats(doc.language);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: LOCALES[doc.language],
    displayTitle: true,
    // Metadata strings are stored as UTF-16, so unlike the page text they keep every character.
    info: { Title: doc.number, Author: doc.seller.name, Subject: `${formats.text.title[doc.kind]} ${doc.number}` },
  });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    try {
      new InvoiceLayout(pdf, doc, formats).draw();
      pdf.end();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
