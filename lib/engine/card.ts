/**
 * Outputs a Python trainer loads without a schema: one JSONL file per question type and split
 * (`by_type/<question_type>/<split>.jsonl`, as MultiSPA writes one file per question type), in which
 * every key path has one JSON type, and a Hugging Face dataset card (`README.md` with YAML front
 * matter: `configs` with the `data_files` of each config and split, `dataset_info` with the features)
 * plus `dataset_info.json` describing the same features.
 *
 * Why per type: across question types `gt_value` is a number, a word or a list, and
 * `answer_values.coordinates` is `[x, y]` or `[[x, y], [x, y]]`, so the merged `qa_train.jsonl` has
 * no single Arrow schema; within one question type every field keeps one type. The merged files stay
 * as they are (the LLaVA / MultiSPA form the scorer and trainers read).
 * @module
 */
import { join, posix } from 'node:path';
import YAML from 'yaml';
import { spatialError } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';

/** Folder of the per-question-type files, relative to the output directory. */
export const BY_TYPE_DIR = 'by_type';

/** The split names of the per-type files (`train`, `eval`), as in `qa_train.jsonl` / `qa_eval.jsonl`. */
export type SplitName = 'train' | 'eval';

/** The file of one question type and split, relative to the output directory (POSIX). */
export function typedFilePath(questionType: string, split: SplitName): string {
  return posix.join(BY_TYPE_DIR, questionType.replace(/[^\w.-]/g, '_'), `${split}.jsonl`);
}

/**
 * An Arrow/HF feature as inferred from JSON values: `null` (only nulls seen), a scalar (`string`,
 * `bool`, `int64`, `float64`: integers and non-integers together are float64, as Arrow promotes
 * them), a list of one item feature, or a struct of named fields (in order of first appearance).
 */
export type Feature =
  | { kind: 'null' }
  | { kind: 'value'; dtype: 'string' | 'bool' | 'int64' | 'float64' }
  | { kind: 'list'; item: Feature }
  | { kind: 'struct'; fields: Map<string, Feature> };

function jsonKind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v;
}

function featureOf(v: unknown, path: string): Feature {
  if (v === null || v === undefined) return { kind: 'null' };
  if (typeof v === 'string') return { kind: 'value', dtype: 'string' };
  if (typeof v === 'boolean') return { kind: 'value', dtype: 'bool' };
  if (typeof v === 'number') return { kind: 'value', dtype: Number.isInteger(v) ? 'int64' : 'float64' };
  if (Array.isArray(v)) {
    let item: Feature = { kind: 'null' };
    for (const x of v) item = mergeFeature(item, featureOf(x, `${path}[]`), `${path}[]`);
    return { kind: 'list', item };
  }
  if (typeof v === 'object') {
    const fields = new Map<string, Feature>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) fields.set(k, featureOf(x, `${path}.${k}`));
    return { kind: 'struct', fields };
  }
  throw spatialError('ERR_SPATIAL_FORMAT', `${path}: a ${typeof v} has no JSON type`);
}

function describeFeature(f: Feature): string {
  return f.kind === 'value' ? f.dtype : f.kind === 'list' ? `list of ${describeFeature(f.item)}` : f.kind;
}

/** The feature that holds values of both `a` and `b`; two JSON types at one key path is an error naming it. */
function mergeFeature(a: Feature, b: Feature, path: string): Feature {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === 'value' && b.kind === 'value') {
    if (a.dtype === b.dtype) return a;
    const numeric = (d: string) => d === 'int64' || d === 'float64';
    if (numeric(a.dtype) && numeric(b.dtype)) return { kind: 'value', dtype: 'float64' };
  } else if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', item: mergeFeature(a.item, b.item, `${path}[]`) };
  else if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = new Map(a.fields);
    for (const [k, f] of b.fields) fields.set(k, fields.has(k) ? mergeFeature(fields.get(k)!, f, `${path}.${k}`) : f);
    return { kind: 'struct', fields };
  }
  throw spatialError('ERR_SPATIAL_FORMAT', `${path || 'the row'} holds both ${describeFeature(a)} and ${describeFeature(b)}: one JSON type per key path is expected`);
}

/** Infers the features of JSONL rows one row at a time (rows of one file or config). */
export class FeatureInference {
  private root: Feature = { kind: 'null' };
  /** Adds one row; `where` names it in the error when a key path changes JSON type. */
  add(row: Record<string, unknown>, where = 'row'): void {
    try {
      this.root = mergeFeature(this.root, featureOf(row, ''), '');
    } catch (e) {
      throw spatialError('ERR_SPATIAL_FORMAT', `${where}: ${(e as Error).message}`);
    }
  }
  /** The fields of the rows seen so far (a struct). */
  get features(): Map<string, Feature> {
    return this.root.kind === 'struct' ? this.root.fields : new Map();
  }
}

/** `jsonKind` of a value, exported for tests and tools that check one type per key path. */
export { jsonKind };

/** Features in `dataset_info.json` form (HF `Features.to_dict()`: `Value`, `Sequence`, lists of structs as `[{...}]`). */
export function hfJsonFeatures(fields: Map<string, Feature>): Record<string, unknown> {
  const one = (f: Feature): unknown => {
    switch (f.kind) {
      case 'null': return { dtype: 'null', _type: 'Value' };
      case 'value': return { dtype: f.dtype, _type: 'Value' };
      case 'list': return f.item.kind === 'struct' ? [one(f.item)] : { feature: one(f.item), _type: 'Sequence' };
      case 'struct': return Object.fromEntries([...f.fields].map(([k, x]) => [k, one(x)]));
    }
  };
  return Object.fromEntries([...fields].map(([k, f]) => [k, one(f)]));
}

/** Features in dataset-card YAML form (`- name: x` with `dtype`, `sequence`, `list` or `struct`). */
export function cardFeatures(fields: Map<string, Feature>): Record<string, unknown>[] {
  const inner = (f: Feature): unknown => {
    switch (f.kind) {
      case 'null': return 'null';
      case 'value': return f.dtype;
      case 'list': return f.item.kind === 'struct' ? { list: cardFeatures(f.item.fields) } : { sequence: inner(f.item) };
      case 'struct': return { struct: cardFeatures(f.fields) };
    }
  };
  return [...fields].map(([name, f]) => {
    if (f.kind === 'null' || f.kind === 'value') return { name, dtype: inner(f) };
    if (f.kind === 'struct') return { name, struct: cardFeatures(f.fields) };
    return f.item.kind === 'struct' ? { name, list: cardFeatures(f.item.fields) } : { name, sequence: inner(f.item) };
  });
}

/** One config of the card: a question type with its split files and features. */
export interface TypedConfig {
  /** The question type (also the config name). */
  name: string;
  /** Its non-empty splits: file relative to the output directory, and row count. */
  splits: { split: SplitName; path: string; samples: number }[];
  /** Features of its rows (the same in every split). */
  features: Map<string, Feature>;
}

/**
 * Collects the per-type rows of an output as they are written: which question types and splits
 * there are, their row counts and features (one {@link FeatureInference} per type, over both splits).
 */
export class TypedSplits {
  private readonly configs = new Map<string, { counts: Record<SplitName, number>; inference: FeatureInference }>();
  /** Records one row of `split`; returns the file it belongs in (relative to the output directory). */
  add(row: Record<string, unknown> & { question_type: string }, split: SplitName, where = 'row'): string {
    let c = this.configs.get(row.question_type);
    if (!c) this.configs.set(row.question_type, (c = { counts: { train: 0, eval: 0 }, inference: new FeatureInference() }));
    c.inference.add(row, `${where} (${typedFilePath(row.question_type, split)})`);
    c.counts[split]++;
    return typedFilePath(row.question_type, split);
  }
  /** The configs, sorted by name; splits without rows are left out (an empty JSONL does not load). */
  list(): TypedConfig[] {
    return [...this.configs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, c]) => ({
      name,
      splits: (['train', 'eval'] as const).filter((s) => c.counts[s] > 0).map((split) => ({ split, path: typedFilePath(name, split), samples: c.counts[split] })),
      features: c.inference.features,
    }));
  }
}

/**
 * Rows of a question type's file: the train form of a sample (with `conversations`) in both
 * splits, so that both splits of a config have the same columns (HF requires it), and `image`
 * always a list (one type per column, whatever `singleImageAsString` did to the merged files).
 */
export function typedRow<T extends { image?: unknown }>(sample: T): T {
  return typeof sample.image === 'string' ? { ...sample, image: [sample.image] } : sample;
}

/** What the card says about the output beside the features. */
export interface CardOptions {
  /** Title line (e.g. the scene or dataset name). */
  title: string;
  /** Where image paths point, in a sentence or two (relative to what). */
  imagePaths: string;
}

/**
 * Writes `dataset_info.json` (config name -> `{config_name, features, splits}`, HF `DatasetInfo`
 * form) and `README.md` (the dataset card: YAML front matter with `configs` and `dataset_info`, then
 * what the files are) into `outDir`, each atomically.
 */
export async function writeDatasetCard(outDir: string, configs: TypedConfig[], opts: CardOptions): Promise<void> {
  const info = Object.fromEntries(configs.map((c) => [c.name, {
    config_name: c.name,
    features: hfJsonFeatures(c.features),
    splits: Object.fromEntries(c.splits.map((s) => [s.split, { name: s.split, num_examples: s.samples }])),
  }]));
  await writeFileAtomic(join(outDir, 'dataset_info.json'), JSON.stringify(info, null, 2) + '\n', 'file', { mkdir: true });
  const front = {
    configs: configs.map((c) => ({ config_name: c.name, data_files: c.splits.map((s) => ({ split: s.split, path: s.path })) })),
    dataset_info: configs.map((c) => ({
      config_name: c.name,
      features: cardFeatures(c.features),
      splits: c.splits.map((s) => ({ name: s.split, num_examples: s.samples })),
    })),
  };
  const total = configs.reduce((n, c) => n + c.splits.reduce((m, s) => m + s.samples, 0), 0);
  const first = configs[0]?.name ?? 'QUESTION_TYPE';
  const body = `# ${opts.title}

Multi-frame spatial QA generated by \`spatial-geom\` (@spatial/geom): ${total} samples in ${configs.length} question types.

## Files
- \`qa_train.jsonl\`, \`qa_eval.jsonl\`: all question types together, in the LLaVA / MultiSPA form (train lines
  hold \`conversations\`; eval lines hold the human turn as \`text\` instead). \`gt_value\` is a number, a word or
  a list depending on the question type, so these two files have no single Arrow schema: load the per-type
  files below with \`datasets\`, or these with a plain JSON reader.
- \`${BY_TYPE_DIR}/<question_type>/train.jsonl\`, \`${BY_TYPE_DIR}/<question_type>/eval.jsonl\`: one file per question type and
  split (as MultiSPA writes them). Every key path has one JSON type in a file, and both splits have the same
  columns (the train form, with \`conversations\`, \`image\` always a list). Each is a config of this card.
- \`dataset_info.json\`: the features of each config (Hugging Face \`DatasetInfo\` form).

## Image paths
${opts.imagePaths}

## Loading
\`\`\`python
from datasets import load_dataset
ds = load_dataset("json", data_files={"train": "${typedFilePath(first, 'train')}"})
# or, with this folder as a dataset repository: load_dataset("path/to/this/folder", "${first}")
\`\`\`
`;
  await writeFileAtomic(join(outDir, 'README.md'), `---\n${YAML.stringify(front, { lineWidth: 0 })}---\n\n${body}`, 'file', { mkdir: true });
}
