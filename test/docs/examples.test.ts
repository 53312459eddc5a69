// The `@example` blocks of the contract ops (issue 15, move 6) stay honest: each one parses as
// TypeScript, and every free function it calls (a callee that the example does not declare itself)
// is exported from the package root. The examples of the geometry and rays faces are self-contained and are
// run against the native addon.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../lib/index.js';
import { repoRoot } from '../helpers/shared-data.js';

const FILES = [
  'lib/ops/geometry/native.ts', 'lib/ops/rays/native.ts', 'lib/ops/augment/native.ts', 'lib/ops/sampling/native.ts',
  'lib/ops/targets/native.ts', 'lib/ops/targets/shared.ts', 'lib/ops/pointcloud/native.ts', 'lib/ops/compat/native.ts',
  'lib/ops/motion/native.ts',
];
/** Files whose examples must run as they are (self-contained, small inputs). */
const EXECUTED = new Set(['lib/ops/geometry/native.ts', 'lib/ops/rays/native.ts']);

interface Example { file: string; line: number; code: string }

/** Every `@example` of every doc comment of a file, with the comment's ` * ` gutter removed. */
function extractExamples(file: string): Example[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const out: Example[] = [];
  for (const m of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = m[0].replace(/^\/\*\*|\*\/$/g, '').split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    const startLine = text.slice(0, m.index).split('\n').length;
    for (let i = 0; i < lines.length; i++) {
      const head = /^\s*@example\b(.*)$/.exec(lines[i]);
      if (!head) continue;
      const body = [head[1]];
      let j = i + 1;
      for (; j < lines.length && !/^\s*@\w+/.test(lines[j]); j++) body.push(lines[j]);
      out.push({ file, line: startLine + i, code: body.join('\n').trim() });
      i = j - 1;
    }
  }
  return out;
}

/** Callees that are plain identifiers not declared inside the example. */
function freeCallees(code: string): string[] {
  const sf = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const declared = new Set<string>();
  const callees = new Set<string>();
  const bind = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) declared.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) || ts.isParameter(n)) bind(n.name);
    if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name) declared.add(n.name.text);
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) callees.add(n.expression.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return [...callees].filter((c) => !declared.has(c));
}

function syntaxErrors(code: string): string[] {
  const r = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return (r.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const examples = FILES.flatMap(extractExamples);
const exported = new Set(Object.keys(api));

describe('@example blocks of the contract ops', () => {
  it('finds examples in every file', () => {
    for (const f of FILES) expect(examples.filter((e) => e.file === f).length, f).toBeGreaterThan(0);
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s parses and calls only exported functions', (_, e) => {
    expect(e.code.length).toBeGreaterThan(0);
    expect(syntaxErrors(e.code)).toEqual([]);
    const unknown = freeCallees(e.code).filter((c) => !exported.has(c));
    expect(unknown, `not exported from lib/index.ts: ${unknown.join(', ')}`).toEqual([]);
  });

  const runnable = examples.filter((e) => EXECUTED.has(e.file));
  it.each(runnable.map((e) => [`${e.file}:${e.line}`, e] as const))('%s runs', async (_, e) => {
    const js = ts.transpileModule(e.code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None } }).outputText;
    const names = [...exported];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
    const run = new AsyncFunction(...names, `"use strict";\n${js}`);
    const before = api.info();
    try {
      await run(...names.map((n) => (api as Record<string, unknown>)[n]));
    } finally {
      api.configure({ simd: before.simd, threads: before.threads, parallelThreshold: before.parallelThreshold });
    }
  });
});
