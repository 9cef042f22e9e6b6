// The generic Merkle log's public surface: hashing, proofs, checkpoints and notes, tiles, and the log on a Store.
// It knows nothing of products. Everything but the log on a Store comes from core.ts, which code bound for the
// browser imports instead of this barrel.

export {
  // hash.ts
  HASH_SIZE,
  leafHash,
  nodeHash,
  emptyRoot,
  rootOf,
  toBase64,
  bytesEqual,
  // proof.ts
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
  // checkpoint.ts
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
  // tiles.ts
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
} from './core.js';

export type {
  // proof.ts
  NodeId,
  ProofPlan,
  ProofCheck,
  NodeHashReader,
  // checkpoint.ts
  Checkpoint,
  ParsedCheckpoint,
  NoteSigner,
  NoteVerifier,
  NoteKeyType,
  NoteSignatureResult,
  VerifiedNote,
  // tiles.ts
  TileResource,
  TileFetcher,
} from './core.js';

export { createMerkleLog } from './log.js';
export type { MerkleLog, MerkleLogOptions, PreparedAppend } from './log.js';
