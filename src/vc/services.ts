// Wires the bundled contexts and schemas into one issuer and one verifier sharing a DID resolver and clock.
import type { DppDidResolver } from '../did/resolver.js';
import { loadBundledContexts } from './document-loader.js';
import { createIssuer, type Issuer } from './issue.js';
import { loadBundledSchemas, type SchemaRegistry } from './schema.js';
import { createVerifier, type Verifier } from './verify.js';
import type { ProofPool } from './proof-pool.js';

export interface CredentialServices {
  contexts: ReadonlyMap<string, unknown>;
  schemas: SchemaRegistry;
  issuer: Issuer;
  verifier: Verifier;
}

export function createCredentialServices(deps: {
  resolver: Pick<DppDidResolver, 'resolve' | 'dereference'>;
  now: () => Date;
  fetchStatusList?: (url: string) => Promise<unknown>;
  algorithms?: readonly string[];
  proofPool?: ProofPool;
}): CredentialServices {
  const { contexts, schemas } = bundledAssets();
  return {
    contexts,
    schemas,
    issuer: createIssuer({ contexts, schemas, resolver: deps.resolver, now: deps.now }),
    verifier: createVerifier({ contexts, schemas, ...deps }),
  };
}

let bundled: { contexts: ReadonlyMap<string, unknown>; schemas: SchemaRegistry } | undefined;

/**
 * The bundled contexts and schemas, read once per process: they never change while it runs, and compiling the
 * schemas is the dearest part of setting up a verifier, so every verifier shares one compiled registry.
 */
function bundledAssets(): { contexts: ReadonlyMap<string, unknown>; schemas: SchemaRegistry } {
  bundled ??= { contexts: loadBundledContexts(), schemas: loadBundledSchemas() };
  return bundled;
}
