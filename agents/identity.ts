// A party's DID: an organisation's did:web hosted by the server (`…:parties:<name>`), or an owner's did:key.
import { didWebFromOrigin } from '../src/index.js';
import type { LedgerClient } from './client.js';
import type { Party } from './party.js';

/**
 * Creates (or finds) `did:web:<server host>:parties:<name>` and has the server host its document. A name
 * the server's trust file names (a trusted registrar's) is claimed only with the operator's token.
 */
export async function hostedIdentity(party: Party, client: LedgerClient, name: string, operatorToken?: string): Promise<string> {
  const did = `${didWebFromOrigin(client.baseUrl)}:parties:${name}`;
  await party.createIdentity(did);
  await publishIdentity(party, client, did, operatorToken);
  return did;
}

/** (Re)publishes the document of a hosted identity, e.g. after a key rotation. */
export async function publishIdentity(party: Party, client: LedgerClient, did: string, operatorToken?: string): Promise<void> {
  const name = did.slice(did.lastIndexOf(':') + 1);
  await client.send('PUT', `/parties/${name}/did.json`, await party.didDocument(did), await party.signer(did), operatorToken ? { authorization: `Bearer ${operatorToken}` } : {});
}
