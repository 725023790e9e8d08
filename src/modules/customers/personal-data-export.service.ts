import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { auditCustomer, type CustomerRequestContext, type CustomersDeps } from './customer-context.ts';
import type { PersonalDataContributor } from './customer-data-registry.ts';
import { CONSENT_EVIDENCE_RETENTION_YEARS } from './customer-erasure.service.ts';
import { GUEST_RETENTION_MONTHS, retentionOf } from './customer-maintenance.job.ts';
import { decryptCustomerPii } from './customer-pii.ts';
import * as consents from './consents.repository.ts';
import { toConsentView } from './consents.service.ts';
import * as repo from './customers.repository.ts';
import { toCustomerView } from './customers.service.ts';
import type { UserDataExport } from './privacy.schemas.ts';
import { recordFulfilledRequest } from './privacy-requests.ts';

/** How the profile itself is processed, for the export's retention policy. */
/** The customer's own details, kept as long as the business chose for guests (its retention settings). */
export function personalInfoCategory(guestMonths = GUEST_RETENTION_MONTHS) {
  return {
    category: 'personal_info',
    purposes: ['Managing the customer\'s appointments', 'Contacting the customer about their bookings'],
    recipients: ['The business the customer booked with', 'ReserveHub, as the business\'s data processor'],
    retention: `While the customer relationship lasts; erased on request; guest customers are erased after ${guestMonths} months without a booking`,
  };
}

/** The customers module's own contribution besides the profile: consent records. */
export function consentsContributor(keyRing: KeyRing): PersonalDataContributor {
  return {
    name: 'consents',
    purposes: ['Demonstrating that the customer consented (GDPR Art. 7(1))'],
    recipients: ['The business the customer booked with'],
    retention: `While the customer exists; after erasure ${CONSENT_EVIDENCE_RETENTION_YEARS} years, without IP address or user agent`,
    async collect(trx, tenantId, customerId) {
      const rows = await consents.listConsents(trx, tenantId, customerId);
      return rows.map((row) => ({ ...toConsentView(keyRing, row) }));
    },
  };
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote every cell; a leading formula character is defused for spreadsheet programs (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/**
 * The export as CSV, one line per value: `category,record,field,value`
 * (nested values as JSON). Long format, so every category fits one file.
 */
export function exportToCsv(data: UserDataExport): string {
  const lines = [['category', 'record', 'field', 'value'].join(',')];
  const push = (category: string, record: number, field: string, value: unknown) =>
    lines.push([csvCell(category), String(record), csvCell(field), csvCell(value)].join(','));
  push('export', 0, 'user_id', data.user_id);
  push('export', 0, 'export_date', data.export_date);
  for (const [field, value] of Object.entries(data.data.personal_info)) push('personal_info', 0, field, value);
  for (const [category, records] of Object.entries(data.data)) {
    if (category === 'personal_info' || !Array.isArray(records)) continue;
    records.forEach((record, index) => {
      for (const [field, value] of Object.entries(record)) push(category, index, field, value);
    });
  }
  data.retention_policy.categories.forEach((category, index) => {
    for (const [field, value] of Object.entries(category)) push('retention_policy', index, field, value);
  });
  return `${lines.join('\r\n')}\r\n`;
}

export function createExportService(deps: CustomersDeps) {
  const { db, keyRing, registry } = deps;
  return {
    /** Everything held about the customer (Art. 15 and 20); audited as `customer.exported`. */
    async exportData(context: CustomerRequestContext, customerId: string, format: 'json' | 'csv'): Promise<UserDataExport> {
      return withTenant(db, context.tenantId, async (trx) => {
        const { tenantId } = context;
        const row = await repo.findLiveCustomer(trx, tenantId, customerId);
        if (!row) throw notFound('Customer');
        const profile = toCustomerView(row, decryptCustomerPii(keyRing, row));
        const data: UserDataExport['data'] = {
          personal_info: { ...profile },
          bookings: [],
          payments: [],
          communications: [],
          consents: [],
        };
        for (const contributor of registry.contributors) {
          data[contributor.name] = await contributor.collect(trx, tenantId, customerId);
        }
        const categories = [personalInfoCategory((await retentionOf(trx, tenantId)).guestMonths)];
        for (const contributor of registry.contributors) {
          categories.push({
            category: contributor.name,
            purposes: contributor.purposes,
            recipients: contributor.recipients,
            retention: contributor.retention,
          });
        }
        await auditCustomer(trx, context, 'customer.exported', customerId, { metadata: { format } });
        await recordFulfilledRequest(trx, context, customerId, 'access');
        return {
          user_id: customerId,
          export_date: new Date().toISOString(),
          data,
          retention_policy: { categories },
        };
      });
    },
  };
}
