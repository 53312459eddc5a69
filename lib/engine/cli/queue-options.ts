/**
 * The Redis options of `queue` and `worker`, and queue mode's module loaded on first use: bullmq
 * (with ioredis) is an optional peer dependency that only these commands need, so neither a
 * library user nor any other command loads it (`--help` reads the defaults from a bullmq-free module).
 * @module
 */
import type { Command } from 'commander';
import { spatialError } from '../../errors.js';
import { DEFAULT_QUEUE } from '../queue-defaults.js';

/** The values of {@link addRedisOptions}. */
export interface RedisValues {
  redis?: string;
  queue?: string;
  redisPasswordFile?: string;
  redisCa?: string;
  redisCert?: string;
  redisKey?: string;
}

export function addRedisOptions(cmd: Command): Command {
  return cmd
    .option('--redis <URL>', 'redis://[user@]host[:port][/db] or rediss:// (default: $SPATIAL_GEOM_REDIS_URL); the password is not taken from the command line (ps shows it)')
    .option('--queue <NAME>', `BullMQ queue name (default: ${DEFAULT_QUEUE})`)
    .option('--redis-password-file <FILE>', "the password, the file's first line (default: $SPATIAL_GEOM_REDIS_PASSWORD)")
    .option('--redis-ca <FILE>', 'rediss://: CA bundle (PEM)')
    .option('--redis-cert <FILE>', 'rediss://: client certificate (PEM)')
    .option('--redis-key <FILE>', 'rediss://: client key (PEM)');
}

/** The option object of `resolveQueueTarget` (flag names as keys). */
export function redisTarget(v: RedisValues): { redis?: string; queue?: string; 'redis-password-file'?: string; 'redis-ca'?: string; 'redis-cert'?: string; 'redis-key'?: string } {
  return { redis: v.redis, queue: v.queue, 'redis-password-file': v.redisPasswordFile, 'redis-ca': v.redisCa, 'redis-cert': v.redisCert, 'redis-key': v.redisKey };
}

/** Queue mode's module, loaded on first use (see the module comment). */
export async function queueModule(): Promise<typeof import('../queue.js')> {
  try {
    return await import('../queue.js');
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_MODULE_NOT_FOUND' && /['"]bullmq['"]/.test(err.message))
      throw spatialError('ERR_SPATIAL_IO', 'queue mode needs the optional package bullmq: install it beside @spatial/geom (npm install bullmq@5)');
    throw e;
  }
}
