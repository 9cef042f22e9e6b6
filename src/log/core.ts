// The generic Merkle log without the log on a Store: hashing, proofs, checkpoints and notes, tiles and their paths.
// What a verifier needs, without log.ts (its Store and node:zlib): code bound for the browser imports this barrel,
// everyone else index.ts, which re-exports all of it.

export { HASH_SIZE, leafHash, nodeHash, emptyRoot, rootOf, toBase64, bytesEqual } from './hash.js';

export {
  checkInclusion,
  verifyInclusion,
  checkConsistency,
  verifyConsistency,
  inclusionProof,
  consistencyProof,
  inclusionPlan,
  consistencyPlan,
  rootNodes,
  hashPlan,
  foldNodes,
} from './proof.js';
export type { NodeId, ProofPlan, ProofCheck, NodeHashReader } from './proof.js';

export {
  formatCheckpoint,
  parseCheckpoint,
  parseNote,
  signNote,
  cosignNote,
  verifyNote,
  verifyCheckpoint,
  noteKeyId,
  formatVerifierKey,
  parseVerifierKey,
} from './checkpoint.js';
export type { Checkpoint, ParsedCheckpoint, NoteSigner, NoteVerifier, NoteKeyType, NoteSignatureResult, VerifiedNote } from './checkpoint.js';

export {
  TILE_HEIGHT,
  TILE_WIDTH,
  MAX_ENTRY_SIZE,
  tilePath,
  entriesPath,
  formatTileIndex,
  parseTilePath,
  resourcePath,
  encodeEntryBundle,
  parseEntryBundle,
  tileWidth,
  tileOfNode,
  tileHashes,
  rootFromTiles,
  inclusionProofFromTiles,
  consistencyProofFromTiles,
} from './tiles.js';
export type { TileResource, TileFetcher } from './tiles.js';
