// Declarations of the Moddable SDK crypt modules chaincam uses on the camera, written from the
// SDK sources, Moddable SDK 8.2.3 (commit 48ee02d8c):
//   "crypt"  modules/crypt/digest/crypt.js (natives in modules/crypt/digest/modCrypt.c)
//   "hmac"   modules/crypt/etc/hmac.js
//   "rng"    modules/crypt/etc/rng.js
//   "curve"  modules/crypt/etc/curve.js
//   "ecdsa"  modules/crypt/etc/ecdsa.js
//   "ecp"    modules/crypt/arith/ecp.js
// mcconfig type-checks with the SDK's own typings/crypt.d.ts, which declares only `Digest`
// (write/update taking string | ArrayBuffer, close() without arguments). This file AUGMENTS that
// declaration (it is listed in manifest.json's typescript "types"): it merges into `Digest` and
// adds what crypt.js exports but the SDK does not declare, and never redeclares the SDK's names
// (a second `class Digest` is a duplicate identifier there). For @moddable/typings from npm,
// which has no crypt.d.ts, typings/sdk/crypt.d.ts stands in for the SDK's declaration.
// hmac, rng, curve, ecdsa and ecp have no declarations in the SDK at all.
// Argument types follow what modCrypt.c accepts: Digest.write and Mode.encrypt read any
// buffer (xsmcGetBuffer*), while BlockCipher keys, Mode IVs and Mode outputs must be
// ArrayBuffers (xsmcToArrayBuffer).

type ModdableCryptInput = ArrayBufferLike | ArrayBufferView | string;

declare module 'crypt' {
  // Merges into the SDK's `class Digest`: overloads for any buffer, close(more), process().
  export interface Digest {
    write(data: ModdableCryptInput): void;
    update(data: ModdableCryptInput): void;
    /** Returns the digest. With more = true the state survives for further writes. */
    close(more?: boolean): ArrayBuffer;
    process(...data: ModdableCryptInput[]): ArrayBuffer;
  }

  export class GHASH extends Digest {
    constructor(h: ArrayBuffer, aad?: ArrayBuffer);
  }

  export class BlockCipher {
    constructor(cipher: 'AES' | 'DES' | 'TDES', key: ArrayBuffer);
    encrypt(data: ArrayBuffer | string, result?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer | string, result?: ArrayBuffer): ArrayBuffer;
    get keySize(): number;
    get blockSize(): number;
  }

  export class StreamCipher {
    constructor(cipher: 'RC4' | 'ChaCha', key: ArrayBuffer);
    encrypt(data: ModdableCryptInput, result?: ArrayBufferLike | ArrayBufferView, count?: number): ArrayBuffer;
    decrypt(data: ModdableCryptInput, result?: ArrayBufferLike | ArrayBufferView, count?: number): ArrayBuffer;
    setIV(iv: ArrayBuffer, counter?: number): void;
  }

  export class Mode {
    /** CTR keeps its counter and key-stream offset between calls, so it streams in any chunk size. */
    constructor(mode: 'ECB' | 'CTR' | 'CBC', cipher: BlockCipher, iv?: ArrayBuffer, pad?: boolean);
    encrypt(data: ArrayBufferLike | ArrayBufferView, result?: ArrayBuffer, count?: number): ArrayBuffer;
    decrypt(data: ArrayBufferLike | ArrayBufferView, result?: ArrayBufferLike | ArrayBufferView, count?: number): ArrayBuffer;
    setIV(iv: ArrayBuffer): void;
    eof: boolean;
  }
}

declare module 'hmac' {
  import type { Digest } from 'crypt';

  /** HMAC over a Digest instance it owns; bitlen truncates sign() output. */
  export default class HMAC {
    constructor(h: Digest, key: ArrayBufferLike | ArrayBufferView, bitlen?: number);
    init(key: ArrayBufferLike | ArrayBufferView): void;
    update(...data: ModdableCryptInput[]): void;
    close(): ArrayBuffer;
    reset(): void;
    process(...items: ModdableCryptInput[]): ArrayBuffer;
  }
}

declare module 'rng' {
  const RNG: {
    get(n: number): ArrayBuffer;
    init(seed: ArrayBuffer): void;
  };
  export default RNG;
}

declare module 'ecp' {
  export default class ECPoint {
    constructor(x: bigint, y: bigint, identity?: boolean);
    X: bigint;
    Y: bigint;
    isZero(): boolean;
    /** Uncompressed 04||X||Y only; throws on any other format. */
    static fromOctetString(os: Uint8Array): ECPoint;
  }
}

declare module 'curve' {
  import type ECPoint from 'ecp';

  export default class Curve {
    constructor(name: 'secp256r1' | 'secp384r1');
    readonly G: ECPoint;
    readonly n: bigint;
    readonly ec: unknown;
    get orderSize(): number;
    /** x * P (x * G when P is omitted) as 04||X||Y; undefined when P has the wrong length. */
    dh(x: ArrayBuffer, P?: ArrayBuffer): ArrayBuffer | undefined;
    /** The X coordinate of an uncompressed point: the ECDH shared secret. */
    Z(P: ArrayBuffer): ArrayBuffer;
  }
}

declare module 'ecdsa' {
  import type Curve from 'curve';
  import type ECPoint from 'ecp';

  /** key: the private scalar to sign, or the public point to verify. H is the message hash. */
  export default class ECDSA {
    constructor(key: bigint | ECPoint, curve: Curve, priv?: boolean);
    /** The nonce sign() uses when set (ecdsa.js _sign: `k = this.k; if (!k) k = ECDSA.randint(n)`). */
    k: bigint | undefined;
    /** r||s, each orderSize bytes (or DER when asn1 is true). */
    sign(H: ArrayBuffer, asn1?: boolean): ArrayBuffer;
    verify(H: ArrayBuffer, sig: ArrayBuffer, asn1?: boolean): boolean;
  }
}
