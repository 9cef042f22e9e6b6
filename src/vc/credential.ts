// Plain helpers over a credential's JSON: its issuer, types, contexts; and the media types we speak.

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const MEDIA_TYPE_VC_JWT = 'application/vc+jwt';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The issuer's id whether `issuer` is a URL or an object with an `id`. */
export function issuerId(credential: JsonObject): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

/** The (first) credential subject, or an empty object when there is none. */
export function subjectOf(credential: JsonObject): JsonObject {
  return isObject(credential.credentialSubject) ? credential.credentialSubject : {};
}

export function typesOf(document: JsonObject): string[] {
  return asArray(document.type as string | string[] | undefined).filter((t): t is string => typeof t === 'string');
}

export function credentialLabel(credential: JsonObject): string {
  return typeof credential.id === 'string' ? credential.id : '(credential without id)';
}

/** What the WHATWG URL parser does first (the VC Data Model's URLs are WHATWG URLs): strip leading and trailing C0 controls and spaces. */
export function trimUrl(url: string): string {
  return url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}
