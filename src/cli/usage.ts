// Usage errors and the help text of the `dpp` command.
import { InputError } from '../errors.js';

export const HELP = `dpp — verifiable Digital Product Passport ledger

Usage:
  dpp serve [--port N] [--host H] [--data DIR] [--origin URL] [--token T]
            [--tls-cert FILE --tls-key FILE] [--trust FILE] [--demo]
            --trust: {"registrars": ["did:…"]}, whose company-prefix licences count
  dpp serve --mirror DIR [--port N] [--host H]  serve a mirror's copy read-only
  dpp verify <digital-link | bundle.json> [--role regulator|buyer|recycler] [--json] [--trust FILE]
            [--witness URL] [--presentation seller.json --challenge C [--domain D]] [--checkpoints DIR] [--untp DIR]
                                              a whole passport: every credential, its chains, the log, authority;
                                              a bundle (from dpp export) is verified offline; checkpoints seen are
                                              kept in $DPP_HOME/checkpoints (default ~/.dpp)
  dpp verify <credential.json | credential.jwt | -> [--json]   one credential
  dpp did create [--web HOST] [--data DIR]     create an identity (did:key by default)
  dpp did list [--data DIR]
  dpp did rotate <did:web:…> [--data DIR]      new signing key; old keys stay published
  dpp issue <credential.json | -> [--format data-integrity|vc+jwt] [--data DIR]
  dpp qr <digital-link> [--format svg|png|terminal] [--out FILE]
  dpp export <digital-link> [--out FILE]      the unit's passport bundle (credentials, proofs, checkpoint)
  dpp mirror <base-url> --data DIR [--json]   follow a log: check it only grows, copy its entries and
                                              credentials, cosign its checkpoint as a witness
  dpp mirror --data DIR --show-key [--json]   the mirror's witness verifier key (cosignatures)

Roles (each with a wallet folder: its keys, its DID, its server; --json prints what was made):
  dpp <role> init --wallet DIR --server URL [--name NAME] [--token T]
                                  organisations get did:web:<server>:parties:NAME, owners a did:key;
                                  a trusted registrar's name is claimed with the operator's token
  dpp <role> whoami --wallet DIR
  dpp registrar license --to DID --prefix GCP --org NAME [--valid-until T]
  dpp manufacturer gtin --gtin G --licence ID
  dpp manufacturer mint --unit DL [--passport FILE] [--warranty-period P2Y [--warranty-start registration|production]
                        [--transferable] [--warranty-terms TEXT]]
  dpp manufacturer mint --from units.csv|units.json [--batch-size N] [warranty options]   in batches, with progress; resumable
  dpp manufacturer compose --unit DL --file composition.json
  dpp manufacturer warranty --unit DL --warranty-period P2Y [...]
  dpp manufacturer accredit --repairer DID --name NAME --gtin G[,G…] [--valid-until T]
  dpp manufacturer recall (--batch DL | --gtin G (--first S --last S | --serials S,S…)) --reason R --remedy R [--hazard H]
  dpp manufacturer remedy --unit DL
  dpp repairer repair --unit DL --fault F --work W [--part GTIN:SERIAL[:NAME]]… [--firmware V] [--accreditation ID]
  dpp owner register --unit DL [--email E] [--phone P]       (reseller: the same owner actions, and check)
  dpp owner authorize --unit DL --buyer DID [--out FILE]     a signed transfer authorisation for the buyer
  dpp owner accept --authorization FILE                       the buyer completes the transfer
  dpp owner transfer --unit DL --buyer DID                    authorise and complete in one go
  dpp owner report --unit DL --state stolen|lost|found
  dpp owner contact --unit DL [--delete]                      your contact details kept for recalls (GDPR)
  dpp owner prove --unit DL --challenge C [--domain D]        an ownership presentation for a buyer
  dpp reseller check --unit DL --presentation FILE --challenge C
  dpp recycler gtin --gtin G --licence ID                    a remanufacturer speaks for its successor's GTIN
  dpp recycler retire --unit DL --state recycled|dismantled
  dpp recycler repurpose --unit DL --successor DL --passport FILE
  dpp regulator inspect --unit DL [--trust FILE]

Exit codes: 0 success (verified), 1 not verified (for dpp mirror: the log was rewritten, rolled back,
split, or a credential does not match), 2 bad usage or unreadable input (or an unreachable origin).
Environment: DPP_SECRET seals private keys (else DIR/secret.key, mode 0600);
DPP_ISSUE_TOKEN is the operator's bearer token (POST /credentials/issue); DPP_DID_WEB_HTTP=1 resolves
did:web over plain http (development on loopback).`;

export function usage(message: string): InputError {
  return new InputError('USAGE', `${message}\n\n${HELP}`);
}
