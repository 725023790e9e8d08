import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';

export type CustomersT = TFunction<['customers', 'admin']>;

/**
 * A refusal on the customers screen in one sentence that says what to do: the screen's own
 * sentence for the error's code in this `context` (`erase.SERVICE_UNAVAILABLE`), then for the code
 * anywhere on the screen, else the dashboard's table (errorText).
 */
export function customerErrorText(error: unknown, t: CustomersT, context?: string): string {
  if (error instanceof ApiError) {
    for (const key of [context ? `${context}.${error.code}` : null, error.code]) {
      if (key && t(`customers:errors.${key}`, { defaultValue: '' })) return t(`customers:errors.${key}`);
    }
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}

/** A refused field (validation or a contact another customer holds): the field, and that customer's id when given. */
export interface FieldRefusal {
  field: string;
  message: string;
  customerId: string | null;
}

export function fieldRefusals(error: unknown): FieldRefusal[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return [];
  return (error.details as Array<{ field?: unknown; message?: unknown; customer_id?: unknown }>)
    .filter((issue) => typeof issue.field === 'string')
    .map((issue) => ({
      field: String(issue.field),
      message: typeof issue.message === 'string' ? issue.message : '',
      customerId: typeof issue.customer_id === 'string' ? issue.customer_id : null,
    }));
}
