import { ApiError } from '@reservehub/api-client';
import type { TFunction } from 'i18next';
import { addWordsWhenReady } from '../i18n/add-words.ts';
import { errorText } from '../ui/error-text.ts';
import deskEn from './i18n/en.json';
import deskEs from './i18n/es.json';

// The drawer (desk and calendar) is part of the dashboard's first chunk, which runs before i18next is initialised.
addWordsWhenReady('desk', deskEn, deskEs);

/** A refused desk payment in one sentence: the desk's own for its codes, else the dashboard's table. */
export function deskErrorText(error: unknown, t: TFunction<['desk', 'admin']>): string {
  if (error instanceof ApiError && t(`desk:errors.${error.code}`, { defaultValue: '' })) return t(`desk:errors.${error.code}`);
  return errorText(error, t as unknown as TFunction<'admin'>);
}
