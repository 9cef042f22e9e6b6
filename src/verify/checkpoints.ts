// The checkpoints a verifier saw before, one per log (by the origin line of its checkpoints): the largest
// tree it verified and the log key it was signed with. Consistency is transitive, so the largest is enough.

export interface SeenCheckpoint {
  /** The log's origin line. */
  origin: string;
  /** The note verifier key its checkpoints were signed with, pinned on first sight. */
  verifierKey: string;
  size: number;
  /** base64 */
  root: string;
  /** The signed note itself: evidence if the log later contradicts it. */
  note: string;
  seenAt: string;
  /** Where it was seen: a URL, or `bundle`. */
  source: string;
}

export interface CheckpointStore {
  get(origin: string): Promise<SeenCheckpoint | undefined>;
  put(seen: SeenCheckpoint): Promise<void>;
}

export function memoryCheckpointStore(initial: readonly SeenCheckpoint[] = []): CheckpointStore {
  const seen = new Map(initial.map((s) => [s.origin, s]));
  return {
    get: async (origin) => seen.get(origin),
    put: async (checkpoint) => void seen.set(checkpoint.origin, checkpoint),
  };
}
