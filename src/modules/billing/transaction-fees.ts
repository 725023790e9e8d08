/**
 * The transaction-fee statement of an invoice: what the platform took on the business's booking
 * payments in the invoice's period, printed on the PDF and given in the API for information (the
 * fees are kept from the payments themselves, never charged on the invoice). Payments own the
 * figures; billing reads them through this port, which composition.ts wires to payments.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { InvoiceRow } from './invoices.ts';

/** Count and sum (minor units) of the fees in one payment currency. */
export interface TransactionFees {
  payments: number;
  amount: number;
  currency: string;
}

export interface TransactionFeesPort {
  /** Fees on the tenant's payments that went through in [from, to), one entry per currency, under the tenant's context. */
  feesBetween(executor: Executor, tenantId: string, from: Date, to: Date): Promise<TransactionFees[]>;
}

/** The statement of an invoice with a period; null for credit notes, invoices without a period, or without the port. */
export async function invoiceTransactionFees(port: TransactionFeesPort | null, executor: Executor, invoice: InvoiceRow): Promise<TransactionFees[] | null> {
  if (!port || invoice.kind !== 'invoice' || !invoice.period_start || !invoice.period_end) return null;
  return port.feesBetween(executor, invoice.tenant_id, invoice.period_start, invoice.period_end);
}
