/**
 * The module boundaries of docs/architecture.md, checked on the code: every import
 * (static, dynamic, `import()` types, re-exports, `require`) of src/, web/ and
 * packages/ is parsed with the TypeScript compiler and held to these rules:
 *
 * - code outside a module reaches it only through its `index.ts`;
 * - a module imports only its own files, `src/platform/` and other modules' `index.ts`;
 * - `src/platform/` imports only `src/platform/`;
 * - web/ and packages/ never import src/;
 * - the module dependency graph is exactly the allow-list that docs/architecture.md
 *   draws (the block after `<!-- module-dependencies -->`), and that list has no cycle.
 *
 * The allow-list is written once, in the document; this test reads it from there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist']);

interface Import {
  /** Repository-relative path of the importing file, with `/` separators. */
  file: string;
  line: number;
  specifier: string;
  /** Repository-relative path the specifier points at; null for packages (bare specifiers). */
  target: string | null;
}

function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, directory), { withFileTypes: true })) {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) files.push(...sourceFiles(path));
    } else if (SOURCE.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** Every module specifier `text` imports, with its line: declarations, re-exports, `import()` calls and types, `require`. */
function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: string): void => {
    const target = specifier.startsWith('.') || specifier.startsWith('/') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)).split(sep).join('/') : null;
    found.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, specifier, target });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) add(node, expression.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text);
    } else if (ts.isCallExpression(node)) {
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (dynamic || required) {
        const [argument] = node.arguments;
        // A computed specifier cannot be checked: it is reported as such.
        if (argument && ts.isStringLiteralLike(argument)) add(node, argument.text);
        else add(node, '<computed>');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const MODULE_PATH = /^src\/modules\/([^/]+)\//;
const moduleOf = (path: string): string | null => MODULE_PATH.exec(path)?.[1] ?? null;
const isIndex = (path: string, module: string): boolean => path === `src/modules/${module}/index.ts`;

/** What is wrong with one import, or null. */
function violationOf(entry: Import): string | null {
  const where = `${entry.file}:${entry.line} imports '${entry.specifier}'`;
  if (entry.specifier === '<computed>') return `${where}: a computed import cannot be checked; import a literal path`;
  const { file, target } = entry;
  if (target === null) return null;
  if (file.startsWith('web/') || file.startsWith('packages/')) {
    return target.startsWith('src/') || target === 'src' ? `${where}: web/ and packages/ never import src/ (the web app talks HTTP through packages/api-client)` : null;
  }
  if (!file.startsWith('src/') || !target.startsWith('src/')) return null;
  if (file.startsWith('src/platform/')) {
    return target.startsWith('src/platform/') ? null : `${where}: src/platform/ imports only src/platform/ (no business rules, never modules/)`;
  }
  const from = moduleOf(file);
  const to = moduleOf(target);
  if (from !== null && to === null && !target.startsWith('src/platform/')) {
    return `${where}: a module imports only its own files, src/platform/ and other modules' index.ts (never the composition root)`;
  }
  if (to !== null && to !== from && !isIndex(target, to)) {
    return `${where}: another module is reached only through its index.ts (src/modules/${to}/index.ts)`;
  }
  return null;
}

/** Module → modules it imports (any import: values, types, re-exports). */
function moduleGraph(imports: readonly Import[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { file, target } of imports) {
    const from = moduleOf(file);
    const to = target === null ? null : moduleOf(target);
    if (from === null || to === null || from === to) continue;
    graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
  return graph;
}

const ALLOW_LIST_MARKER = '<!-- module-dependencies -->';

/** The allow-list drawn in docs/architecture.md: one `module → a, b` line per module (`—` for none). */
function allowListOf(markdown: string): Map<string, Set<string>> {
  const start = markdown.indexOf(ALLOW_LIST_MARKER);
  if (start < 0) throw new Error(`docs/architecture.md has no ${ALLOW_LIST_MARKER} block`);
  const block = /```text\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (!block?.[1]) throw new Error(`the ${ALLOW_LIST_MARKER} marker is not followed by a \`\`\`text block`);
  const allowed = new Map<string, Set<string>>();
  for (const line of block[1].split('\n').filter((text) => text.trim() !== '')) {
    const match = /^\s*([a-z-]+)\s+→\s+(.+?)\s*$/.exec(line);
    if (!match?.[1] || !match[2]) throw new Error(`unreadable allow-list line: ${line}`);
    if (allowed.has(match[1])) throw new Error(`${match[1]} is listed twice`);
    allowed.set(match[1], new Set(match[2] === '—' ? [] : match[2].split(',').map((name) => name.trim())));
  }
  return allowed;
}

/** A cycle of the graph as `a → b → a`, or null. */
function cycleOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node].join(' → ');
    state.set(node, 'open');
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

const edges = (graph: ReadonlyMap<string, ReadonlySet<string>>): string[] =>
  [...graph].flatMap(([from, tos]) => [...tos].map((to) => `${from} → ${to}`)).sort();

const files = ['src', 'web', 'packages'].flatMap(sourceFiles);
const imports = files.flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')));
const modules = readdirSync(join(ROOT, 'src/modules'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const allowed = allowListOf(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8'));

describe('module boundaries', () => {
  it('reads the imports of src/, web/ and packages/', () => {
    // Guards the scan itself: an empty or partial walk would pass everything below.
    expect(files.filter((file) => file.startsWith('src/modules/')).length).toBeGreaterThan(200);
    expect(files.some((file) => file.startsWith('web/src/'))).toBe(true);
    expect(files.some((file) => file.startsWith('packages/api-client/src/'))).toBe(true);
    expect(imports.length).toBeGreaterThan(2000);
  });

  it('every import respects the boundaries (index.ts only across modules; platform, web and packages stay out of modules and src)', () => {
    const violations = imports.map(violationOf).filter((violation) => violation !== null);
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('the allow-list in docs/architecture.md names every module once and has no cycle', () => {
    expect([...allowed.keys()].sort()).toEqual(modules);
    for (const [from, tos] of allowed) for (const to of tos) expect(modules, `${from} → ${to}: no such module`).toContain(to);
    expect(cycleOf(allowed)).toBeNull();
  });

  it('the module dependency graph is exactly the allow-list docs/architecture.md draws', () => {
    const actual = edges(moduleGraph(imports));
    const listed = edges(allowed);
    const undeclared = actual.filter((edge) => !listed.includes(edge));
    const unused = listed.filter((edge) => !actual.includes(edge));
    expect(undeclared, `imports the allow-list does not permit (add them to docs/architecture.md only if the direction is right): ${undeclared.join(', ')}`).toEqual([]);
    expect(unused, `allowed in docs/architecture.md but imported nowhere (remove them so the drawing stays true): ${unused.join(', ')}`).toEqual([]);
  });
});

describe('the checker itself', () => {
  const check = (file: string, text: string) => importsOf(file, text).map(violationOf);

  it('sees static, type-only, re-exported, dynamic and import-type imports', () => {
    const found = importsOf(
      'src/modules/booking/x.ts',
      [
        "import { a } from './a.ts';",
        "import type { B } from '../payments/index.ts';",
        "export * from '../catalog/index.ts';",
        "const lazy = () => import('../customers/index.ts');",
        "type T = import('../scheduling/index.ts').T;",
      ].join('\n'),
    );
    expect(found.map((entry) => [entry.line, entry.target])).toEqual([
      [1, 'src/modules/booking/a.ts'],
      [2, 'src/modules/payments/index.ts'],
      [3, 'src/modules/catalog/index.ts'],
      [4, 'src/modules/customers/index.ts'],
      [5, 'src/modules/scheduling/index.ts'],
    ]);
  });

  it('refuses what the rules forbid', () => {
    expect(check('src/modules/booking/x.ts', "import { y } from '../payments/payments-port.ts';")[0]).toMatch(/only through its index\.ts/);
    expect(check('src/modules/booking/x.ts', "const m = await import('../customers/customers.repository.ts');")[0]).toMatch(/only through its index\.ts/);
    expect(check('src/modules/booking/x.ts', "import { app } from '../../app.ts';")[0]).toMatch(/never the composition root/);
    expect(check('src/platform/db/x.ts', "import type { B } from '../../modules/booking/index.ts';")[0]).toMatch(/src\/platform\/ imports only/);
    expect(check('src/app.ts', "import { seed } from './modules/booking/booking.seed.ts';")[0]).toMatch(/only through its index\.ts/);
    expect(check('web/src/public/x.tsx', "import { z } from '../../../src/platform/money.ts';")[0]).toMatch(/never import src\//);
    expect(check('packages/api-client/src/x.ts', "export * from '../../../src/app.ts';")[0]).toMatch(/never import src\//);
    expect(check('src/modules/booking/x.ts', 'const m = await import(name);')[0]).toMatch(/computed import/);
  });

  it('allows what the rules allow', () => {
    expect(check('src/modules/booking/x.ts', "import { y } from '../payments/index.ts';\nimport { z } from './z.ts';\nimport { sql } from 'kysely';")).toEqual([null, null, null]);
    expect(check('src/app.ts', "import { createBookingModule } from './modules/booking/index.ts';")).toEqual([null]);
    expect(check('web/src/x.ts', "import { client } from '@reservehub/api-client';")).toEqual([null]);
  });

  it('finds a cycle', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]);
    expect(cycleOf(graph)).toBe('a → b → c → a');
    expect(cycleOf(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toBeNull();
  });
});
