import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Trx } from '../../platform/db/database.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import type { PaymentsPort } from '../payments/payments-port.ts';
import type { ActorType } from './booking.tables.ts';

/** What the booking services are built with (composition root). */
export interface BookingDeps {
  db: Db;
  keyRing: KeyRing;
  payments: PaymentsPort;
  /** Scheduling's cache invalidation, called after a commit that changed occupancy. */
  bumpAvailabilityVersion(tenantId: string, resourceIds: readonly string[]): Promise<void>;
  /** Base of customer-facing links (`PUBLIC_URL`). */
  publicUrl: string;
  /** HMAC key of manage links and waitlist offer tokens (32 bytes, from the secret store). */
  linkKey: Buffer;
  /** Customer ids matching a free-text search (name, email, phone), from the customers module. */
  searchCustomerIds(trx: Trx, tenantId: string, text: string): Promise<string[]>;
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
