import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../host-tools/sim/project-root.js';

// manifest.json preloads every firmware and driver module: xsl runs their bodies at build time
// and keeps what they made in flash. CI has no SDK to run xsl, so these are xsl's rules
// (xs/tools/xslSlot.c, SDK 8.2.3), checked on the source:
// - a module-level `let` captured by a function is "no const": a RAM copy on the device;
// - an object or array a module keeps that is not frozen is "not frozen": a RAM copy on first use;
// - a Map, Set, WeakMap or WeakSet it keeps is frozen by xsl: add() throws on the device only.
const modules = ['firmware', 'drivers'].flatMap((dir) => (readdirSync(path.join(projectRoot, dir), { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => `${dir}/${file}`));

interface Finding { module: string; line: number; text: string }

function moduleLevelDeclarations(module: string): { source: ts.SourceFile; statement: ts.VariableStatement }[] {
  const source = ts.createSourceFile(module, readFileSync(path.join(projectRoot, module), 'utf8'), ts.ScriptTarget.Latest, true);
  return source.statements.filter(ts.isVariableStatement).map((statement) => ({ source, statement }));
}

function where(source: ts.SourceFile, node: ts.Node): Finding {
  return { module: source.fileName, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText().split('\n')[0]!.slice(0, 80) };
}

const isFreezeCall = (node: ts.Node): boolean => ts.isCallExpression(node) && node.expression.getText() === 'Object.freeze';

/**
 * Object and array literals a module-level initializer keeps unfrozen. `kept`: a literal here
 * must be frozen; `frozen`: the argument of Object.freeze, whose members must be frozen too;
 * `built`: an argument of another call, whose result that builder freezes (checked in XS by
 * test/xs/frozen-tables.test.ts for the exported tables).
 */
function unfrozenLiterals(node: ts.Node, source: ts.SourceFile, findings: Finding[], context: 'kept' | 'frozen' | 'built' = 'kept'): void {
  if (ts.isFunctionLike(node)) return; // made when called, at run time
  if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node)) {
    if (context === 'kept') findings.push(where(source, node));
    node.forEachChild((child) => unfrozenLiterals(child, source, findings, context === 'built' ? 'built' : 'kept'));
  } else if (ts.isCallExpression(node)) {
    // A literal the call is made on ([...].map(freeze)) is consumed by it, like an argument.
    unfrozenLiterals(node.expression, source, findings, 'built');
    for (const argument of node.arguments) unfrozenLiterals(argument, source, findings, isFreezeCall(node) ? 'frozen' : 'built');
  } else {
    node.forEachChild((child) => unfrozenLiterals(child, source, findings, context));
  }
}

describe('preloaded modules follow xsl\'s rules (what it would warn about on a real build)', () => {
  it('no module keeps a mutable binding: const, never let or var, at module level', () => {
    const found = modules.flatMap((module) => moduleLevelDeclarations(module)
      .filter(({ statement }) => !(statement.declarationList.flags & ts.NodeFlags.Const))
      .map(({ source, statement }) => where(source, statement)));
    assert.deepEqual(found, [], 'make these const (a table built at load, or a field of an object made at run time)');
  });

  it('every object or array a module keeps is frozen, members included', () => {
    const found: Finding[] = [];
    for (const module of modules) {
      for (const { source, statement } of moduleLevelDeclarations(module)) {
        for (const declaration of statement.declarationList.declarations) {
          if (declaration.initializer) unfrozenLiterals(declaration.initializer, source, found);
        }
      }
    }
    assert.deepEqual(found, [], 'wrap these in Object.freeze(...)');
  });

  it('no module keeps a Map, Set, WeakMap or WeakSet (xsl freezes them: add() throws on the device)', () => {
    const found: Finding[] = [];
    for (const module of modules) {
      for (const { source, statement } of moduleLevelDeclarations(module)) {
        const visit = (node: ts.Node): void => {
          if (ts.isFunctionLike(node)) return;
          if (ts.isNewExpression(node) && /^(Weak)?(Map|Set)$/.test(node.expression.getText())) found.push(where(source, node));
          node.forEachChild(visit);
        };
        visit(statement);
      }
    }
    assert.deepEqual(found, [], 'keep these in an object made at run time');
  });

  it('the rules see what they look for (a module written the old way fails each of them)', () => {
    const old = ts.createSourceFile('old.ts', "let cache: number[] | undefined;\nconst TABLE = Object.freeze({ a: { b: 1 } });\nconst LIST = [1, 2];\nconst live = new WeakSet<object>();\n", ts.ScriptTarget.Latest, true);
    const statements = old.statements.filter(ts.isVariableStatement);
    assert.equal(statements.filter((s) => !(s.declarationList.flags & ts.NodeFlags.Const)).length, 1);
    const found: Finding[] = [];
    for (const s of statements) for (const d of s.declarationList.declarations) if (d.initializer) unfrozenLiterals(d.initializer, old, found);
    assert.deepEqual(found.map((f) => f.text), ['{ b: 1 }', '[1, 2]']);
  });
});
