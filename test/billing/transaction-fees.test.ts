/**
 * The transaction-fee statement of the platform's invoices: for the invoice's period, how many of
 * the business's booking payments went through with a platform fee and what the fees add up to,
 * per currency. The payments are written as payments leaves them (the fee worked out by payments'
 * own `platformFee` from the business's plan rule); declined ones, fee-less desk ones, ones outside
 * the period and another business's are left out; refunded ones count (the fee was taken). Shown in the invoice API and on the PDF, never on credit notes.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceSchema } from '../../src/modules/billing/billing.schemas.ts';
import { Formats } from '../../src/modules/billing/invoice-pdf-text.ts';
import { platformFee } from '../../src/modules/payments/index.ts';
import { pdfText } from '../support/pdf-text.ts';
import { payingBusiness as anyPayingBusiness, startAppWithPlatformAdmin } from '../support/billing.ts';
import { asPlatform, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';

let t: TestApp;
let admin: Actor;

type Who = { headers: { authorization: string } };
type Invoice = ReturnType<typeof invoiceSchema.parse>;

async function call<T>(who: Who, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await t.server.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const json = String(response.headers['content-type'] ?? '').includes('json') ? (JSON.parse(response.body) as { data: T }) : null;
  return { status: response.statusCode, data: json?.data as T, raw: response };
}

/** A Spanish business on Professional whose trial ended and whose first month is invoiced and paid. */
async function payingBusiness(name: string): Promise<{ owner: TenantOwner; invoice: Invoice; customerId: string }> {
  const { owner, invoice } = await anyPayingBusiness<Invoice>(t, { signup: { tenant_name: name, plan_id: 'professional', currency: 'EUR' } });
  // Payments only need a customer's id (no personal data is read here).
  const customerId = randomUUID();
  await asPlatform(t, (trx) =>
    sql`insert into customers (tenant_id, id, type, first_name_enc, email_enc, email_bidx) values (${owner.tenant.id}, ${customerId}, 'guest', 'x', 'x', ${`bidx-${customerId}`})`.execute(trx),
  );
  return { owner, invoice: invoiceSchema.parse(invoice), customerId };
}

/** The fee payments charge on `amount` under the Professional plan's rule (the rule read from the plan). */
async function professionalFee(amount: number, currency: string): Promise<number> {
  const rule = (await asPlatform(t, (trx) => sql<{ fee_bps: number; fee_fixed_amount: number }>`select fee_bps, fee_fixed_amount from plans where id = 'professional'`.execute(trx))).rows[0]!;
  return platformFee({ amount, currency }, { bps: rule.fee_bps, fixed: { amount: Number(rule.fee_fixed_amount), currency: 'USD' } });
}

/** A booking payment as payments records it; returns the fee it carries. */
async function payment(owner: TenantOwner, customerId: string, input: { amount: number; currency?: string; status: string; at: Date; fee?: number }): Promise<number> {
  const currency = input.currency ?? 'EUR';
  const fee = input.fee ?? (await professionalFee(input.amount, currency));
  await asPlatform(t, (trx) =>
    sql`insert into payments (tenant_id, booking_id, customer_id, type, status, amount, currency, platform_fee, provider, idempotency_key, processed_at)
        values (${owner.tenant.id}, ${randomUUID()}, ${customerId}, 'deposit', ${input.status}, ${input.amount}, ${currency}, ${fee}, 'sandbox', ${randomUUID()},
                ${input.status === 'failed' ? null : input.at})`.execute(trx),
  );
  return fee;
}

const DAY = 86_400_000;

beforeAll(async () => {
  ({ t, admin } = await startAppWithPlatformAdmin());
}, 60_000);

afterAll(() => t?.close());

describe('the transaction-fee statement', () => {
  it("counts and sums the platform fees of the period's booking payments, in the API and on the PDF", async () => {
    const { owner, invoice, customerId } = await payingBusiness('Salón Comisiones');
    const other = await payingBusiness('Salón Vecino');
    const start = Date.parse(invoice.period_start!);
    const end = Date.parse(invoice.period_end!);

    // Counted: three succeeded payments (one later refunded in part, one in full) and one in dollars.
    const euros = [
      await payment(owner, customerId, { amount: 2500, status: 'succeeded', at: new Date(start + DAY) }),
      await payment(owner, customerId, { amount: 4000, status: 'partially_refunded', at: new Date(start + 2 * DAY) }),
      await payment(owner, customerId, { amount: 1234, status: 'refunded', at: new Date(end - 1) }),
    ];
    const dollars = await payment(owner, customerId, { amount: 9000, currency: 'USD', status: 'succeeded', at: new Date(start + 3 * DAY) });
    // Left out: before the period, at its end (the next period's), declined, a desk payment without fee, another business's.
    await payment(owner, customerId, { amount: 9900, status: 'succeeded', at: new Date(start - 1) });
    await payment(owner, customerId, { amount: 5000, status: 'succeeded', at: new Date(end) });
    await payment(owner, customerId, { amount: 3000, status: 'failed', at: new Date(start + DAY) });
    await payment(owner, customerId, { amount: 3000, status: 'succeeded', at: new Date(start + DAY), fee: 0 });
    const neighbourFee = await payment(other.owner, other.customerId, { amount: 7000, status: 'succeeded', at: new Date(Date.parse(other.invoice.period_start!) + DAY) });

    const expected = [
      { payments: euros.length, amount: euros.reduce((sum, fee) => sum + fee, 0), currency: 'EUR' },
      { payments: 1, amount: dollars, currency: 'USD' },
    ];
    expect(expected[0]!.amount).toBeGreaterThan(0);

    const listed = (await call<Invoice[]>(owner, 'GET', '/billing/invoices')).data.map((row) => invoiceSchema.parse(row));
    expect(listed.find((row) => row.id === invoice.id)!.transaction_fees).toEqual(expected);
    const neighbours = (await call<Invoice[]>(other.owner, 'GET', '/billing/invoices')).data;
    expect(neighbours[0]!.transaction_fees).toEqual([{ payments: 1, amount: neighbourFee, currency: 'EUR' }]);
    const console = await call<{ invoices: Invoice[] }>(admin, 'GET', `/platform/tenants/${owner.tenant.id}/billing`);
    expect(console.data.invoices.find((row) => row.id === invoice.id)!.transaction_fees).toEqual(expected);

    for (const language of ['es', 'en'] as const) {
      const pdf = await call(owner, 'GET', `/billing/invoices/${invoice.id}/pdf?lang=${language}`);
      expect(pdf.status).toBe(200);
      const { text } = await pdfText(pdf.raw.rawPayload);
      const formats = new Formats(language);
      for (const fees of expected) {
        const statement = formats.text.fees(formats.quantity(fees.payments), formats.money(fees.amount, fees.currency));
        expect(text.replace(/\s+/g, ' ')).toContain(statement.replace(/\s+/g, ' '));
      }
    }
    // Another business cannot read the invoice.
    expect((await call(other.owner, 'GET', `/billing/invoices/${invoice.id}/pdf`)).status).toBe(404);
  });

  it('is absent from credit notes and empty for a period without payments', async () => {
    const { owner, invoice } = await payingBusiness('Salón Sin Pagos');
    expect(invoice.transaction_fees).toEqual([]);
    const refunded = await call<{ credit_note: Invoice }>(admin, 'POST', `/platform/tenants/${owner.tenant.id}/billing/invoices/${invoice.id}/refund`, { reason: 'Devolución de cortesía del primer mes' });
    expect(refunded.status).toBe(200);
    const note = (await call<Invoice[]>(owner, 'GET', '/billing/invoices')).data.find((row) => row.id === refunded.data.credit_note.id);
    expect(note).toMatchObject({ kind: 'credit_note', transaction_fees: null });
    const pdf = await call(owner, 'GET', `/billing/invoices/${invoice.id}/pdf?lang=en`);
    expect((await pdfText(pdf.raw.rawPayload)).text).not.toContain('Transaction fees');
  });
});
