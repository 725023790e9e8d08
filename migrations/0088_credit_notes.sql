-- Refunds of the platform's invoices, each documented by a credit note (kind = 'credit_note',
-- series RH-CN, credits_invoice_id naming the invoice it rectifies):
--  * platform_invoices.amount_refunded: how much of an invoice's total has been refunded so far
--    (0 none, below the total partly, the total fully); never more than the total;
--  * platform_invoices.refund_reason: why a credit note was issued, as the platform wrote it (printed
--    on the credit note). The credit note's provider_payment_id holds the provider's refund id.

alter table platform_invoices
  add column amount_refunded bigint not null default 0 check (amount_refunded >= 0),
  add column refund_reason text;
alter table platform_invoices add constraint platform_invoices_refund_within_total
  check (kind <> 'invoice' or amount_refunded <= greatest(total, 0));
create index platform_invoices_credit_notes on platform_invoices (tenant_id, credits_invoice_id) where credits_invoice_id is not null;
