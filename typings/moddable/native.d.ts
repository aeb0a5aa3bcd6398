// xsc's host-function syntax, as the SDK declares it (xs/includes/xs.d.ts, SDK 8.2.3): in a module
// compiled with native code (mcconfig passes xsc -c), `native("xs_name")` is the C function
// xs_name. npm's @moddable/typings lacks it; the same declaration twice merges as one overload.
declare function native(name: string): (...args: any[]) => any;
