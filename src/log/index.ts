// The generic Merkle log's public surface: hashing, proofs, checkpoints and notes, tiles, and the log on a Store.
// It knows nothing of products.

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

export { createMerkleLog } from './log.js';
export type { MerkleLog, MerkleLogOptions, PreparedAppend } from './log.js';
