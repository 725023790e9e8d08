import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { KeyRing } from '../../src/platform/crypto/field-encryption.ts';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { findOrCreateGuestCustomer, STAFF_ENTERED } from '../../src/modules/customers/index.ts';

/** A customer created as the booking flow does (PII encrypted by the customers module). */
export async function makeCustomer(
  handle: DatabaseHandle,
  keyRing: KeyRing,
  tenantId: string,
  guest: { first_name: string; last_name?: string; email?: string; phone?: string; language?: string; marketing?: boolean },
): Promise<string> {
  return withTenant(handle.db, tenantId, async (trx) => {
    const customer = await findOrCreateGuestCustomer(trx, keyRing, tenantId, guest, STAFF_ENTERED);
    if (guest.language) {
      await sql`update customers set preferences = ${JSON.stringify({ language: guest.language })}::jsonb
                where tenant_id = ${tenantId} and id = ${customer.id}`.execute(trx);
    }
    if (guest.marketing) {
      await sql`update customers set marketing_consent = true where tenant_id = ${tenantId} and id = ${customer.id}`.execute(trx);
      await sql`insert into consent_records (tenant_id, customer_id, consent_type, purpose, legal_basis, source)
                values (${tenantId}, ${customer.id}, 'marketing', 'newsletter', 'consent', 'test')`.execute(trx);
    }
    return customer.id;
  });
}

/** A booking's API representation, as booking events carry it. */
export function bookingData(customerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    booking_number: 'BK-7KQ2M9',
    status: 'confirmed',
    start_time: '2030-03-29T09:00:00+01:00',
    end_time: '2030-03-29T09:45:00+01:00',
    service: { id: randomUUID(), name: 'Corte de pelo' },
    resource: { id: randomUUID(), name: 'Marta' },
    customer: { id: customerId, first_name: 'Ana' },
    location: { name: 'Calle Mayor 1', timezone: 'Europe/Madrid' },
    manage_url: 'https://book.example.test/manage/abc',
    ...overrides,
  };
}
