/**
 * Leak-free train/eval splits of a dataset: by physical room, not by sample. ScanNet scans the same
 * room several times (`scene0000_00`, `scene0000_01`, ...); those scans stay on one side. A benchmark
 * of exactly N samples per question type is drawn from the eval rooms, spread evenly over them.
 * @module
 */
import { spatialError } from '../errors.js';
import { readText } from '../io/files.js';
import { createRng } from '../random.js';

/** ScanNet-style scan names: `scene<digits>_<digits>`; the room is the part before `_`. */
const SCANNET_SCAN = /^(scene\d+)_\d+$/;

/**
 * The physical room of a scene name: the scan name without its `_NN` suffix for ScanNet-style names
 * (`scene0000_01` -> `scene0000`), the scene name otherwise.
 */
export function roomOf(scene: string): string {
  return SCANNET_SCAN.exec(scene)?.[1] ?? scene;
}

/** Rooms on each side, sorted. */
export interface RoomSplit {
  train: string[];
  eval: string[];
}

/** How a dataset is split (defaults in brackets). */
export interface RoomSplitOptions {
  /** Scene or room names whose rooms go to eval (ScanNet's val list as is). Exclusive with `evalFraction`. */
  evalScenes?: string[];
  /** Fraction of rooms in eval, drawn with `seed` [0.1]. */
  evalFraction?: number;
  /** Seed of the room draw [0]. */
  seed?: number;
}

/**
 * Splits the rooms of `scenes` (scene names): the rooms named by `evalScenes`, or a seeded draw of
 * `round(evalFraction * rooms)` rooms (at least 1 when the fraction is > 0 and at most all but one
 * when it is < 1, given 2 rooms or more). The draw depends only on the set of rooms and the seed.
 * @throws ERR_SPATIAL_FORMAT when both or neither-valid options are given, the fraction is outside
 *   [0, 1], or `evalScenes` names no room of `scenes`.
 */
export function splitRooms(scenes: readonly string[], opts: RoomSplitOptions = {}): RoomSplit {
  const rooms = [...new Set(scenes.map(roomOf))].sort();
  if (opts.evalScenes !== undefined && opts.evalFraction !== undefined)
    throw spatialError('ERR_SPATIAL_FORMAT', '--eval-scenes and --eval-fraction are exclusive: give one');
  let evalRooms: Set<string>;
  if (opts.evalScenes !== undefined) {
    const named = new Set(opts.evalScenes.map(roomOf));
    evalRooms = new Set(rooms.filter((r) => named.has(r)));
    if (evalRooms.size === 0)
      throw spatialError('ERR_SPATIAL_FORMAT', `--eval-scenes names none of the dataset's ${rooms.length} rooms (${rooms.slice(0, 3).join(', ')}${rooms.length > 3 ? ', ...' : ''})`);
  } else {
    const f = opts.evalFraction ?? 0.1;
    if (!(typeof f === 'number' && f >= 0 && f <= 1)) throw spatialError('ERR_SPATIAL_FORMAT', `--eval-fraction must be a fraction in [0, 1] (got ${f})`);
    let k = Math.round(f * rooms.length);
    if (rooms.length >= 2) k = Math.min(Math.max(k, f > 0 ? 1 : 0), f < 1 ? rooms.length - 1 : rooms.length);
    evalRooms = new Set(createRng(`${opts.seed ?? 0}/eval-rooms`).shuffle(rooms.slice()).slice(0, k));
  }
  return { train: rooms.filter((r) => !evalRooms.has(r)), eval: rooms.filter((r) => evalRooms.has(r)) };
}

/** Reads `--eval-scenes LIST|@FILE`: comma-separated names, or a file with one a line (`#` comments). */
export async function parseEvalScenes(spec: string): Promise<string[]> {
  const text = spec.startsWith('@') ? await readText(spec.slice(1), '--eval-scenes: the eval scene list') : spec.replace(/,/g, '\n');
  const names = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  if (!names.length) throw spatialError('ERR_SPATIAL_FORMAT', `--eval-scenes: expected at least one scene name (got '${spec}')`);
  return names;
}

/** One eval candidate: its room, its scan (scene) and its JSON line. */
export interface EvalCandidate {
  room: string;
  scene: string;
  line: string;
}

/**
 * Picks exactly `n` candidates (or all there are) per question type, spread evenly over rooms:
 * one at a time from the room with the fewest picks so far among those with candidates left (ties:
 * room name order), so no room gets two more than another unless it alone has candidates left.
 * Within a room, its scans take turns (in the order given), each scan's candidates in order.
 * Deterministic: the result depends only on the candidates' order.
 * `types` adds question types that may have no candidate at all (their shortfall is `n`).
 * @returns the picked candidates per type (in input order) and, per type with fewer than `n`, the shortfall.
 */
export function pickEvalPerType(
  byType: Map<string, EvalCandidate[]>, n: number, types: Iterable<string> = [],
): { picked: Map<string, EvalCandidate[]>; counts: Record<string, number>; shortfall: Record<string, number> } {
  const picked = new Map<string, EvalCandidate[]>();
  const counts: Record<string, number> = {};
  const shortfall: Record<string, number> = {};
  for (const type of [...new Set([...byType.keys(), ...types])].sort()) {
    const cands = byType.get(type) ?? [];
    // Per room, its scans interleaved: scene order as given.
    const rooms = new Map<string, EvalCandidate[][]>();
    for (const c of cands) {
      const scans = rooms.get(c.room) ?? (rooms.set(c.room, []).get(c.room)!);
      let scan = scans.find((s) => s[0].scene === c.scene);
      if (!scan) scans.push((scan = []));
      scan.push(c);
    }
    const queues = [...rooms.keys()].sort().map((room) => {
      const scans = rooms.get(room)!;
      const order: EvalCandidate[] = [];
      for (let i = 0; order.length < scans.reduce((s, x) => s + x.length, 0); i++) for (const s of scans) if (i < s.length) order.push(s[i]);
      return { order, taken: 0 };
    });
    const chosen = new Set<EvalCandidate>();
    while (chosen.size < n) {
      let best: (typeof queues)[number] | undefined;
      for (const q of queues) if (q.taken < q.order.length && (!best || q.taken < best.taken)) best = q;
      if (!best) break;
      chosen.add(best.order[best.taken++]);
    }
    picked.set(type, cands.filter((c) => chosen.has(c)));
    counts[type] = chosen.size;
    if (chosen.size < n) shortfall[type] = n - chosen.size;
  }
  return { picked, counts, shortfall };
}
