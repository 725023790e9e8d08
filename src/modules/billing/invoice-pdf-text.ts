/**
 * The words of the invoice PDF and how it writes dates, numbers and money, in the document's
 * language, reduced to what pdfkit's built-in fonts can print (see invoice-pdf.ts).
 */
import { formatMoney } from '../../platform/money.ts';

export interface InvoiceDocument {
  kind: 'invoice' | 'credit_note';
  /** e.g. "RH-2026-000042" (credit notes "RH-CN-2026-000003"). */
  number: string;
  issuedAt: Date;
  dueAt: Date | null;
  paidAt: Date | null;
  /** A credit note names the invoice it credits. */
  credits: { number: string } | null;
  /** Why a credit note was issued (printed under its totals); absent or null on an invoice. */
  reason?: string | null;
  language: 'es' | 'en';
  seller: { name: string; taxId: string; address: string[]; email: string };
  buyer: { name: string; taxId: string | null; address: string[]; country: string | null };
  /** ISO 4217; every amount of the document is an integer of its minor units (negative for a credit). */
  currency: string;
  lines: Array<{ description: string; quantity: number; unitAmount: number; amount: number; periodStart: Date | null; periodEnd: Date | null }>;
  subtotal: number;
  tax: { label: 'VAT' | 'IVA' | 'none'; rateBps: number; amount: number; reverseCharge: boolean };
  total: number;
  amountPaid: number;
  amountDue: number;
  status: 'open' | 'paid' | 'void';
  /**
   * Statement of the transaction fees the platform collected on the business's booking payments in
   * the period, one per payment currency (shown, not charged here); empty or null prints nothing.
   */
  transactionFees: Array<{ payments: number; amount: number; currency: string }> | null;
}

export interface Wording {
  title: Record<InvoiceDocument['kind'], string>;
  number: string;
  issued: string;
  due: string;
  paidOn: string;
  credits: string;
  reason: string;
  billTo: string;
  taxId: string;
  description: string;
  period: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  subtotal: string;
  vat: (label: 'VAT' | 'IVA') => string;
  reverseCharge: string;
  notSubject: string;
  total: string;
  amountPaid: string;
  amountDue: string;
  fees: (payments: string, amount: string) => string;
  stamp: Record<'paid' | 'void', string>;
  page: (page: number, pages: number) => string;
}

const WORDING: Record<InvoiceDocument['language'], Wording> = {
  es: {
    title: { invoice: 'Factura', credit_note: 'Factura rectificativa' },
    number: 'Número',
    issued: 'Fecha de emisión',
    due: 'Vencimiento',
    paidOn: 'Fecha de pago',
    credits: 'Rectifica la factura',
    reason: 'Motivo de la rectificación',
    billTo: 'Facturar a',
    taxId: 'NIF',
    description: 'Descripción',
    period: 'Periodo',
    quantity: 'Cant.',
    unitPrice: 'Precio unitario',
    amount: 'Importe',
    subtotal: 'Base imponible',
    // IVA is Spanish for VAT, whichever state's tax it is.
    vat: () => 'IVA',
    reverseCharge: 'Inversión del sujeto pasivo (art. 196 Directiva 2006/112/CE)',
    notSubject: 'Operación no sujeta',
    total: 'Total',
    amountPaid: 'Pagado',
    amountDue: 'Importe pendiente',
    fees: (payments, amount) =>
      `Comisiones por transacción cobradas por la plataforma en el periodo sobre los pagos de reservas (número de pagos: ${payments}): ${amount}. Informativo: no se cobran en esta factura.`,
    stamp: { paid: 'PAGADA', void: 'ANULADA' },
    page: (page, pages) => `Página ${page} de ${pages}`,
  },
  en: {
    title: { invoice: 'Invoice', credit_note: 'Credit note' },
    number: 'Number',
    issued: 'Issue date',
    due: 'Due date',
    paidOn: 'Paid on',
    credits: 'Credits invoice',
    reason: 'Reason for the credit note',
    billTo: 'Bill to',
    taxId: 'Tax ID',
    description: 'Description',
    period: 'Period',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    amount: 'Amount',
    subtotal: 'Subtotal',
    vat: (label) => label,
    reverseCharge: 'Reverse charge — Article 196, Council Directive 2006/112/EC',
    notSubject: 'Not subject to EU VAT',
    total: 'Total',
    amountPaid: 'Amount paid',
    amountDue: 'Amount due',
    fees: (payments, amount) =>
      `Transaction fees the platform collected on booking payments in the period (number of payments: ${payments}): ${amount}. For information only: not charged on this invoice.`,
    stamp: { paid: 'PAID', void: 'VOID' },
    page: (page, pages) => `Page ${page} of ${pages}`,
  },
};

/** The same locales as the notifications, so an e-mail and its invoice print amounts alike. */
export const LOCALES: Record<InvoiceDocument['language'], string> = { es: 'es-ES', en: 'en-GB' };
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
// Letters that Unicode does not decompose into a base letter and a mark.
const UNDECOMPOSABLE: ReadonlyMap<string, string> = new Map([
  ['ł', 'l'], ['Ł', 'L'], ['đ', 'd'], ['Đ', 'D'], ['ħ', 'h'], ['Ħ', 'H'], ['ı', 'i'], ['ŀ', 'l'], ['Ŀ', 'L'], ['−', '-'],
]);

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char);
}

/** `text` reduced to what the standard fonts can print (see the module comment). */
export function printable(text: string): string {
  let out = '';
  for (const char of text.replace(/[\u2007\u2009\u202f]/g, '\u00a0').replace(/[\t\r]/g, ' ')) {
    if (char === '\n' || isWinAnsi(char)) {
      out += char;
      continue;
    }
    const base = UNDECOMPOSABLE.get(char) ?? char.normalize('NFD').replace(/\p{M}/gu, '');
    out += base !== '' && [...base].every(isWinAnsi) ? base : '?';
  }
  return out;
}

/** Formats a document's dates, numbers and money in its language. */
export class Formats {
  readonly text: Wording;
  private readonly locale: string;
  private readonly date: Intl.DateTimeFormat;
  private readonly count: Intl.NumberFormat;
  private readonly percent: Intl.NumberFormat;
  private readonly regions: Intl.DisplayNames;

  constructor(language: InvoiceDocument['language']) {
    this.text = WORDING[language];
    this.locale = LOCALES[language];
    // UTC, like the invoice numbers' year and the billing periods, so a date never disagrees with them.
    this.date = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeZone: 'UTC' });
    this.count = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 3 });
    this.percent = new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: 2 });
    this.regions = new Intl.DisplayNames([this.locale], { type: 'region', fallback: 'none' });
  }

  /** Money with the currency's own decimals; `formatMoney` takes no negatives, so the sign is added here. */
  money(amount: number, currency: string): string {
    const formatted = formatMoney({ amount: Math.abs(amount), currency }, this.locale);
    return amount < 0 ? `-${formatted}` : formatted;
  }

  day(date: Date): string {
    return this.date.format(date);
  }

  period(start: Date | null, end: Date | null): string {
    if (!start || !end) return '';
    return `${this.day(start)} – ${this.day(end)}`;
  }

  quantity(value: number): string {
    return this.count.format(value);
  }

  rate(rateBps: number): string {
    return this.percent.format(rateBps / 10_000);
  }

  country(code: string | null): string | null {
    return code ? (this.regions.of(code) ?? code) : null;
  }
}

/** What the tax row of the totals says: the rate, or why there is none. */
export function taxWording(tax: InvoiceDocument['tax'], formats: Formats): string {
  if (tax.reverseCharge) return formats.text.reverseCharge;
  if (tax.label === 'none') return formats.text.notSubject;
  return `${formats.text.vat(tax.label)} ${formats.rate(tax.rateBps)}`;
}
