import { describe, expect, it } from 'vitest';
import { balanceDue, type Payment } from './use-desk-payments.ts';
import type { Booking } from './use-desk.ts';

const booking = { pricing: { total_price: 5000, deposit_paid: 1500, currency: 'EUR' } } as Booking;
const payment = (fields: Partial<Payment>): Payment => ({ type: 'full_payment', status: 'succeeded', amount: 0, refunded_amount: 0, ...fields }) as Payment;

describe('the balance the desk collects', () => {
  it('is the price less what the payments keep: refunds owe again, failed payments and no-show fees count for nothing', () => {
    const payments = [
      payment({ type: 'deposit', amount: 1500 }),
      payment({ amount: 2000, status: 'partially_refunded', refunded_amount: 500 }),
      payment({ amount: 900, status: 'failed' }),
      payment({ type: 'penalty', amount: 1000 }),
    ];
    expect(balanceDue(booking, payments)).toBe(2000);
  });

  it('falls back on what the booking records as paid when the payments cannot be read, and never goes below zero', () => {
    expect(balanceDue(booking, undefined)).toBe(3500);
    expect(balanceDue(booking, [payment({ amount: 6000 })])).toBe(0);
  });
});
