// Queue mode when Redis is reachable by others (issue 14): workers run only the jobs they can verify
// (their --out, scenes under --allow-root, a schema-checked unit whose keys they recompute), and
// Redis passwords come from the environment or a file and never show in a log line or an error.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSceneList, planUnits, type Unit } from '../../lib/engine/dataset.js';
import { jobKey, resolveQueueTarget } from '../../lib/engine/queue.js';
import { redactUrl } from '../../lib/engine/redact.js';
import { ensureBuilt, redisTestsEnabled, startCli, startRedis, type TestRedis, waitFor } from '../helpers/processes.js';
import { writeSyntheticManifest } from '../helpers/scene-files.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('spatial-queue-sec-');
const OPTIONS = { perTask: 2, overlapBand: [0.05, 0.95] as [number, number] };

const enabled = redisTestsEnabled();
beforeAll(() => ensureBuilt(), 120_000);

describe.runIf(enabled)('workers refuse jobs they cannot verify', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(() => redis.stop());

  it('hand-made jobs for another output, a scene outside the roots, extra fields or forged keys fail without writing anything', async () => {
    const base = tmp();
    const out = join(base, 'out'), other = join(base, 'elsewhere'), root = join(base, 'scenes'), outside = join(base, 'private');
    await writeSyntheticManifest(join(root, 'kitchen'));
    await writeSyntheticManifest(join(outside, 'secret'));
    const [synthetic] = planUnits(await parseSceneList('synthetic:0', { syntheticFrames: 8, syntheticSize: [160, 120] }), { options: OPTIONS });
    const [inRoot] = planUnits(await parseSceneList(`manifest:${join(root, 'kitchen')}`), { options: OPTIONS });
    const [outsideRoot] = planUnits(await parseSceneList(`manifest:${join(outside, 'secret')}`), { options: OPTIONS });
    const passwd: Unit = { ...outsideRoot, scene: { name: 'passwd', source: { kind: 'path', path: '/etc/passwd', format: 'manifest' } } };
    passwd.key = (planUnits([passwd.scene], { options: OPTIONS }))[0].key;

    const name = `sec-${process.pid}`;
    const worker = startCli(['worker', '--redis', redis.url, '--queue', name, '--out', out, '--allow-root', root]);
    await waitFor(() => /concurrency \d+;/.test(worker.output()), 30_000, 'the worker to start', worker.output);
    const queue = new Queue(name, { connection: { host: '127.0.0.1', port: redis.port } });
    const escape = { ...synthetic, key: '../../escaped' };
    const hostile: [string, string, unknown, RegExp][] = [
      ['other out', jobKey(synthetic, other), { unit: synthetic, out: other }, /job out is not an output directory this worker serves/],
      ['relative out', jobKey(synthetic, 'out'), { unit: synthetic, out: 'out' }, /job out is not an output directory/],
      ['scene outside the roots', jobKey(outsideRoot, out), { unit: outsideRoot, out }, /job scene path is not inside a root this worker may read/],
      ['/etc/passwd as a scene', jobKey(passwd, out), { unit: passwd, out }, /job scene path is not inside a root this worker may read/],
      ['extra job field', jobKey(synthetic, out) + 'x', { unit: synthetic, out, cmd: 'rm -rf /' }, /job data has an unexpected field "cmd"/],
      ['extra unit field', 'extra-unit', { unit: { ...synthetic, outDir: other }, out }, /unit has an unexpected field "outDir"/],
      ['extra option', 'extra-option', { unit: { ...synthetic, options: { ...synthetic.options, outDir: other } }, out }, /unit\.options has an unexpected field "outDir"/],
      ['wrong type', 'wrong-type', { unit: { ...synthetic, seed: '0' }, out }, /unit\.seed must be an integer/],
      ['key that escapes the shards', jobKey(synthetic, out), { unit: escape, out }, /unit\.key is not the key of its spec/],
      ['job id that is not the key', 'some-id', { unit: synthetic, out }, /job id is not the key of its spec/],
    ];
    for (const [, id, data] of hostile) await queue.add('unit', data as never, { jobId: id, attempts: 3 });
    await queue.add('unit', { unit: inRoot, out } as never, { jobId: jobKey(inRoot, out) });
    await waitFor(async () => (await queue.getJobCounts('failed')).failed === hostile.length && existsSync(join(out, 'shards', inRoot.key)), 60_000, 'every job to end', worker.output);
    for (const [what, id, , reason] of hostile) {
      const job = await queue.getJob(id);
      expect(job?.failedReason, what).toMatch(reason);
      expect(job?.attemptsMade, `${what}: not retried`).toBe(1);
      expect(job?.failedReason, what).not.toMatch(/root:x:0/);
    }
    expect(worker.output()).toMatch(/refused job/);
    // Nothing written anywhere but the one verified shard.
    expect(existsSync(other)).toBe(false);
    expect(readdirSync(base).sort()).toEqual(['out', 'private', 'scenes']);
    expect(readdirSync(join(out, 'shards'))).toEqual([inRoot.key]);
    await queue.close();
    worker.proc.kill('SIGTERM');
    await worker.exited;
  }, 90_000);
});

describe.runIf(enabled)('Redis credentials', () => {
  const PASSWORD = 'hunter2-s3cret';
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(['--requirepass', PASSWORD]);
  }, 30_000);
  afterAll(() => redis.stop());

  async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string; ms: number }> {
    const t = Date.now();
    const c = startCli(args, env);
    const code = await c.exited;
    return { code, output: c.output(), ms: Date.now() - t };
  }

  it('redactUrl hides the password of every URL in a line', () => {
    expect(redactUrl(`cannot reach redis://:${PASSWORD}@10.0.0.5:6379/2 or rediss://user:${PASSWORD}@h`)).toBe('cannot reach redis://:***@10.0.0.5:6379/2 or rediss://user:***@h');
    expect(redactUrl(`redis://${PASSWORD}@h:1`)).toBe('redis://***@h:1');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('no password, a wrong one, or nobody listening: one coded line within seconds, the password never printed', async () => {
    const url = `redis://127.0.0.1:${redis.port}`;
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['queue', 'status', '--redis', url], {}, /cannot use redis:\/\/127\.0\.0\.1:\d+: Redis asks for a password: give it in SPATIAL_GEOM_REDIS_PASSWORD or a file/],
      [['queue', 'status', '--redis', `redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`], {}, /cannot use redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: authentication failed/],
      [['queue', 'status'], { SPATIAL_GEOM_REDIS_URL: url, SPATIAL_GEOM_REDIS_PASSWORD: `wrong-${PASSWORD}` }, /authentication failed/],
      [['queue', 'submit', '--redis', url, '--scenes', 'synthetic:0', '--out', tmp()], {}, /Redis asks for a password/],
      [['queue', 'status', '--redis', `redis://:${PASSWORD}@127.0.0.1:1`], {}, /cannot use redis:\/\/:\*\*\*@127\.0\.0\.1:1: connection refused/],
      [['worker', '--redis', url, '--out', tmp()], {}, /Redis asks for a password/],
    ];
    for (const [args, env, msg] of cases) {
      const r = await cli(args, env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.output.trim().split('\n'), r.output).toHaveLength(1);
      expect(r.output).toMatch(msg);
      expect(r.output).toMatch(/\(ERR_SPATIAL_IO\)$/m);
      expect(r.output).not.toContain(PASSWORD);
      // A liveness bound, not a speed claim: the client gives up instead of reconnecting forever
      // (ioredis' default). 30 s leaves room for a loaded CI machine's Node start-up.
      expect(r.ms, args.join(' ')).toBeLessThan(30_000);
    }
  }, 240_000);

  it('the password from a file or the environment works, and the worker start-up line redacts a URL password', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'redis.pw'), `${PASSWORD}\n`);
    const url = `redis://127.0.0.1:${redis.port}`;
    const fromFile = await cli(['queue', 'status', '--redis', url, '--redis-password-file', join(dir, 'redis.pw')]);
    expect(fromFile.code, fromFile.output).toBe(0);
    expect(fromFile.output).toMatch(/queue spatial-geom: waiting 0/);
    const fromEnv = await cli(['queue', 'status'], { SPATIAL_GEOM_REDIS_URL: url, SPATIAL_GEOM_REDIS_PASSWORD: PASSWORD });
    expect(fromEnv.code, fromEnv.output).toBe(0);
    const missing = await cli(['queue', 'status', '--redis', url, '--redis-password-file', join(dir, 'nope')]);
    expect(missing.output).toMatch(/--redis-password-file: cannot read .*nope: no such file or directory/);
    const w = startCli(['worker', '--redis', `redis://:${PASSWORD}@127.0.0.1:${redis.port}`, '--out', join(dir, 'out')]);
    await waitFor(() => /concurrency \d+;/.test(w.output()), 30_000, 'the worker to start', w.output);
    expect(w.output()).toContain(`at redis://:***@127.0.0.1:${redis.port}`);
    expect(w.output()).not.toContain(PASSWORD);
    w.proc.kill('SIGTERM');
    await w.exited;
  }, 60_000);

  it('TLS files are read for rediss:// and refused for redis://', async () => {
    const dir = tmp();
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `-----BEGIN ${f}-----\n`);
    const files = { 'redis-ca': join(dir, 'ca.pem'), 'redis-cert': join(dir, 'cert.pem'), 'redis-key': join(dir, 'key.pem') };
    const t = await resolveQueueTarget({ redis: 'rediss://queue-host:6380', ...files }, {});
    expect(t.tls?.ca?.toString()).toBe('-----BEGIN ca.pem-----\n');
    expect(t.tls?.key?.toString()).toBe('-----BEGIN key.pem-----\n');
    await expect(resolveQueueTarget({ redis: `redis://:${PASSWORD}@queue-host:6379`, ...files }, {})).rejects.toMatchObject({
      code: 'ERR_SPATIAL_FORMAT', message: '--redis-ca, --redis-cert and --redis-key need a rediss:// URL (got redis://:***@queue-host:6379)',
    });
  });
});
