/** Where the console's API lives, relative to the page. */
const BASE = 'api/';

/** A failure the server answered with its error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="polyfaas-csrf"]')?.content ?? '';
}

async function failure(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? 'Unknown', body.error?.message ?? res.statusText);
  } catch {
    return new ApiError(res.status, 'Unknown', res.statusText);
  }
}

/** GET a console API path and parse its JSON. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(BASE + path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** A state-changing call: always with the CSRF header, which only this page can know. */
export async function change<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: Blob, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { 'x-polyfaas-csrf': csrfToken() };
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(BASE + path, { method, headers, ...(body ? { body } : {}) });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** The URL of an API path, for links and images. */
export function apiUrl(path: string): string {
  return BASE + path;
}

/** A message for a failure, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
