/**
 * Refunds of a business's paid invoice by the platform, each with its credit note (series RH-CN),
 * through the HTTP API on the sandbox provider: a whole refund mirrors the invoice line by line; a
 * partial one is one "Partial refund of" line with the tax split in proportion (worked out by hand
 * from Professional at 149.00 a month and Spain's 21 % IVA: 180.29 = 149.00 + 31.29); refunds stop at
 * the invoice's total; a provider refusal issues nothing and uses no number; the refusals answer in
 * words; the business reads the credit note in its list and as PDF; both audit logs record it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundSchema } from '../../src/modules/billing/billing.schemas.ts';
import { pdfText } from '../support/pdf-text.ts';
import { payingBusiness as anyPayingBusiness, startAppWithPlatformAdmin } from '../support/billing.ts';
import { asPlatform, createPlatformAdminSession, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';

let t: TestApp;
let admin: Actor;
const YEAR = new Date().getUTCFullYear();

interface Invoice {
  id: string;
  kind: string;
  number: string;
  status: string;
  reason: string;
  subtotal: number;
  tax: { label: string; rate_bps: number; amount: number; reverse_charge: boolean };
  total: number;
  amount_refunded: number;
  refund_state: string;
  credits_invoice_id: string | null;
  refund_reason: string | null;
  lines: Array<{ description: string; amount: number; unit_amount: number }>;
}

async function call<T>(who: { headers: { authorization: string } } | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await t.server.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const json = String(response.headers['content-type'] ?? '').includes('json') ? (JSON.parse(response.body) as { data: T; error?: { code: string; message: string; details?: unknown } }) : null;
  return { status: response.statusCode, data: json?.data as T, error: json?.error, raw: response };
}

const refund = (tenantId: string, invoiceId: string, body: Record<string, unknown>, who: { headers: { authorization: string } } = admin) =>
  call<{ invoice: Invoice; credit_note: Invoice }>(who, 'POST', `/platform/tenants/${tenantId}/billing/invoices/${invoiceId}/refund`, body);

/**
 * A business on Professional whose trial ended and whose first month was charged to `paymentMethod`
 * (Spanish with a VAT number and a Madrid address unless `account` says otherwise); returns it with that first invoice.
 */
const payingBusiness = (name: string, paymentMethod = 'pm_card_visa', account: Record<string, unknown> = {}): Promise<{ owner: TenantOwner; invoice: Invoice }> =>
  anyPayingBusiness<Invoice>(t, { signup: { tenant_name: name, plan_id: 'professional' }, paymentMethod, details: { address_lines: ['Calle Mayor 1', '28013 Madrid'], ...account } });

const creditNoteCounter = async () =>
  (await asPlatform(t, (trx) => sql<{ last_number: number }>`select last_number from billing_invoice_series where series = 'RH-CN' and year = ${YEAR}`.execute(trx))).rows[0]?.last_number ?? 0;

beforeAll(async () => {
  ({ t, admin } = await startAppWithPlatformAdmin());
}, 60_000);

afterAll(() => t?.close());

describe('a whole refund', () => {
  it('issues RH-CN-…-000001 mirroring the invoice, marks it refunded, and the owner reads and downloads it', async () => {
    const { owner, invoice } = await payingBusiness('Salón Devolución');
    // 149.00 + 21 % IVA.
    expect(invoice).toMatchObject({ status: 'paid', subtotal: 14900, tax: { amount: 3129 }, total: 18029, amount_refunded: 0, refund_state: 'none' });
    const reason = 'Cobro duplicado por error del sistema';

    const refunded = await refund(owner.tenant.id, invoice.id, { reason });
    expect(refunded.status).toBe(200);
    refundSchema.parse(refunded.data);
    const { credit_note: note } = refunded.data;
    expect(note.number).toBe(`RH-CN-${YEAR}-000001`);
    expect(note).toMatchObject({
      kind: 'credit_note',
      reason: 'refund',
      subtotal: -14900,
      tax: { label: 'IVA', rate_bps: 2100, amount: -3129, reverse_charge: false },
      total: -18029,
      credits_invoice_id: invoice.id,
      refund_reason: reason,
    });
    expect(note.lines.map((line) => [line.description, line.amount])).toEqual(invoice.lines.map((line) => [line.description, -line.amount]));
    expect(refunded.data.invoice).toMatchObject({ id: invoice.id, status: 'paid', amount_refunded: 18029, refund_state: 'full' });

    // The owner's list has both (the invoice was issued at the trial's end, moved ahead of today here); nothing is left to refund.
    const listed = (await call<Invoice[]>(owner, 'GET', '/billing/invoices')).data;
    expect(listed.map((row) => row.number).sort()).toEqual([invoice.number, note.number]);
    const again = await refund(owner.tenant.id, invoice.id, { reason: 'Una segunda vez, por si acaso' });
    expect(again.status).toBe(400);
    expect(again.error).toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT', details: { refundable: 0 } });
    expect(again.error?.message).toContain('nothing left to refund');

    // Its PDF, read back in Spanish and English: the title, its number, the invoice it rectifies and why.
    const pdf = await t.server.inject({ method: 'GET', url: `/api/v1/billing/invoices/${note.id}/pdf`, headers: owner.headers });
    expect(pdf.statusCode).toBe(200);
    const es = await pdfText(pdf.rawPayload);
    expect(es.title).toBe(note.number);
    for (const words of ['Factura rectificativa', note.number, `Rectifica la factura: ${invoice.number}`, `Motivo de la rectificación: ${reason}`, 'Plan Professional (mensual)', 'IVA 21 % -31,29', 'Total -180,29']) {
      expect(es.text, `missing ${JSON.stringify(words)}`).toContain(words);
    }
    const en = await pdfText((await t.server.inject({ method: 'GET', url: `/api/v1/billing/invoices/${note.id}/pdf?lang=en`, headers: owner.headers })).rawPayload);
    for (const words of ['Credit note', `Credits invoice: ${invoice.number}`, `Reason for the credit note: ${reason}`]) expect(en.text, `missing ${JSON.stringify(words)}`).toContain(words);

    expect(en.text).toMatch(/Total -\D*180\.29/);

    // Audited once in the platform's log and once in the business's, by the administrator.
    const audits = await asPlatform(t, (trx) =>
      sql<{ tenant_id: string; user_id: string | null; new_values: { credit_note: string; amount: number } }>`
        select tenant_id, user_id, new_values from audit_logs where action = 'billing.invoice_refunded' and entity_id = ${invoice.id} order by tenant_id`.execute(trx),
    );
    expect(audits.rows.map((row) => row.tenant_id)).toEqual(['00000000-0000-0000-0000-000000000000', owner.tenant.id]);
    for (const row of audits.rows) expect(row).toMatchObject({ user_id: admin.userId, new_values: { credit_note: note.number, amount: 18029 } });
  });
});

describe('partial refunds', () => {
  it('splits the tax in proportion, allows a second refund up to the remainder, and refuses beyond it', async () => {
    const { owner, invoice } = await payingBusiness('Salón Parcial');
    // 50.00 of 180.29: IVA 31.29 × 5000 / 18029 = 8.6776… → 8.68, net 41.32.
    const first = await refund(owner.tenant.id, invoice.id, { amount: 5000, reason: 'Compensación por la caída del servicio' });
    expect(first.status).toBe(200);
    expect(first.data.credit_note).toMatchObject({ number: `RH-CN-${YEAR}-000002`, subtotal: -4132, tax: { amount: -868, rate_bps: 2100 }, total: -5000 });
    expect(first.data.credit_note.lines).toEqual([expect.objectContaining({ description: `Devolución parcial de ${invoice.number}`, quantity: 1, unit_amount: -4132, amount: -4132 })]);
    expect(first.data.invoice).toMatchObject({ amount_refunded: 5000, refund_state: 'partial' });

    // One minor unit more than the 130.29 left is refused, with what is left named.
    const beyond = await refund(owner.tenant.id, invoice.id, { amount: 13030, reason: 'Devolución del resto y un poco más' });
    expect(beyond.status).toBe(400);
    expect(beyond.error).toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT', details: { refundable: 13029 } });

    // The remainder by default: its IVA is what is left of 31.29 (22.61), so the two credit notes add up to the invoice.
    const rest = await refund(owner.tenant.id, invoice.id, { reason: 'Baja acordada con el cliente' });
    expect(rest.status).toBe(200);
    expect(rest.data.credit_note).toMatchObject({ number: `RH-CN-${YEAR}-000003`, subtotal: -10768, tax: { amount: -2261 }, total: -13029 });
    expect(rest.data.invoice).toMatchObject({ amount_refunded: 18029, refund_state: 'full' });
    expect((await refund(owner.tenant.id, invoice.id, { amount: 1, reason: 'Un céntimo más, por favor' })).status).toBe(400);
  });

  it('keeps the reverse charge of an invoice to a business in another member state', async () => {
    const { owner, invoice } = await payingBusiness('Salon Élodie', 'pm_card_visa', { tax_id: 'FR40303265045', country: 'FR', language: 'en', address_lines: ['12 rue de la Paix', '75002 Paris'] });
    expect(invoice).toMatchObject({ total: 14900, tax: { amount: 0, reverse_charge: true } });
    const partial = await refund(owner.tenant.id, invoice.id, { amount: 4900, reason: 'Goodwill for the outage on Tuesday' });
    expect(partial.data.credit_note).toMatchObject({ subtotal: -4900, tax: { amount: 0, rate_bps: 0, reverse_charge: true }, total: -4900 });
    const { text } = await pdfText((await t.server.inject({ method: 'GET', url: `/api/v1/billing/invoices/${partial.data.credit_note.id}/pdf`, headers: owner.headers })).rawPayload);
    for (const words of ['Credit note', `Partial refund of ${invoice.number}`, 'Reverse charge — Article 196, Council Directive 2006/112/EC']) expect(text).toContain(words);
  });
});

describe('refusals', () => {
  it('rolls everything back when the provider refuses the refund, leaving no RH-CN number used', async () => {
    const { owner, invoice } = await payingBusiness('Salón Rechazo', 'pm_card_refundFail');
    expect(invoice.status).toBe('paid');
    const counter = await creditNoteCounter();
    const refused = await refund(owner.tenant.id, invoice.id, { reason: 'El proveedor no lo permitirá' });
    expect(refused.status).toBe(402);
    expect(refused.error).toMatchObject({ code: 'PAYMENT_FAILED', details: { reason: 'refund_failed' } });
    expect(await creditNoteCounter()).toBe(counter);
    const listed = (await call<Invoice[]>(owner, 'GET', '/billing/invoices')).data;
    expect(listed.map((row) => [row.kind, row.amount_refunded])).toEqual([['invoice', 0]]);
    const audits = await asPlatform(t, (trx) => sql<{ n: number }>`select count(*)::int as n from audit_logs where action = 'billing.invoice_refunded' and entity_id = ${invoice.id}`.execute(trx));
    expect(audits.rows[0]!.n).toBe(0);
  });

  it('answers 409 for an open or void invoice, 404 for another business, 403 for a business admin and without MFA, 400 for no reason', async () => {
    const { owner: failing } = await payingBusiness('Salón Impagado', 'pm_card_chargeCustomerFail');
    const [open] = (await call<Invoice[]>(failing, 'GET', '/billing/invoices')).data;
    expect(open!.status).toBe('open');
    const unpaid = await refund(failing.tenant.id, open!.id, { reason: 'Devolución de algo que no se pagó' });
    expect(unpaid.status).toBe(409);
    expect(unpaid.error?.message).toMatch(/is open: only a paid invoice can be refunded/);

    const { owner, invoice } = await payingBusiness('Salón Ajeno');
    // Another business's invoice under this one's address does not exist for it.
    const crossed = await refund(failing.tenant.id, invoice.id, { reason: 'Factura de otro negocio distinto' });
    expect(crossed.status).toBe(404);
    expect((await refund(owner.tenant.id, invoice.id, { reason: 'Me devuelvo yo mismo el dinero' }, owner)).status).toBe(403);
    const withoutMfa = await createPlatformAdminSession(t, { withoutMfa: true });
    expect((await refund(owner.tenant.id, invoice.id, { reason: 'Sin segundo factor no se puede' }, withoutMfa)).status).toBe(403);
    const short = await refund(owner.tenant.id, invoice.id, { reason: 'corta' });
    expect(short.status).toBe(400);
    expect(short.error?.code).toBe('VALIDATION_ERROR');

    await asPlatform(t, (trx) => sql`update platform_invoices set status = 'void' where tenant_id = ${owner.tenant.id} and id = ${invoice.id}`.execute(trx));
    const voided = await refund(owner.tenant.id, invoice.id, { reason: 'Devolución de una factura anulada' });
    expect(voided.status).toBe(409);
    expect(voided.error?.message).toContain('is void');

    // None of the refusals took a number: the next credit note follows the last one issued.
    expect(await creditNoteCounter()).toBe(4);
  });
});
