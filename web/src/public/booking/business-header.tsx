import { useTranslation } from 'react-i18next';
import type { BookingPage } from '../../shared/api/use-booking-page.ts';
import styles from './business-header.module.css';

/** "Calle Mayor 1, 28013 Madrid" from the business's address object (any of its parts may be missing). */
export function addressLine(address: Record<string, unknown> | null): string | null {
  if (!address) return null;
  const part = (key: string) => (typeof address[key] === 'string' && address[key] !== '' ? (address[key] as string) : null);
  const city = [part('postal_code'), part('city')].filter(Boolean).join(' ');
  const line = [part('line1'), part('line2'), city].filter(Boolean).join(', ');
  return line === '' ? null : line;
}

/** The business as its customers know it: logo (or initial), name, address with a map link, description. */
export function BusinessHeader({ business, locations = [] }: { business: BookingPage['business']; locations?: BookingPage['locations'] }) {
  const { t } = useTranslation('public');
  // The business's own address, else where its one location is (several: each booking says its own).
  const address = addressLine(business.address) ?? (locations.length === 1 ? addressLine(locations[0]?.address ?? null) : null);
  return (
    <header className={styles.header}>
      {business.logo_url ? (
        <img className={styles.logo} src={business.logo_url} alt="" width={56} height={56} />
      ) : (
        <span className={styles.initial} aria-hidden="true">
          {business.name.trim().charAt(0).toUpperCase()}
        </span>
      )}
      <div className={styles.text}>
        <h1 className={styles.name} data-testid="business-name">
          {business.name}
        </h1>
        {address ? (
          <a className={styles.address} href={`https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`} target="_blank" rel="noreferrer">
            {address}
            <span className="visually-hidden"> ({t('booking.mapLink')})</span>
          </a>
        ) : null}
        {business.description ? <p className={styles.description}>{business.description}</p> : null}
      </div>
    </header>
  );
}
