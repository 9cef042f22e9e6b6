// Wires the bundled contexts and schemas into one issuer and one verifier sharing a DID resolver and clock.
import type { DppDidResolver } from '../did/resolver.js';
import { loadBundledContexts } from './document-loader.js';
import { createIssuer, type Issuer } from './issue.js';
import { loadBundledSchemas, type SchemaRegistry } from './schema.js';
import { createVerifier, type Verifier } from './verify.js';

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
}): CredentialServices {
  const contexts = loadBundledContexts();
  const schemas = loadBundledSchemas();
  return {
    contexts,
    schemas,
    issuer: createIssuer({ contexts, schemas, resolver: deps.resolver, now: deps.now }),
    verifier: createVerifier({ contexts, schemas, ...deps }),
  };
}
