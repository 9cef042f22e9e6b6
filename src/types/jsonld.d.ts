// Minimal typings for the untyped Digital Bazaar packages we call.
declare module 'jsonld' {
  const jsonld: {
    expand(input: unknown, options?: Record<string, unknown>): Promise<unknown[]>;
    canonize(input: unknown, options?: Record<string, unknown>): Promise<string>;
    compact(input: unknown, ctx: unknown, options?: Record<string, unknown>): Promise<Record<string, unknown>>;
  };
  export default jsonld;
}
declare module '@digitalbazaar/vc';
declare module '@digitalbazaar/data-integrity';
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
declare module '@digitalbazaar/ed25519-multikey';
declare module 'jsonld-signatures';
