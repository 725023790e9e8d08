import { useTranslation } from 'react-i18next';
import type { BookingPage, BookingPageService } from '../api/use-booking-page.ts';
import { ServiceCard } from './service-card.tsx';
import styles from './service-list.module.css';

/** The services by category (in the business's order), uncategorised ones last. */
export function ServiceList({ page, onChoose }: { page: BookingPage; onChoose?: (service: BookingPageService) => void }) {
  const { t } = useTranslation('catalog');
  if (page.services.length === 0) return <p className={styles.empty}>{t('empty')}</p>;
  const groups = [
    ...page.categories.map((category) => ({ key: category.id, title: category.name, services: page.services.filter((service) => service.category_id === category.id) })),
    {
      key: 'other',
      title: page.categories.length > 0 ? t('otherServices') : null,
      services: page.services.filter((service) => !page.categories.some((category) => category.id === service.category_id)),
    },
  ].filter((group) => group.services.length > 0);
  return (
    <div className={styles.groups}>
      {groups.map((group) => (
        <section key={group.key} className={styles.group} aria-label={group.title ?? t('services')}>
          {group.title ? <h2 className={styles.title}>{group.title}</h2> : null}
          <ul className={styles.list}>
            {group.services.map((service) => (
              <li key={service.id}>
                <ServiceCard service={service} onChoose={onChoose} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
