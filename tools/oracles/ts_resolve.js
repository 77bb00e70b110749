#!/usr/bin/env node
/**
 * ts_resolve.js - TypeScript's own module resolution for the imports of TS/JS files: the oracle
 * for IMP001 (tools/import_differential.py).
 *
 * Usage:
 *   node tools/oracles/ts_resolve.js ROOT < paths
 *
 * ROOT is the project root; stdin holds the files to read, one per line, relative to ROOT. For
 * every import of every file it prints one JSON object per line:
 *
 *   {"path": <as given>, "line": N, "specifier": "...", "resolved": true|false,
 *    "target": "<resolved file, relative to ROOT>"|null, "tsconfig": "<path>"|null}
 *
 * or, for an import TypeScript cannot judge the way plumb does:
 *
 *   {"path": ..., "line": N, "specifier": "...", "skip": "<reason>"}
 *
 * Imports are what ts.preProcessFile finds: `import`, `export ... from`, `import x = require()`,
 * `require("x")` and `import("x")`. Only specifiers whose resolution does not depend on an
 * installed node_modules are judged: relative ones (`./x`, `../x`) and bare ones that a `paths`
 * key of the file's tsconfig maps. Asset specifiers (`.css`, `.svg`, ...) are skipped: the
 * TypeScript compiler resolves them only through declarations, bundlers by the file.
 *
 * Options: the nearest tsconfig.json at or above the file (not above ROOT), read with its
 * `extends` chain, then `moduleResolution: bundler` (extensionless and `.js`-for-`.ts`
 * specifiers, `exports`), `allowJs` and `resolveJsonModule`: the most permissive resolution a
 * project may use, which is what plumb checks against.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const CODE_EXTENSIONS = new Set([
  ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json", "",
]);

function main() {
  const root = path.resolve(process.argv[2] || ".");
  const input = fs.readFileSync(0, "utf8");
  const files = input.split("\n").map((line) => line.trim()).filter(Boolean);
  const configs = new Map();
  const out = [];
  for (const file of files) {
    const absolute = path.join(root, file);
    let text;
    try {
      text = fs.readFileSync(absolute, "utf8");
    } catch {
      continue;
    }
    const config = optionsFor(root, path.dirname(absolute), configs);
    const info = ts.preProcessFile(text, true, true);
    const lineStarts = ts.computeLineStarts(text);
    const guarded = guardedSpecifiers(file, text);
    for (const imported of info.importedFiles) {
      const specifier = imported.fileName;
      const line = ts.computeLineAndCharacterOfPosition(lineStarts, imported.pos).line + 1;
      const record = { path: file, line, specifier };
      if (guarded.has(imported.pos)) {
        // `try { require("./optional") } catch {}`: the code expects it may be missing, and
        // plumb does not judge it. An AMD `define([...])` dependency names a module id, not a
        // file.
        out.push(JSON.stringify({ ...record, skip: guarded.get(imported.pos) }));
        continue;
      }
      const relative = specifier.startsWith("./") || specifier.startsWith("../")
        || specifier === "." || specifier === "..";
      const aliased = !relative && matchesPaths(config.options.paths, specifier);
      if (!relative && !aliased) {
        continue;
      }
      const extension = path.extname(specifier.split("?")[0]);
      if (!CODE_EXTENSIONS.has(extension) && !/^\.[cm]?[jt]sx?$/.test(extension)) {
        out.push(JSON.stringify({ ...record, skip: `asset extension ${extension}` }));
        continue;
      }
      if (relative) {
        const target = path.resolve(path.dirname(absolute), specifier);
        if (!(target + path.sep).startsWith(root + path.sep) && target !== root) {
          out.push(JSON.stringify({ ...record, skip: "leaves the project root" }));
          continue;
        }
      }
      const result = ts.resolveModuleName(specifier, absolute, config.options, ts.sys);
      const resolved = result.resolvedModule;
      out.push(JSON.stringify({
        ...record,
        resolved: Boolean(resolved),
        target: resolved ? path.relative(root, resolved.resolvedFileName) : null,
        tsconfig: config.path ? path.relative(root, config.path) : null,
      }));
    }
  }
  process.stdout.write(out.length ? out.join("\n") + "\n" : "");
}

/**
 * Start positions of specifiers plumb does not judge, with the reason: `require`/`import()`
 * inside a `try` block, and AMD `define([...])` dependencies.
 */
function guardedSpecifiers(file, text) {
  const positions = new Map();
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  // `localRequire`: inside a function with a parameter named `require` (a bundle's module
  // wrapper), where `require` is the bundle's, not Node's.
  const visit = (node, inTry, localRequire) => {
    if (ts.isTryStatement(node)) {
      visit(node.tryBlock, true, localRequire);
      if (node.catchClause) visit(node.catchClause, inTry, localRequire);
      if (node.finallyBlock) visit(node.finallyBlock, inTry, localRequire);
      return;
    }
    if (ts.isFunctionLike(node) && node.parameters && node.parameters.some(
      (parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === "require")) {
      localRequire = true;
    }
    const isRequire = ts.isCallExpression(node) && ts.isIdentifier(node.expression)
      && node.expression.text === "require";
    if (ts.isCallExpression(node) && node.arguments.length > 0
      && ts.isStringLiteralLike(node.arguments[0])
      && (isRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword)) {
      if (isRequire && localRequire) {
        positions.set(node.arguments[0].getStart(source), "a bundle's own require");
      } else if (inTry) {
        positions.set(node.arguments[0].getStart(source), "inside try");
      }
    }
    if (ts.isCallExpression(node)
      && ((ts.isIdentifier(node.expression) && node.expression.text === "define")
        || (ts.isPropertyAccessExpression(node.expression)
          && node.expression.name.text === "define"))) {
      for (const argument of node.arguments) {
        if (ts.isArrayLiteralExpression(argument)) {
          for (const element of argument.elements) {
            if (ts.isStringLiteralLike(element)) {
              positions.set(element.getStart(source), "AMD define dependency");
            }
          }
        }
      }
    }
    ts.forEachChild(node, (child) => visit(child, inTry, localRequire));
  };
  visit(source, false, false);
  return positions;
}

/** Whether a `paths` key (not the catch-all `*`) matches `specifier`. */
function matchesPaths(paths, specifier) {
  if (!paths) return false;
  return Object.keys(paths).some((key) => {
    const star = key.indexOf("*");
    if (star < 0) return key === specifier;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    return prefix.length > 0 && specifier.length >= prefix.length + suffix.length
      && specifier.startsWith(prefix) && specifier.endsWith(suffix);
  });
}

/** Compiler options for files in `dir`: the nearest tsconfig.json up to `root`, permissive. */
function optionsFor(root, dir, cache) {
  if (cache.has(dir)) return cache.get(dir);
  let found = null;
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, "tsconfig.json");
    if (fs.existsSync(candidate)) {
      found = candidate;
      break;
    }
    if (current === root || current === path.dirname(current)) break;
  }
  let options = {};
  if (found) {
    const host = {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    };
    const parsed = ts.getParsedCommandLineOfConfigFile(found, {}, host);
    if (parsed) options = parsed.options;
  }
  const config = {
    path: found,
    options: {
      ...options,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowJs: true,
      resolveJsonModule: true,
      allowImportingTsExtensions: true,
      noEmit: true,
    },
  };
  cache.set(dir, config);
  return config;
}

main();
