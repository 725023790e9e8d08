import { ApiError, isErrorEnvelope } from '@reservehub/api-client';

/** One page of a cursor-paginated list as the typed client answers it. */
export interface Page<T> {
  data?: { data: T[]; metadata?: { pagination?: { cursor: string | null; has_more: boolean } } };
  error?: unknown;
  response: Response;
}

/** The ApiError of a refused answer from the typed client's raw methods (its envelope, or the bare status). */
export function refusal(response: Response, error: unknown): ApiError {
  const envelope = isErrorEnvelope(error) ? error.error : { code: 'INVALID_RESPONSE', message: response.statusText };
  return new ApiError({ ...envelope, status: response.status, requestId: response.headers.get('x-request-id') });
}

/** One page's items and the cursor of the next page (undefined on the last), for an infinite query; a refused page throws. */
export function pageOf<T>({ data, error, response }: Page<T>): { items: T[]; next: string | undefined } {
  if (!response.ok || !data) throw refusal(response, error);
  const pagination = data.metadata?.pagination;
  return { items: data.data, next: pagination?.has_more ? (pagination.cursor ?? undefined) : undefined };
}

/** Every page of a cursor-paginated list, at most `maxPages` of them; a refused page throws its ApiError. */
export async function allPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, maxPages = 10): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = pageOf(await fetchPage(cursor));
    items.push(...answer.items);
    if (!answer.next) break;
    cursor = answer.next;
  }
  return items;
}
