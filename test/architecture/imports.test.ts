/**
 * The shape of src/, checked on every run:
 * - no import cycles: the graph of relative imports (static, `export … from`, `import type`,
 *   and dynamic `import()`) has no strongly connected component of more than one file and no
 *   file importing itself. Type-only imports count too: a type cycle is still two modules that
 *   cannot be understood (or moved) one without the other;
 * - SQL lives in src/store only: outside it no code calls `.query(…)` and no string or template
 *   literal reads as an SQL statement.
 * Imports are read with TypeScript's own `preProcessFile` (the lexer tsc uses to find a file's
 * dependencies: comments and strings are not imports), and literals and calls with its parser.
 * Each checker is first shown a small example it must catch, so a checker that goes blind fails.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** file → the files of src/ it imports (relative specifiers only: packages are not ours). */
function importGraph(files: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const deps = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((s) => s.startsWith('./') || s.startsWith('../'))
      .map((s) => resolve(dirname(file), s));
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Every cycle as one strongly connected component (Tarjan), plus files that import themselves. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Statements PostgreSQL would run; upper-case keywords, as every query in src/store is written. */
const SQL =
  /^\s*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[\w.]+(\s+AS)?(\s+\w+)?\s+SET\b|DELETE\s+FROM\b|WITH\s+\w+\s+AS\s*\(|(CREATE|ALTER|DROP|TRUNCATE)\s+(TABLE|INDEX|SCHEMA|TYPE)\b|BEGIN\b|COMMIT\b)/;

/** Where a file (outside src/store) runs or writes SQL: `.query(` calls and SQL-looking literals. */
function sqlUses(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const where = (n: ts.Node) => `${fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'query') {
      found.push(`${where(n)} calls ${n.expression.getText(sf).slice(0, 60)}(…)`);
    }
    const literal =
      ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)
        ? n.text
        : ts.isTemplateExpression(n)
          ? n.head.text + n.templateSpans.map((s) => ' x ' + s.literal.text).join('')
          : null;
    if (literal !== null && SQL.test(literal)) found.push(`${where(n)} has SQL text: ${literal.trim().slice(0, 60)}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

const files = new Map(sourceFiles(SRC).map((f) => [f, readFileSync(f, 'utf8')]));
const rel = (f: string) => relative(SRC, f).split(sep).join('/');

describe('the import graph of src/', () => {
  test('the cycle finder sees a cycle, through type-only and dynamic imports too', () => {
    const fixture = new Map([
      ['/x/a.ts', "import type { B } from './b.ts';\nexport const a = 1;"],
      ['/x/b.ts', "export async function b() { return import('./c.ts'); }"],
      ['/x/c.ts', "export { a } from './a.ts';"],
      ['/x/d.ts', "// import { a } from './a.ts';\nconst s = \"import x from './d.ts'\";"],
    ]);
    assert.deepEqual(cycles(importGraph(fixture)), [['/x/a.ts', '/x/b.ts', '/x/c.ts']]);
  });

  test('src/ has no import cycle', () => {
    const graph = importGraph(files);
    assert.ok(graph.size > 50, `read ${graph.size} files`);
    const edges = [...graph.values()].reduce((n, d) => n + d.length, 0);
    assert.ok(edges > 200, `found ${edges} imports`);
    for (const [file, deps] of graph) for (const d of deps) assert.ok(files.has(d), `${rel(file)} imports ${rel(d)}, which does not exist`);
    assert.deepEqual(
      cycles(graph).map((c) => c.map(rel)),
      [],
    );
  });
});

describe('SQL only in src/store', () => {
  test('the checker sees query calls and SQL text, not prose or property reads', () => {
    const bad = `const r = await db.query('SELECT 1 FROM syncs WHERE id = $1', [id]);\nconst s = \`UPDATE syncs SET state = 'FAILED' WHERE id = \${id}\`;\nawait q.relaxed.query(s);`;
    assert.equal(sqlUses('bad.ts', bad).length, 4);
    const fine = `const q = req.query as Record<string, string>;\nhttp.request({ query: { a: 1 } });\nconst msg = 'Select a file from the list';\n// SELECT 1 FROM t`;
    assert.deepEqual(sqlUses('fine.ts', fine), []);
  });

  test('no file outside src/store runs or holds SQL', () => {
    const outside = [...files].filter(([f]) => !rel(f).startsWith('store/'));
    assert.ok(outside.length > 50);
    assert.deepEqual(
      outside.flatMap(([f, text]) => sqlUses(rel(f), text)),
      [],
    );
    // And the store does hold it (the checker would see it there).
    assert.ok([...files].filter(([f]) => rel(f).startsWith('store/')).some(([f, text]) => sqlUses(rel(f), text).length > 10));
  });
});
