/**
 * SSH wire encoding (RFC 4251 section 5): uint32, string and mpint, as used
 * in public key blobs and in the openssh-key-v1 private key container.
 */

/** Thrown when a buffer does not hold the SSH-encoded data a reader expects. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

/** Reads SSH-encoded values from a buffer, front to back. */
export class WireReader {
  readonly #buffer: Buffer;
  #offset = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  get remaining(): number {
    return this.#buffer.length - this.#offset;
  }

  uint32(): number {
    if (this.remaining < 4) throw new WireFormatError('truncated uint32');
    const value = this.#buffer.readUInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    if (length > this.remaining) throw new WireFormatError('truncated data');
    const value = this.#buffer.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }

  /** An SSH `string`: uint32 length followed by that many bytes. */
  string(): Buffer {
    return this.bytes(this.uint32());
  }

  /** An SSH `string` that must be printable ASCII (algorithm and curve names). */
  text(): string {
    const raw = this.string();
    if (!/^[\x21-\x7e]*$/.test(raw.toString('latin1'))) {
      throw new WireFormatError('name is not printable ASCII');
    }
    return raw.toString('latin1');
  }

  /** An SSH `mpint`, returned as its unsigned magnitude without leading zero bytes. */
  mpint(): Buffer {
    const raw = this.string();
    if (raw.length > 0 && (raw[0]! & 0x80) !== 0) {
      throw new WireFormatError('negative mpint');
    }
    let start = 0;
    while (start < raw.length && raw[start] === 0) start++;
    return raw.subarray(start);
  }

  /** Throws unless every byte has been consumed. */
  end(): void {
    if (this.remaining !== 0) throw new WireFormatError('unexpected trailing data');
  }
}

export function encodeUint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

export function encodeString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([encodeUint32(bytes.length), bytes]);
}

/** Encodes an unsigned big-endian magnitude as an SSH `mpint`. */
export function encodeMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const needsPad = trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0;
  return encodeString(needsPad ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** Number of significant bits in an unsigned big-endian magnitude. */
export function bitLength(magnitude: Buffer): number {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  if (start === magnitude.length) return 0;
  return (magnitude.length - start - 1) * 8 + (32 - Math.clz32(magnitude[start]!));
}
