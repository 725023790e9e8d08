import i18next from 'i18next';
import { useParams } from 'react-router';
import type { Me } from '../session/use-session.ts';
import { CustomerList } from './customer-list.tsx';
import { CustomerProfile } from './customer-profile.tsx';
import customersEn from './i18n/en.json';
import customersEs from './i18n/es.json';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'customers', customersEn, true, true);
i18next.addResourceBundle('es', 'customers', customersEs, true, true);

/**
 * Customers: the list and search at /admin/customers, a profile at /admin/customers/:id (contact
 * details, notes, figures, booking history, consents, merging a duplicate, the GDPR export and
 * erasure). What a role may change follows its permissions; the server refuses the rest anyway.
 */
export default function CustomersPage({ me }: { me: Me }) {
  const { id } = useParams();
  return id ? <CustomerProfile key={id} id={id} me={me} /> : <CustomerList />;
}
