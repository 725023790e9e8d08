import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Trx } from '../../platform/db/database.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import type { PaymentsPort } from '../payments/index.ts';
import type { Occupancy } from '../scheduling/index.ts';
import type { ActorType } from './booking.tables.ts';
import type { SetupFactsPort } from './setup-status.ts';

/**
 * The messages booking sends: guest verification codes and waitlist offers.
 * Booking declares what it needs; the notifications module fulfils it
 * (templates, channels, delivery tracking) and the composition root passes
 * it in, so booking never reaches into notifications. Both queue in the
 * caller's transaction.
 */
export interface BookingMessagesPort {
  /**
   * A verification code to the email address or phone (E.164) being proved.
   * The code is a secret: the port must never log it nor keep it readable.
   */
  queueVerificationCode(
    trx: Trx,
    tenantId: string,
    message: { verificationId: string; channel: 'email' | 'sms'; destination: string; code: string; expiresMinutes: number; language?: 'es' | 'en' | undefined },
  ): Promise<void>;
  /** A freed slot held for a waiting customer until `expiresAt`, with the link that claims it. */
  queueWaitlistOffer(
    trx: Trx,
    tenantId: string,
    offer: { offerId: string; customerId: string; serviceName: string | null; start: Date; timeZone: string; claimUrl: string; expiresAt: Date },
  ): Promise<void>;
  /**
   * Tells the business it used `percent` % of its plan's monthly bookings. Called once per
   * level crossed; the port makes a repeat within the month (`period`) a no-op.
   */
  queueUsageWarning(trx: Trx, tenantId: string, warning: { period: string; percent: number; used: number; limit: number }): Promise<void>;
}

/** What the booking services are built with (composition root). */
export interface BookingDeps {
  db: Db;
  keyRing: KeyRing;
  payments: PaymentsPort;
  messages: BookingMessagesPort;
  /** Scheduling's occupancy: reserves, moves and releases resources; refreshes cached availability after commit itself. */
  occupancy: Occupancy;
  /** Base of customer-facing links (`PUBLIC_URL`). */
  publicUrl: string;
  /** HMAC key of manage links and waitlist offer tokens (32 bytes, from the secret store). */
  linkKey: Buffer;
  /** What the first-run checklist reads from catalog, scheduling and tenancy (the composition root wires it). */
  setupFacts: SetupFactsPort;
  /** The clock; tests pin it. */
  now?: () => Date;
}

/** Who performs a booking change, as recorded in the history and checked by policies. */
export interface Actor {
  type: ActorType;
  id: string | null;
  /** Staff-side caller (a credential with booking permissions), not the customer. */
  staff: boolean;
  auth: AuthContext | null;
  /** The client's address, for the limits on public bookings (absent outside a request). */
  ip?: string | null | undefined;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, staff: true, auth: null };

/** The actor behind a request: the credential's, else an anonymous guest (public booking, manage link). */
export function actorOf(auth: AuthContext | null): Actor {
  if (!auth) return { type: 'guest', id: null, staff: false, auth: null };
  const staff = auth.actor.type !== 'customer' && auth.role !== 'customer';
  return { type: auth.actor.type, id: auth.actor.id, staff, auth };
}

/** A guest acting through their signed link. */
export function manageLinkActor(customerId: string): Actor {
  return { type: 'guest', id: customerId, staff: false, auth: null };
}

export const nowOf = (deps: Pick<BookingDeps, 'now'>): Date => deps.now?.() ?? new Date();
