/** Where callers put credentials; read from the neutral request's lower-case headers. */

/** The API key header, for clients that keep `Authorization` for something else (a platform's own token). */
export const API_KEY_HEADER = 'x-api-key';

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The token of `Authorization: Bearer <token>`, if that is what the header holds. */
export function bearerToken(headers: Readonly<Record<string, string>>): string | undefined {
  const value = headers.authorization;
  return value === undefined ? undefined : BEARER.exec(value)?.[1];
}

/** True if a token has the compact JWS shape (three base64url parts), as opposed to an opaque API key. */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}
