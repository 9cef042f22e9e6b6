// `dpp did …` and `dpp issue`: thin wrappers over the library and the agent.
import { rotateKey, ensureDidWeb } from '../vc/agent.js';
import { veramoSigner } from '../vc/veramo-plugin.js';
import type { ProofFormat } from '../vc/issue.js';
import { openNode } from './node.js';
import { readCredentialFile } from './verify.js';
import { isObject, issuerId } from '../vc/credential.js';
import { usage } from './usage.js';

export async function didCommand(args: string[], data: string, web: string | undefined, out: (s: string) => void): Promise<number> {
  const [verb, target] = args;
  if (!['create', 'list', 'rotate'].includes(verb ?? '')) throw usage(`Unknown: dpp did ${verb ?? ''}`);
  const node = await openNode(data);
  try {
    if (verb === 'create') {
      const identifier = web
        ? await ensureDidWeb(node.agent, `did:web:${encodeURIComponent(web)}`)
        : await node.agent.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } });
      out(identifier.did);
    } else if (verb === 'list') {
      for (const identifier of await node.agent.didManagerFind()) out(identifier.did);
    } else if (verb === 'rotate') {
      if (!target?.startsWith('did:web:')) throw usage('dpp did rotate needs a did:web');
      await rotateKey(node.agent, node.store, target);
      out(JSON.stringify(await node.publish(target), null, 2));
    }
    return 0;
  } finally {
    await node.close();
  }
}

export async function issueCommand(file: string, format: string, data: string, out: (s: string) => void): Promise<number> {
  if (format !== 'data-integrity' && format !== 'vc+jwt') throw usage('--format is data-integrity or vc+jwt');
  const credential = readCredentialFile(file) as Record<string, unknown>;
  const node = await openNode(data);
  try {
    const issuer = isObject(credential) ? issuerId(credential) : undefined;
    const signer = await veramoSigner({ agent: node.agent } as Parameters<typeof veramoSigner>[0], String(issuer));
    const secured = await node.services.issuer.issue(credential, { signer, format: format as ProofFormat });
    out(typeof secured === 'string' ? secured : JSON.stringify(secured, null, 2));
    return 0;
  } finally {
    await node.close();
  }
}
