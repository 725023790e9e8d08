/**
 * ADAPTER until the customers module exports a search for other modules
 * (requested: `searchCustomerIds(trx, keyRing, tenantId, text)` in
 * customers/index.ts). It reproduces `GET /customers?search=` matching through
 * the customers module's own repository and blind-index helpers; delete it
 * when the export exists.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { normalizePhone } from '../../platform/crypto/pii-normalization.ts';
import type { Trx } from '../../platform/db/database.ts';
import { emailIndex, phoneIndex, searchTokenIndexes } from '../customers/customer-pii.ts';
import { listLiveCustomers, type CustomerListFilter } from '../customers/customers.repository.ts';

const MAX_MATCHES = 200;

export function customerSearchAdapter(keyRing: KeyRing) {
  return async (trx: Trx, tenantId: string, text: string): Promise<string[]> => {
    const filter: CustomerListFilter = { limit: MAX_MATCHES };
    const phone = /^[+0][\d\s().-]{6,}$/.test(text) ? normalizePhone(text) : null;
    if (text.includes('@')) filter.emailBidx = emailIndex(keyRing, text);
    else if (phone !== null) filter.phoneBidx = phoneIndex(keyRing, phone);
    else {
      const tokens = searchTokenIndexes(keyRing, text);
      if (tokens.length === 0) return [];
      filter.nameTokens = tokens;
    }
    const rows = await listLiveCustomers(trx, tenantId, filter);
    return rows.map((row) => row.id);
  };
}
