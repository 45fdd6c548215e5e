import { deadbolt, deadboltMutex, deadboltNodeRedis } from './deadbolt.js';
import { fifoFloor } from './fifoFloor.js';
import type { LibraryId, LockLibrary } from './LockLibrary.js';
import { fencedFloor, rawFloor, rawFloorNodeRedis } from './rawFloor.js';
import { redisSemaphore } from './redisSemaphore.js';
import { redlock } from './redlock.js';

/** Every benchmarked implementation, in report order: the floors first. */
export const LIBRARIES: readonly LockLibrary[] = [
  rawFloor,
  fencedFloor,
  fifoFloor,
  rawFloorNodeRedis,
  deadbolt,
  deadboltNodeRedis,
  deadboltMutex,
  redlock,
  redisSemaphore,
];

/** The implementation with this id. @throws for an unknown id. */
export function libraryById(id: LibraryId): LockLibrary {
  const library = LIBRARIES.find((candidate) => candidate.id === id);
  if (library === undefined) throw new Error(`Unknown lock library: ${id}`);
  return library;
}
