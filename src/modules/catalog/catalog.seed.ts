import type { CatalogModule } from './index.ts';

/** What the demo needs from scheduling, passed in so catalog does not depend on it. */
export interface DemoSchedulingApi {
  schedules: {
    create(
      tenantId: string,
      input: { resource_id: string; name: string; start_date: string; time_slots: { start: string; end: string; days: number[] }[] },
    ): Promise<unknown>;
  };
  closures: { create(tenantId: string, locationId: string, input: { closure_date: string; reason?: string }): Promise<unknown> };
}

export interface DemoCatalog {
  locationId: string;
  serviceIds: { corte: string; coloracion: string; masaje: string };
  staffIds: string[];
  roomId: string;
}

/**
 * The demo tenant's catalog and calendars: one Madrid location, categories,
 * three services (a 30-minute cut at 20 EUR, a 90-minute colour with a 30 %
 * deposit, a massage that needs a therapist with the `massage` skill plus the
 * room), three staff working Monday to Saturday, one room, and a public holiday
 * (location closure) on the next 6 January or 1 May, whichever comes first.
 */
export async function seedDemoCatalog(
  catalog: CatalogModule,
  scheduling: DemoSchedulingApi,
  tenantId: string,
  today: string = new Date().toISOString().slice(0, 10),
): Promise<DemoCatalog> {
  const location = await catalog.locations.create(tenantId, {
    name: 'ReserveHub Demo — Centro',
    address: { line1: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' },
    timezone: 'Europe/Madrid',
    phone: '+34910000000',
  });
  const hair = await catalog.categories.create(tenantId, { name: 'Peluquería', color: '#C2185B', sort_order: 1 });
  const wellness = await catalog.categories.create(tenantId, { name: 'Bienestar', color: '#00897B', sort_order: 2 });

  const staff = await Promise.all(
    [
      { name: 'Marta', skills: ['cut', 'color'] },
      { name: 'Javier', skills: ['cut'] },
      { name: 'Lucía', skills: ['massage'] },
    ].map((person) => catalog.resources.create(tenantId, { location_id: location.id, type: 'staff', ...person })),
  );
  const room = await catalog.resources.create(tenantId, { location_id: location.id, name: 'Cabina 1', type: 'room' });
  const [marta, javier, lucia] = staff;
  if (!marta || !javier || !lucia) throw new Error('demo staff missing');

  for (const person of staff) {
    await scheduling.schedules.create(tenantId, {
      resource_id: person.id,
      name: 'Lunes a sábado',
      start_date: today,
      time_slots: [
        { start: '09:30', end: '14:00', days: [1, 2, 3, 4, 5, 6] },
        { start: '16:00', end: '20:00', days: [1, 2, 3, 4, 5] },
      ],
    });
  }
  await scheduling.schedules.create(tenantId, {
    resource_id: room.id,
    name: 'Horario de cabina',
    start_date: today,
    time_slots: [{ start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6] }],
  });

  const year = Number(today.slice(0, 4));
  const holidays = [`${year}-01-06`, `${year}-05-01`, `${year + 1}-01-06`].filter((date) => date > today);
  await scheduling.closures.create(tenantId, location.id, { closure_date: holidays[0] ?? `${year + 1}-01-06`, reason: 'Festivo' });

  const corte = await catalog.services.create(tenantId, {
    category_id: hair.id,
    name: 'Corte',
    duration_minutes: 30,
    price: { amount: 2000, currency: 'EUR' },
    cancellation_policy: { window_hours: 2, rules: [{ min_hours: 2, refund_percentage: 100 }] },
    resource_ids: [marta.id, javier.id],
  });
  const coloracion = await catalog.services.create(tenantId, {
    category_id: hair.id,
    name: 'Coloración',
    duration_minutes: 90,
    buffer_after_minutes: 15,
    slot_interval_minutes: 30,
    min_notice_minutes: 120,
    price: { amount: 6500, currency: 'EUR' },
    deposit: { type: 'percentage', value: 30 },
    cancellation_policy: { window_hours: 24, rules: [{ min_hours: 48, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] },
    resource_ids: [marta.id],
  });
  const masaje = await catalog.services.create(tenantId, {
    category_id: wellness.id,
    name: 'Masaje relajante',
    duration_minutes: 60,
    buffer_after_minutes: 10,
    slot_interval_minutes: 30,
    price: { amount: 5000, currency: 'EUR' },
    deposit: { type: 'fixed', value: 1000 },
    resource_ids: [lucia.id],
    required_resources: [{ label: 'room', type: 'room' }],
  });
  return {
    locationId: location.id,
    serviceIds: { corte: corte.id, coloracion: coloracion.id, masaje: masaje.id },
    staffIds: staff.map((person) => person.id),
    roomId: room.id,
  };
}
