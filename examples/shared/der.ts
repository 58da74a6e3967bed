// A minimal DER (X.690) writer and reader, for the few structures the examples build
// themselves: the portal's CMS signature (RFC 5652) and the app's PKCS#10 request
// (RFC 2986). Uint8Array only, no Node API: the mobile app runs this file in the browser.

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// X.690 §8.1.3: short form below 128, else the length's bytes after 0x80 | their count.
function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const content = concat(...contents);
  return concat(Uint8Array.of(tag), lengthBytes(content.length), content);
}

export const sequence = (...contents: Uint8Array[]) => tlv(0x30, ...contents);
export const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
export const utf8String = (text: string) => tlv(0x0c, new TextEncoder().encode(text));
// No unused bits: every bit string here is whole bytes (a key, a signature).
export const bitString = (bytes: Uint8Array) => tlv(0x03, Uint8Array.of(0), bytes);
// [n] constructed, context-specific.
export const explicit = (n: number, ...contents: Uint8Array[]) => tlv(0xa0 | n, ...contents);

// A positive INTEGER from its unsigned big-endian bytes (X.690 §8.3: minimal, and a
// leading zero when the high bit is set).
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0]! & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed);
}

export function objectIdentifier(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const body: number[] = [];
  for (const arc of [first! * 40 + second!, ...rest]) {
    const groups = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) groups.unshift((value & 0x7f) | 0x80);
    body.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(body));
}

// X.690 §11.6: the elements of a DER SET OF are sorted by their encodings.
export function setOf(elements: Uint8Array[]): Uint8Array {
  const compare = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  return tlv(0x31, ...[...elements].sort(compare));
}

export interface Element {
  tag: number;
  // The whole element, and its content alone.
  bytes: Uint8Array;
  content: Uint8Array;
}

// The element at `offset`.
export function readElement(bytes: Uint8Array, offset = 0): Element {
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new Error('DER: an element runs past the end');
  return { tag, bytes: bytes.subarray(offset, end), content: bytes.subarray(offset + header, end) };
}

// The elements inside a constructed element.
export function childrenOf(element: Element): Element[] {
  const out: Element[] = [];
  for (let at = 0; at < element.content.length; at += out.at(-1)!.bytes.length) out.push(readElement(element.content, at));
  return out;
}
