// XS's host functions: `native("xs_name")` names a C function linked into the firmware
// (xsc compiles the call into a host function reference; the SDK's xs/includes/xs.d.ts
// declares it, @moddable/typings 5.6.0 does not). Only drivers/*/ native faces use it.
declare function native(name: string): (...args: any[]) => any;
