// Usage errors and the help text of the `dpp` command.
import { InputError } from '../errors.js';

export const HELP = `dpp — verifiable Digital Product Passport ledger

Usage:
  dpp serve [--port N] [--host H] [--data DIR] [--origin URL] [--token T]
            [--tls-cert FILE --tls-key FILE] [--demo]
  dpp serve --mirror DIR [--port N] [--host H]  serve a mirror's copy read-only
  dpp verify <credential.json | credential.jwt | -> [--json]
  dpp did create [--web HOST] [--data DIR]     create an identity (did:key by default)
  dpp did list [--data DIR]
  dpp did rotate <did:web:…> [--data DIR]      new signing key; old keys stay published
  dpp issue <credential.json | -> [--format data-integrity|vc+jwt] [--data DIR]
  dpp qr <digital-link> [--format svg|png|terminal] [--out FILE]
  dpp export <digital-link> [--out FILE]      the unit's passport bundle (credentials, proofs, checkpoint)
  dpp mirror <base-url> --data DIR [--json]   follow a log: check it only grows, copy its entries and
                                              credentials, cosign its checkpoint as a witness
  dpp mirror --data DIR --show-key [--json]   the mirror's witness verifier key (cosignatures)

Exit codes: 0 success (verified), 1 not verified (for dpp mirror: the log was rewritten, rolled back,
split, or a credential does not match), 2 bad usage or unreadable input (or an unreachable origin).
Environment: DPP_SECRET seals private keys (else DIR/secret.key, mode 0600);
DPP_ISSUE_TOKEN is the bearer token of POST /credentials/issue and POST /ledger/credentials; DPP_DID_WEB_HTTP=1 resolves
did:web over plain http (development on loopback).`;

export function usage(message: string): InputError {
  return new InputError('USAGE', `${message}\n\n${HELP}`);
}
