// A role's wallet on disk, for the command line: its keys (sealed), its DID and the server it talks to.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DppError, loadSecret, networkFetch, openLevelStore } from '../src/index.js';
import { createLedgerClient } from './client.js';
import { createActor, type Actor } from './actor.js';
import { createParty } from './party.js';
import { hostedIdentity } from './identity.js';

export const ROLES = ['registrar', 'manufacturer', 'repairer', 'owner', 'reseller', 'recycler', 'regulator'] as const;
export type Role = (typeof ROLES)[number];

export interface WalletConfig {
  role: Role;
  server: string;
  did: string;
}

export interface Wallet {
  readonly config: WalletConfig;
  readonly actor: Actor;
  close(): Promise<void>;
}

const CONFIG = 'wallet.json';

async function open(dir: string, server: string, env: NodeJS.ProcessEnv) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const store = await openLevelStore(join(dir, 'store'));
  const party = createParty({ store, secretKeyHex: loadSecret(dir, env), now: () => new Date(), fetch: networkFetch(env) });
  const client = createLedgerClient({ baseUrl: server });
  return { store, party, client };
}

/**
 * Creates a wallet for `role`: organisations get a did:web hosted by the server under `name`, owners
 * and resellers without a name a did:key. Opening an existing wallet returns it unchanged.
 */
export async function initWallet(dir: string, options: { role: Role; server: string; name?: string; operatorToken?: string }, env: NodeJS.ProcessEnv = process.env): Promise<Wallet> {
  if (existsSync(join(dir, CONFIG))) return openWallet(dir, env);
  const { store, party, client } = await open(dir, options.server, env);
  try {
    const did = options.name ? await hostedIdentity(party, client, options.name, options.operatorToken) : await party.createIdentity();
    const config: WalletConfig = { role: options.role, server: client.baseUrl, did };
    writeFileSync(join(dir, CONFIG), JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
    return { config, actor: createActor({ party, did, client }), close: () => store.close() };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export async function openWallet(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Wallet> {
  const file = join(dir, CONFIG);
  if (!existsSync(file)) throw new DppError('USAGE', `${dir} holds no wallet: run dpp <role> init --wallet ${dir} --server URL first`);
  const config = JSON.parse(readFileSync(file, 'utf8')) as WalletConfig;
  const { store, party, client } = await open(dir, config.server, env);
  return { config, actor: createActor({ party, did: config.did, client }), close: () => store.close() };
}
