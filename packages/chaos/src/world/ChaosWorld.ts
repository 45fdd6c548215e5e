import type { History } from '../history/History.js';
import type { ChaosClient } from './ChaosClient.js';

/** What Redis-side faults a backend can inject (the real backend only). */
export interface ServerFaults {
  /** Number of Redis nodes (1, the quorum size, or the Cluster's masters). */
  readonly nodes: number;
  /** SIGSTOPs node `node` now and SIGCONTs it `ms` later (in the background; `finish` waits for it). */
  stall(node: number, ms: number): void;
  /** Kills node `node` and starts it again on the same port with an empty dataset (no persistence). */
  restart(node: number): Promise<void>;
  /**
   * Topology `replicated`: holds replication to the replica back for `ms`, then promotes it and moves every client
   * to it (in the background; `finish` waits for it). Says whether it started (not while one is under way).
   */
  failover?(ms: number): boolean;
  /**
   * Steps node `node`'s wall clock by `ms` (negative: back), from its next command on, as an NTP step would. Says
   * whether it did (only a run whose servers started with a steppable clock, for the `clockStep` fault, can).
   */
  clockStep?(node: number, ms: number): boolean;
}

/**
 * One run's universe, whatever the backend: the clients, the history, and how time passes. The virtual-time
 * backend's `World` and the real backend's `RealWorld` implement it; the schedule's steps drive it.
 */
export interface ChaosWorld {
  readonly history: History;
  readonly clients: ChaosClient[];
  readonly config: { readonly ttl: number };
  /** How many steps of each kind ran (for the fault-mix statistics). */
  readonly stepCounts: Map<string, number>;
  /** Redis-side faults, when the backend has real servers. */
  readonly server?: ServerFaults;
  /**
   * Runs `fn` (the schedule's steps and `finish`) as this run's code. On virtual time, only the timers set inside
   * it are the run's: they pace time and count as leaked (L4); other code's timers on the global clock do not.
   */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Lets what the last step set in motion happen, and probes who believes what. */
  settle(): Promise<void>;
  /** Lets `ms` of (virtual or real) time pass. */
  advance(ms: number): Promise<void>;
  /** Ends the run: releases, closes, and records what leaked. */
  finish(settleFor: number): Promise<void>;
  dispose(): void | Promise<void>;
}
