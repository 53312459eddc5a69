/**
 * The scene-format registry: every on-disk scene layout, listed once, with how to recognise a
 * scene of it, its loader and how a dataset names its scenes. `SceneFormat`, {@link loadScene}'s
 * dispatch, the dataset's scene lists (`FORMAT:PATH`, folders of scenes) and the CLI's `--format`
 * help and validation derive from {@link SCENE_FORMAT_REGISTRY}.
 *
 * Adding a format: write `scenes/<name>.ts` (a loader `(path, opts) => Promise<Scene>`) and add
 * one entry here.
 * @module
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { loadManifest } from './manifest.js';
import { loadScanNet } from './scannet.js';
import { loadTum } from './tum.js';
import type { Scene } from './types.js';

/** What is at `path`: a directory, a regular file, or nothing (missing, or another kind). Follows links. */
export async function pathKind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the folder `dir` holds a regular file of one of `names`. */
async function hasFile(dir: string, ...names: string[]): Promise<boolean> {
  for (const n of names) if ((await pathKind(join(dir, n))) === 'file') return true;
  return false;
}

/** One scene layout. */
export interface SceneFormatEntry<Options = never> {
  /** The `--format` / `FORMAT:PATH` name. */
  name: string;
  /** Loads the scene at `path` (the file or folder that {@link detect} accepts). */
  load(path: string, opts?: Options): Promise<Scene>;
  /** Whether `path` is itself a scene of this format (the file or folder its loader starts from). */
  detect(path: string): Promise<boolean>;
  /** What {@link detect} looks for, for messages ("a folder with depth/"). */
  layout: string;
  /** The scene's name in a dataset (unique names are required there). */
  sceneName(path: string): string;
}

/** The scene formats, in the order help texts list them. */
export const SCENE_FORMAT_REGISTRY = [
  {
    name: 'scannet',
    load: loadScanNet,
    // TUM and manifest folders may have depth/ too: their depth.txt / manifest.json tell them apart.
    detect: async (path: string) => (await pathKind(path)) === 'dir' && (await pathKind(join(path, 'depth'))) === 'dir' && !(await hasFile(path, 'depth.txt', 'manifest.json')),
    layout: 'a folder with depth/ (and no depth.txt or manifest.json)',
    sceneName: (path: string) => basename(path),
  },
  {
    name: 'tum',
    load: loadTum,
    detect: async (path: string) => (await pathKind(path)) === 'dir' && (await pathKind(join(path, 'depth.txt'))) === 'file' && !(await hasFile(path, 'manifest.json')),
    layout: 'a folder with depth.txt (and no manifest.json)',
    sceneName: (path: string) => basename(path),
  },
  {
    name: 'manifest',
    load: loadManifest,
    detect: async (path: string) => (await pathKind(path)) === 'file' || (await pathKind(join(path, 'manifest.json'))) === 'file',
    layout: 'a manifest .json file, or a folder with manifest.json',
    // `DIR/manifest.json` is named after DIR, `NAME.json` after NAME, a folder after itself.
    sceneName: (path: string) => (/\.json$/i.test(path) ? (basename(path) === 'manifest.json' ? basename(dirname(path)) : basename(path).replace(/\.json$/i, '')) : basename(path)),
  },
] as const satisfies readonly SceneFormatEntry<never>[];

/** The scene layouts {@link loadScene} reads. */
export type SceneFormat = (typeof SCENE_FORMAT_REGISTRY)[number]['name'];
/** The loader options of a format. */
export type SceneFormatOptions<F extends SceneFormat> = NonNullable<Parameters<Extract<(typeof SCENE_FORMAT_REGISTRY)[number], { name: F }>['load']>[1]>;

/** Every format name, in registry order. */
export const SCENE_FORMATS: SceneFormat[] = SCENE_FORMAT_REGISTRY.map((f) => f.name);

/** The registry entry of a format, or undefined for a name that is none. */
export function sceneFormat(name: unknown): SceneFormatEntry<SceneFormatOptions<SceneFormat>> | undefined {
  return (SCENE_FORMAT_REGISTRY as readonly SceneFormatEntry<never>[]).find((f) => f.name === name) as SceneFormatEntry<SceneFormatOptions<SceneFormat>> | undefined;
}

/** `a, b or c` of the format names, each passed through `quote`. */
export function formatNameList(quote: (name: string) => string = (n) => n, last = ' or '): string {
  const q = SCENE_FORMATS.map(quote);
  return `${q.slice(0, -1).join(', ')}${last}${q[q.length - 1]}`;
}

/**
 * The format of the scene at `path`, told from its layout: the registry entry whose
 * {@link SceneFormatEntry.detect} accepts it (the detectors exclude each other: a manifest.json
 * wins over depth.txt, which wins over depth/), or undefined when none does.
 * @example await detectSceneFormat('scans/scene0000_00') // 'scannet' (a folder with depth/)
 */
export async function detectSceneFormat(path: string): Promise<SceneFormat | undefined> {
  for (const f of SCENE_FORMAT_REGISTRY) if (await f.detect(path)) return f.name;
  return undefined;
}
