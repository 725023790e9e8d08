import { DateInput, type DateInputProps } from '@mantine/dates';
import { useTranslation } from 'react-i18next';

type Props = Omit<DateInputProps, 'value' | 'onChange' | 'minDate' | 'maxDate' | 'locale' | 'valueFormat'> & {
  /** YYYY-MM-DD, or '' for none. */
  value: string;
  onChange: (value: string) => void;
  min?: string;
  max?: string;
};

/**
 * A date field that reads in the dashboard's language ("7 dic 2026" / "7 Dec 2026") with a month
 * picker: the browser's own date field follows the browser's language, not the page's. The value
 * stays an ISO date; `data-date` carries it for tests and tools.
 */
export function DateField({ value, onChange, min, max, ...rest }: Props) {
  const { t, i18n } = useTranslation('admin');
  // The month and year headings are named by their own text; only the arrows need words.
  const labels = ['previousMonth', 'nextMonth', 'previousYear', 'nextYear', 'previousDecade', 'nextDecade'] as const;
  return (
    <DateInput
      ariaLabels={Object.fromEntries(labels.map((label) => [label, t(`dateField.${label}`)]))}
      // Days of the neighbouring months would be greyed below the contrast people need to read them.
      hideOutsideDates
      // Weekends in red would fall below readable contrast; a business works them like any day.
      weekendDays={[]}
      clearButtonProps={{ 'aria-label': t('dateField.clear') }}
      value={value || null}
      onChange={(next) => onChange(next ?? '')}
      minDate={min || undefined}
      maxDate={max || undefined}
      locale={i18n.language}
      valueFormat="D MMM YYYY"
      placeholder={t('dateField.placeholder')}
      data-date={value}
      {...rest}
    />
  );
}
