/**
 * The invoice and credit-note PDFs, read back as text: what a business, its
 * accountant or a tax inspector must find on them is there, in the document's language, with
 * money in the currency's own decimals. One PDF of each kind is kept in test-artifacts/billing/
 * for a look at the layout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pdfText } from '../support/pdf-text.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderInvoicePdf, type InvoiceDocument } from '../../src/modules/billing/invoice-pdf.ts';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/billing');

const seller: InvoiceDocument['seller'] = {
  name: 'ReserveHub S.L.',
  taxId: 'ESB00000000',
  address: ['Calle de Alcalá 1', '28014 Madrid', 'España'],
  email: 'billing@reservehub.example',
};

const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

/** A Spanish business on Professional, upgraded mid-period from Starter: IVA 21 %, paid. */
const spanishInvoice: InvoiceDocument = {
  kind: 'invoice',
  number: 'RH-2026-000042',
  issuedAt: day('2026-03-15'),
  dueAt: day('2026-03-15'),
  paidAt: day('2026-03-15'),
  credits: null,
  language: 'es',
  seller,
  buyer: { name: 'Peluquería Núñez y Cía, S.L.', taxId: 'ESB12345678', address: ['Calle del Pez 7', '28004 Madrid'], country: 'ES' },
  currency: 'EUR',
  lines: [
    { description: 'Tiempo no usado del plan Starter (mensual)', quantity: 1, unitAmount: -2450, amount: -2450, periodStart: day('2026-03-15'), periodEnd: day('2026-04-01') },
    { description: 'Tiempo restante del plan Professional (mensual)', quantity: 1, unitAmount: 7450, amount: 7450, periodStart: day('2026-03-15'), periodEnd: day('2026-04-01') },
  ],
  subtotal: 5000,
  tax: { label: 'IVA', rateBps: 2100, amount: 1050, reverseCharge: false },
  total: 6050,
  amountPaid: 6050,
  amountDue: 0,
  status: 'paid',
  transactionFees: [{ payments: 1284, amount: 385_20, currency: 'EUR' }],
};

/** A French business with a VAT number, in English: reverse charge, still open. */
const frenchInvoice: InvoiceDocument = {
  kind: 'invoice',
  number: 'RH-2026-000043',
  issuedAt: day('2026-04-01'),
  dueAt: day('2026-04-08'),
  paidAt: null,
  credits: null,
  language: 'en',
  seller,
  buyer: { name: 'Salon Élodie SARL', taxId: 'FR40303265045', address: ['12 rue de la Paix', '75002 Paris'], country: 'FR' },
  currency: 'EUR',
  lines: [{ description: 'Business plan (yearly)', quantity: 1, unitAmount: 399_000, amount: 399_000, periodStart: day('2026-04-01'), periodEnd: day('2027-04-01') }],
  subtotal: 399_000,
  tax: { label: 'VAT', rateBps: 0, amount: 0, reverseCharge: true },
  total: 399_000,
  amountPaid: 0,
  amountDue: 399_000,
  status: 'open',
  transactionFees: null,
};

/** The credit note that reverses the Spanish invoice, in the buyer's language and in English. */
const creditNote = (language: 'es' | 'en'): InvoiceDocument => ({
  ...spanishInvoice,
  kind: 'credit_note',
  number: 'RH-CN-2026-000003',
  issuedAt: day('2026-03-20'),
  dueAt: null,
  paidAt: null,
  credits: { number: 'RH-2026-000042' },
  language,
  lines: [{ description: language === 'es' ? 'Abono del plan Professional (mensual)' : 'Refund of the Professional plan (monthly)', quantity: 1, unitAmount: -5000, amount: -5000, periodStart: null, periodEnd: null }],
  subtotal: -5000,
  tax: { label: 'IVA', rateBps: 2100, amount: -1050, reverseCharge: false },
  total: -6050,
  amountPaid: 0,
  amountDue: 0,
  status: 'open',
  transactionFees: null,
});

describe('renderInvoicePdf', () => {
  const rendered = new Map<string, Awaited<ReturnType<typeof pdfText>>>();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const documents: Record<string, InvoiceDocument> = {
      'invoice-es': spanishInvoice,
      'invoice-en-reverse-charge': frenchInvoice,
      'credit-note-es': creditNote('es'),
      'credit-note-en': creditNote('en'),
    };
    for (const [name, document] of Object.entries(documents)) {
      const pdf = await renderInvoicePdf(document);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      writeFileSync(join(ARTIFACTS, `${name}.pdf`), pdf);
      rendered.set(name, await pdfText(pdf));
    }
  });

  const textOf = (name: string): string => rendered.get(name)?.text ?? '';

  it('prints a Spanish invoice with its number, buyer, lines, IVA and totals, accents and € intact', () => {
    const text = textOf('invoice-es');
    for (const expected of [
      'Factura',
      'RH-2026-000042',
      'Fecha de emisión: 15 mar 2026',
      'Calle de Alcalá 1',
      'Peluquería Núñez y Cía, S.L.',
      'NIF: ESB12345678',
      'Tiempo no usado del plan Starter (mensual)',
      'Tiempo restante del plan Professional (mensual)',
      '15 mar 2026 – 1 abr 2026',
      '-24,50 €',
      '74,50 €',
      'Base imponible 50,00 €',
      'IVA 21 % 10,50 €',
      'Total 60,50 €',
      'Pagado 60,50 €',
      'Importe pendiente 0,00 €',
      'PAGADA',
      '(número de pagos: 1284): 385,20 €',
      'no se cobran en esta factura',
      'Página 1 de 1',
    ]) {
      expect(text, `missing ${JSON.stringify(expected)}`).toContain(expected);
    }
    expect(text).not.toContain('Factura rectificativa');
  });

  it('prints the reverse-charge wording in English and no PAID mark on an open invoice', () => {
    const text = textOf('invoice-en-reverse-charge');
    for (const expected of [
      'Invoice',
      'RH-2026-000043',
      'Issue date: 1 Apr 2026',
      'Due date: 8 Apr 2026',
      'Salon Élodie SARL',
      'Tax ID: FR40303265045',
      'France',
      'Business plan (yearly)',
      '1 Apr 2026 – 1 Apr 2027',
      'Subtotal €3,990.00',
      'Reverse charge — Article 196, Council Directive 2006/112/EC €0.00',
      'Total €3,990.00',
      'Amount due €3,990.00',
    ]) {
      expect(text, `missing ${JSON.stringify(expected)}`).toContain(expected);
    }
    expect(text).not.toContain('PAID');
    expect(text).not.toContain('Transaction fees');
  });

  it.each([
    ['credit-note-es', ['Factura rectificativa', 'RH-CN-2026-000003', 'Rectifica la factura: RH-2026-000042', 'Abono del plan Professional (mensual)', 'IVA 21 % -10,50 €', 'Total -60,50 €']],
    ['credit-note-en', ['Credit note', 'RH-CN-2026-000003', 'Credits invoice: RH-2026-000042', 'Refund of the Professional plan (monthly)', 'IVA 21% -€10.50', 'Total -€60.50']],
  ])('prints the %s naming the invoice it credits', (name, expected) => {
    const text = textOf(name);
    for (const part of expected) expect(text, `missing ${JSON.stringify(part)}`).toContain(part);
    expect(text).not.toMatch(/Importe pendiente|Amount due/);
  });

  it('sets the title to the number and the author to the seller', () => {
    expect(rendered.get('invoice-es')?.title).toBe('RH-2026-000042');
    expect(rendered.get('credit-note-en')?.title).toBe('RH-CN-2026-000003');
    expect(rendered.get('invoice-es')?.author).toBe('ReserveHub S.L.');
  });
});

describe('renderInvoicePdf edge cases', () => {
  it('prints a zero-decimal currency without decimals', async () => {
    const yen: InvoiceDocument = {
      ...frenchInvoice,
      language: 'es',
      currency: 'JPY',
      buyer: { name: 'Sakura Salon K.K.', taxId: null, address: ['1-1 Shibuya', 'Tokyo'], country: 'JP' },
      lines: [{ description: 'Plan Starter (mensual)', quantity: 1, unitAmount: 7400, amount: 7400, periodStart: null, periodEnd: null }],
      subtotal: 7400,
      tax: { label: 'none', rateBps: 0, amount: 0, reverseCharge: false },
      total: 7400,
      amountDue: 7400,
    };
    const { text } = await pdfText(await renderInvoicePdf(yen));
    expect(text).toContain('Total 7400 JPY');
    expect(text).toContain('Operación no sujeta 0 JPY');
    expect(text).toContain('Japón');
    expect(text).not.toMatch(/74,00|7400,00/);
  });

  it('prints 25.5 % for Finland in both languages', async () => {
    const finnish = { ...frenchInvoice, tax: { label: 'VAT' as const, rateBps: 2550, amount: 101_745, reverseCharge: false } };
    expect((await pdfText(await renderInvoicePdf(finnish))).text).toContain('VAT 25.5% €1,017.45');
    expect((await pdfText(await renderInvoicePdf({ ...finnish, language: 'es' }))).text).toContain('IVA 25,5 % 1017,45 €');
  });

  it('reduces characters the standard fonts lack to their base letters instead of corrupting the page', async () => {
    const polish = { ...frenchInvoice, buyer: { ...frenchInvoice.buyer, name: 'Salon Łódź Spółka z o.o.', taxId: 'PL1234567890', address: ['ul. Piotrkowska 1', 'Łódź'], country: 'PL' } };
    const { text } = await pdfText(await renderInvoicePdf(polish));
    // ó is in WinAnsi and stays; Ł, ł and ź are not.
    expect(text).toContain('Salon Lódz Spólka z o.o.');
    expect(text).toContain('Amount due €3,990.00');
  });

  it('continues a long table on a second page with its header and numbers both pages', async () => {
    const line = frenchInvoice.lines[0]!;
    const many = { ...frenchInvoice, lines: Array.from({ length: 40 }, (_, index) => ({ ...line, description: `Line ${index + 1}` })) };
    const { pages } = await pdfText(await renderInvoicePdf(many));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain('Page 1 of 2');
    expect(pages[1]).toContain('Page 2 of 2');
    expect(pages[1]).toContain('Description');
    expect(pages[1]).toContain('Line 40');
    expect(pages[1]).toContain('Amount due €3,990.00');
  });
});
