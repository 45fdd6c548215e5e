import { mockBackend } from './mock/MockBackend.js';
import type { ChaosConfig } from './options.js';
import type { ChaosBackend } from './world/ChaosBackend.js';

/** Starts the backend `config` asks for: the virtual-time world, or real redis-server processes. */
export async function startBackend(config: ChaosConfig): Promise<ChaosBackend> {
  if (config.backend === 'redis') {
    const { RealBackend } = await import('./real/RealBackend.js');
    return RealBackend.start(config);
  }
  return mockBackend(config);
}
