// Percent-encoding of Digital Link path and query components, as GS1's engine does it.
// In the path "+" is a plus sign; in the query it is a space. Escapes use upper-case hex; a "%" not followed
// by two hex digits is taken literally.

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const HEX = '0123456789ABCDEF';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Escapes everything but the unreserved characters; a space is "+" in the query and "%20" in the path. */
export function uriEscape(value: string, query: boolean): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char)) out += char;
    else if (char === ' ' && query) out += '+';
    else for (const byte of new TextEncoder().encode(char)) out += '%' + HEX[byte >> 4] + HEX[byte & 15];
  }
  return out;
}

/**
 * Reverses the escaping. The bytes are read as UTF-8 when they form valid UTF-8, otherwise one character per
 * byte (so "%ff" is "ÿ", as GS1's engine has it). Invalid escapes ("%4g", a trailing "%") stay as they are.
 */
export function uriUnescape(text: string, query: boolean): string {
  if (!text.includes('%') && !(query && text.includes('+'))) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b && query) bytes.push(0x20);
    else if (c < 0x80) bytes.push(c);
    else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      for (const byte of new TextEncoder().encode(char)) bytes.push(byte);
      i += char.length - 1;
    }
  }
  const array = Uint8Array.from(bytes);
  try {
    return utf8.decode(array);
  } catch {
    let latin1 = '';
    for (const byte of array) latin1 += String.fromCharCode(byte);
    return latin1;
  }
}
