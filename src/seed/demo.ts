import { randomBytes } from 'node:crypto';
import { isEmbedded, publicUrl, type Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import { withPlatform } from '../platform/db/tenant-context.ts';
import { createPlatformAdmin, createPlatformAuditor, seedDemoMembers } from '../modules/identity/index.ts';
import { createTenant, getTenantBySlug } from '../modules/tenancy/index.ts';

export const DEMO_TENANT_SLUG = 'demo';
/** The well-known demo password, used only by the embedded (local) mode outside production. */
export const EMBEDDED_DEMO_PASSWORD = 'ReserveHub-demo-salon';

export interface DemoSeed {
  summary: string;
  tenantId: string;
  businessId: string;
  ownerId: string;
  staffId: string;
}

function demoPassword(config: Config): string {
  if (config.DEMO_PASSWORD !== undefined) return config.DEMO_PASSWORD;
  if (isEmbedded(config) && config.NODE_ENV !== 'production') return EMBEDDED_DEMO_PASSWORD;
  return randomBytes(12).toString('base64url');
}

/**
 * The demo business: tenant `demo` ("Salón Demo", a hair salon in Europe/Madrid, EUR) with an
 * owner and a staff account. Null when it exists already. Other modules' demo data (services,
 * staff resources, bookings) hang from the returned ids.
 */
export async function seedDemo(db: Db, config: Config): Promise<DemoSeed | null> {
  const password = demoPassword(config);
  const created = await withPlatform(db, async (trx) => {
    if (await getTenantBySlug(trx, DEMO_TENANT_SLUG)) return null;
    const { tenant, business } = await createTenant(trx, {
      name: 'Salón Demo',
      slug: DEMO_TENANT_SLUG,
      planId: 'professional',
      timezone: 'Europe/Madrid',
      currency: 'EUR',
    });
    const ids = await seedDemoMembers(trx, tenant.id, password, [
      { email: 'owner@demo.reservehub.test', firstName: 'Olivia', lastName: 'Owner', role: 'business_admin' },
      { email: 'staff@demo.reservehub.test', firstName: 'Sergio', lastName: 'Estilista', role: 'staff' },
    ]);
    return { tenantId: tenant.id, businessId: business.id, ownerId: ids[0] ?? '', staffId: ids[1] ?? '' };
  });
  if (!created) return null;

  const lines = [
    '',
    'Demo business created: Salón Demo (tenant "demo", Europe/Madrid, EUR)',
    `  Owner (business_admin): owner@demo.reservehub.test / ${password}`,
    `  Staff:                  staff@demo.reservehub.test / ${password}`,
    `  Sign in: POST ${publicUrl(config)}/api/v1/auth/login`,
  ];
  const adminEmail = config.PLATFORM_ADMIN_EMAIL;
  if (adminEmail !== undefined) {
    const adminPassword = config.PLATFORM_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
    await createPlatformAdmin(db, { email: adminEmail, password: adminPassword });
    lines.push(`  Platform admin:         ${adminEmail} / ${config.PLATFORM_ADMIN_PASSWORD ? '(PLATFORM_ADMIN_PASSWORD)' : adminPassword}`);
  }
  const auditorEmail = config.PLATFORM_AUDITOR_EMAIL;
  if (auditorEmail !== undefined) {
    const auditorPassword = config.PLATFORM_AUDITOR_PASSWORD ?? randomBytes(12).toString('base64url');
    await createPlatformAuditor(db, { email: auditorEmail, password: auditorPassword });
    lines.push(`  Platform auditor:       ${auditorEmail} / ${config.PLATFORM_AUDITOR_PASSWORD ? '(PLATFORM_AUDITOR_PASSWORD)' : auditorPassword}`);
  }
  return { summary: `${lines.join('\n')}\n\n`, ...created };
}
