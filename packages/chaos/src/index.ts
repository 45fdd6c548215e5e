export { runChaos } from './runChaos.js';
export { assertLockCorrect, LockViolationError, type ChaosReplay } from './assertLockCorrect.js';
export { ChaosAdapterError } from './adapter/connectAdapter.js';
export {
  TOPOLOGIES,
  DEFAULT_TTL,
  formatTtl,
  type TtlRange,
  type ChaosOptions,
  type ChaosBackendName,
  type ChaosTopology,
  type ChaosProgress,
} from './options.js';
export type { ChaosResult, ChaosRunInfo, ChaosStatistics, Counterexample } from './result.js';
export type {
  LockAdapter,
  LockClient,
  LockHandle,
  ClientContext,
  AdapterAcquireOptions,
  AcquireMode,
} from './adapter/LockAdapter.js';
export type { CountedLockFlaw } from './fixtures/CountedLock.js';
export { deadboltAdapter, type DeadboltAdapterOptions } from './adapter/deadboltAdapter.js';
export { CLIENT_LIBRARIES, type ChaosClientLibrary } from './real/clientLibraries.js';
export {
  ALL_FAULTS,
  FAULT_NAMES,
  REACH_FAULTS,
  REAL_FAULTS,
  REAL_ONLY_FAULTS,
  MOCK_SERVER_FAULTS,
  type ChaosFault,
} from './schedule/faults.js';
export { defaultFaults, type DefaultFaultsInput } from './schedule/defaultFaults.js';
export { checkHistory } from './checker/checkHistory.js';
export { INVARIANT_NAMES, type Invariant, type Violation } from './checker/Violation.js';
export { History, type HistoryParams } from './history/History.js';
export type * from './history/events.js';
export { formatHistory, formatEvent } from './history/format.js';
export { FencedResource, PlainResource } from './world/Resources.js';
export * from './fixtures/index.js';
export { renderReport, type ReportOptions } from './report/renderReport.js';
export { renderJUnit, type JUnitCase } from './report/junit.js';
export { coverage, type Coverage } from './history/coverage.js';
export {
  pathCounts,
  addPathCounts,
  PATH_NAMES,
  FENCE_RESTART_JUMP,
  type PathCounts,
  type PathName,
} from './paths/pathCounts.js';
export { pathReport, requiredPaths, pathCountsText, type PathReport } from './paths/pathReport.js';
export { timelines, type BeliefInterval, type KeyTimeline } from './report/intervals.js';
export { FaultProxy } from './real/FaultProxy.js';
export { noFaults, type ConnectionFaults } from './world/ConnectionFaults.js';
