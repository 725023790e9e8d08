import { AppError } from '../../platform/http/errors.ts';
import { SYSTEM_ACTOR } from './booking-deps.ts';
import type { BookingServices } from './booking-services.ts';

const MS_PER_DAY = 86_400_000;

/** Local `HH:MM` in Madrid on `date` (YYYY-MM-DD) as an instant with the right offset. */
function madrid(date: string, time: string): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', hourCycle: 'h23' }).format(probe));
  return `${date}T${time}:00+${String(hour - 12).padStart(2, '0')}:00`;
}

/**
 * A few demo bookings for the demo salon (guests, a cancellation and a
 * check-in), on the next working days. Slots that are not bookable (a
 * closure, Sunday) are skipped. Returns the booking numbers created.
 */
export async function seedDemoBookings(
  services: Pick<BookingServices, 'create' | 'actions'>,
  tenantId: string,
  catalog: { serviceId: string; resourceIds: readonly string[] },
  now: Date = new Date(),
): Promise<string[]> {
  const guests = [
    { first_name: 'Lucía', last_name: 'Martín', email: 'lucia.martin@example.com' },
    { first_name: 'Pablo', last_name: 'Ruiz', phone: '+34600111222' },
    { first_name: 'Carmen', last_name: 'López', email: 'carmen.lopez@example.com' },
    { first_name: 'Jorge', last_name: 'Sanz', email: 'jorge.sanz@example.com' },
  ];
  const actor = { ...SYSTEM_ACTOR, type: 'system' as const };
  const numbers: string[] = [];
  const ids: string[] = [];
  for (let day = 1; day <= 10 && numbers.length < guests.length; day += 1) {
    const date = new Date(now.getTime() + day * MS_PER_DAY).toISOString().slice(0, 10);
    for (const [index, time] of ['10:00', '11:30', '16:00'].entries()) {
      const guest = guests[numbers.length];
      const resourceId = catalog.resourceIds[index % catalog.resourceIds.length];
      if (!guest || !resourceId) break;
      try {
        const booking = await services.create.create(
          tenantId,
          { service_id: catalog.serviceId, resource_id: resourceId, start_time: madrid(date, time), customer: guest, source: 'admin', notes: 'Demo booking' },
          actor,
          `demo-booking-${numbers.length}`,
        );
        numbers.push(booking.booking_number);
        ids.push(booking.id);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'SLOT_UNAVAILABLE')) throw error;
      }
    }
  }
  // One cancelled booking, so the demo shows a history with two states.
  const last = ids.at(-1);
  if (last) await services.actions.patch(tenantId, last, { action: 'cancel', cancellation_reason: 'Demo: customer called to cancel' }, actor);
  return numbers;
}
