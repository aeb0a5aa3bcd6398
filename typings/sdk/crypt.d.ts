// Stands in for the Moddable SDK 8.2.3 declaration of `crypt` (typings/crypt.d.ts) in our own
// type checks, which use @moddable/typings 5.6.0 from npm: that package has no crypt.d.ts.
// It declares exactly what the SDK's file declares, no more, so that `npm run typecheck` sees
// what mcconfig's tsc sees: the SDK's `Digest`, then typings/moddable/crypt.d.ts merged into it.
// Never give this file to mcconfig (the SDK's own declaration is there: a duplicate `Digest`).
declare module 'crypt' {
  type DigestType = 'MD5' | 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512';

  export class Digest {
    constructor(type: DigestType);
    write(message: string | ArrayBuffer): void;
    close(): ArrayBuffer;
    reset(): void;
    get blockSize(): number;
    get outputSize(): number;
    update(message: string | ArrayBuffer): void;
  }
}
