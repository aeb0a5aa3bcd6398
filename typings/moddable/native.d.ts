/*
 * XS's Native API: the two globals xsc compiles into host function references (only with a
 * single string literal argument). @moddable/typings 5.6.0 does not declare them.
 * Written from the Moddable SDK's documentation/xs/XS in C.md, section "Native", and
 * xs/sources/xsGlobal.c (fx_native).
 */
/** The host function `name` (a C callback linked into the build). */
declare function native(name: string): (this: unknown, ...args: any[]) => any;
/** A constructor whose instances are host objects, destroyed by the C function `name`. */
declare function Native(name: string): new () => object;
