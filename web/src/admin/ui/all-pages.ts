import { ApiError, isErrorEnvelope } from '@reservehub/api-client';

/** One page of a cursor-paginated list as the typed client answers it. */
export interface Page<T> {
  data?: { data: T[]; metadata?: { pagination?: { cursor: string | null; has_more: boolean } } };
  error?: unknown;
  response: Response;
}

/** Every page of a cursor-paginated list, at most `maxPages` of them; a refused page throws its ApiError. */
export async function allPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, maxPages = 10): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const { data, error, response } = await fetchPage(cursor);
    if (!response.ok || !data) {
      const envelope = isErrorEnvelope(error) ? error.error : { code: 'INVALID_RESPONSE', message: response.statusText };
      throw new ApiError({ ...envelope, status: response.status, requestId: response.headers.get('x-request-id') });
    }
    items.push(...data.data);
    const next = data.metadata?.pagination;
    if (!next?.has_more || !next.cursor) break;
    cursor = next.cursor;
  }
  return items;
}
