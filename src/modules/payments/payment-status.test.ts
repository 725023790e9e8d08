import { describe, expect, it } from 'vitest';
import { outcomeOfIntent, statusAfterRefunds, transitionFor, type IntentOutcome } from './payment-status.ts';
import type { PaymentStatus } from './payments.tables.ts';

describe('transitionFor: reports only move a payment forward', () => {
  it.each<[PaymentStatus, IntentOutcome, PaymentStatus, string]>([
    ['requires_action', 'succeeded', 'succeeded', 'succeeded'],
    ['processing', 'succeeded', 'succeeded', 'succeeded'],
    ['failed', 'succeeded', 'succeeded', 'succeeded'],
    ['requires_action', 'failed', 'failed', 'failed'],
    ['failed', 'failed', 'failed', 'none'],
    ['succeeded', 'failed', 'succeeded', 'none'],
    ['succeeded', 'succeeded', 'succeeded', 'none'],
    ['refunded', 'succeeded', 'refunded', 'none'],
    ['partially_refunded', 'cancelled', 'partially_refunded', 'none'],
    ['processing', 'requires_action', 'processing', 'none'],
    ['requires_payment_method', 'requires_action', 'requires_action', 'moved'],
    ['requires_action', 'processing', 'processing', 'moved'],
    ['requires_action', 'cancelled', 'cancelled', 'moved'],
    ['cancelled', 'succeeded', 'succeeded', 'late_success'],
    ['cancelled', 'failed', 'cancelled', 'none'],
  ])('%s + %s → %s (%s)', (current, outcome, next, effect) => {
    expect(transitionFor(current, outcome)).toEqual({ next, effect });
  });

  it('reads a declined Stripe intent (requires_payment_method with an error) as failed', () => {
    expect(outcomeOfIntent({ status: 'requires_payment_method', failure: { code: 'card_declined', message: 'x' } })).toBe('failed');
    expect(outcomeOfIntent({ status: 'requires_payment_method', failure: null })).toBe('requires_payment_method');
  });

  it('derives refunded and partially refunded from the refunded total', () => {
    expect(statusAfterRefunds(2500, 0)).toBe('succeeded');
    expect(statusAfterRefunds(2500, 1000)).toBe('partially_refunded');
    expect(statusAfterRefunds(2500, 2500)).toBe('refunded');
  });
});
