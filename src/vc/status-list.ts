// W3C Bitstring Status List v1.0: encoding, bits (index 0 is the left-most bit), and status list credentials.
// @see https://www.w3.org/TR/vc-bitstring-status-list/
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataModelError } from '../errors.js';
import { multibaseDecode, multibaseBase64url } from '../did/multibase.js';
import type { JsonObject } from './credential.js';

/** The spec's minimum: 16 KB, so that one unit's bit hides among 131,072. */
export const MIN_STATUS_LIST_BITS = 131_072;
/** The largest list we decode: 2^26 entries (8 MiB), far beyond any issuer's need. */
export const MAX_STATUS_LIST_BYTES = 8 * 1024 * 1024;
export const STATUS_PURPOSES = ['revocation', 'suspension', 'message'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

export function createBitstring(bits = MIN_STATUS_LIST_BITS): Uint8Array {
  if (!Number.isInteger(bits) || bits < MIN_STATUS_LIST_BITS || bits % 8 !== 0) {
    throw new TypeError(`A status list has a multiple of 8 bits, at least ${MIN_STATUS_LIST_BITS}`);
  }
  return new Uint8Array(bits / 8);
}

export function getBit(bitstring: Uint8Array, index: number): boolean {
  const byte = Number.isSafeInteger(index) ? bitstring[Math.floor(index / 8)] : undefined;
  if (byte === undefined || index < 0) throw new RangeError(`Status index ${index} is outside the list`);
  return (byte & (0x80 >> (index % 8))) !== 0;
}

export function setBit(bitstring: Uint8Array, index: number, value: boolean): void {
  const at = Math.floor(index / 8);
  if (!Number.isSafeInteger(index) || index < 0 || at >= bitstring.length) throw new RangeError(`Status index ${index} is outside the list`);
  if (value) bitstring[at]! |= 0x80 >> (index % 8);
  else bitstring[at]! &= ~(0x80 >> (index % 8));
}

/** `encodedList`: multibase base64url (no padding) of the GZIP-compressed bitstring. */
export function encodeBitstring(bitstring: Uint8Array): string {
  return multibaseBase64url(gzipSync(bitstring));
}

export function decodeBitstring(encodedList: string): Uint8Array {
  const compressed = multibaseDecode(encodedList);
  if (!compressed || encodedList[0] !== 'u') {
    throw new DataModelError('STATUS_LIST_INVALID', 'encodedList is not multibase base64url', { evidence: { encodedList: encodedList.slice(0, 40) } });
  }
  try {
    // A status list is at most MAX_STATUS_LIST_BYTES: a GZIP bomb fails here instead of filling memory.
    return new Uint8Array(gunzipSync(compressed, { maxOutputLength: MAX_STATUS_LIST_BYTES }));
  } catch (err) {
    throw new DataModelError('STATUS_LIST_INVALID', 'encodedList is not GZIP data', { cause: err });
  }
}

/** The widest entry the spec's examples use and we accept: 8 bits, 256 values. */
export const MAX_STATUS_SIZE = 8;

function checkStatusSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_STATUS_SIZE) throw new RangeError(`statusSize is an integer from 1 to ${MAX_STATUS_SIZE}, not ${size}`);
}

function checkEntry(bitstring: Uint8Array, index: number, size: number): void {
  checkStatusSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || (index + 1) * size > bitstring.length * 8) {
    throw new RangeError(`Status index ${index} (statusSize ${size}) is outside a list of ${Math.floor((bitstring.length * 8) / size)} entries`);
  }
}

/**
 * The value of entry `index` of a list of `size`-bit entries: bits index·size … index·size+size−1,
 * the first of them the most significant. With `size` 1 it is `getBit` as a number.
 */
export function getStatus(bitstring: Uint8Array, index: number, size = 1): number {
  checkEntry(bitstring, index, size);
  let value = 0;
  for (let bit = index * size; bit < (index + 1) * size; bit++) value = (value << 1) | (getBit(bitstring, bit) ? 1 : 0);
  return value;
}

/** Sets entry `index` of a list of `size`-bit entries to `value` (0 … 2^size − 1), most significant bit first. */
export function setStatus(bitstring: Uint8Array, index: number, size: number, value: number): void {
  checkEntry(bitstring, index, size);
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** size) throw new RangeError(`A ${size}-bit status is 0 to ${2 ** size - 1}, not ${value}`);
  for (let i = 0; i < size; i++) setBit(bitstring, index * size + i, ((value >> (size - 1 - i)) & 1) === 1);
}

/** The spec's `status` of a value: hexadecimal with a `0x` prefix (`0x0`, `0x1`, … `0xff`). */
export function statusHex(value: number): string {
  return `0x${value.toString(16)}`;
}

/**
 * An unsigned BitstringStatusListCredential for `bitstring`. `statusSize` and `statusMessage` are not
 * here: the spec puts them on each `BitstringStatusListEntry` (and the v2 context defines them only there).
 */
export function statusListCredential(options: {
  id: string;
  issuer: string;
  purpose: StatusPurpose;
  bitstring: Uint8Array;
  validFrom: string;
  /** The latest time the list may be taken as current (a list served on demand says so). */
  validUntil?: string;
}): JsonObject {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: options.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.issuer,
    validFrom: options.validFrom,
    ...(options.validUntil === undefined ? {} : { validUntil: options.validUntil }),
    credentialSubject: {
      id: `${options.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: options.purpose,
      encodedList: encodeBitstring(options.bitstring),
    },
  };
}

/**
 * A `credentialStatus` entry pointing at entry `index` of the list credential `listId`. With `size`
 * above 1 (a `message` list), `statusSize` and `statusMessage` are set: `messages[v]` is the message
 * of value v, and there must be one for each of the 2^size values (the spec's rule; the string
 * `undefined` marks a value not in use).
 * @see https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistentry
 */
export function statusEntry(listId: string, purpose: StatusPurpose, index: number, options: { size?: number; messages?: readonly string[] } = {}): JsonObject {
  const { size = 1, messages } = options;
  checkStatusSize(size);
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`Status index ${index} is not a non-negative integer`);
  if (size > 1 && messages === undefined) throw new TypeError('An entry of more than one bit needs statusMessage');
  if (messages !== undefined && (messages.length !== 2 ** size || !messages.every((m) => typeof m === 'string'))) {
    throw new TypeError(`statusMessage has one message for each of the ${2 ** size} values of statusSize ${size}`);
  }
  return {
    id: `${listId}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    ...(size > 1 ? { statusSize: size } : {}),
    statusListCredential: listId,
    ...(messages ? { statusMessage: messages.map((message, value) => ({ status: statusHex(value), message })) } : {}),
  };
}
