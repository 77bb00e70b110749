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
 * installed node_modules are judged: relative ones (`./x`, `../x`), bare ones that a `paths`
 * key of the file's tsconfig maps, and `#` ones that an `imports` key of the nearest
 * package.json maps to a file of the package (`"#x/*": "./src/x/*"`). Asset specifiers (`.css`,
 * `.svg`, ...) are skipped: the TypeScript compiler resolves them only through declarations,
 * bundlers by the file. A bundler query (`./entry?assets=client`) is cut off: the path before it
 * is what must exist.
 *
 * Which tsconfig governs a file is decided the way `tsc` and the editor's tsserver decide it:
 * the nearest `tsconfig.json` (else `jsconfig.json`) at or above the file, up to ROOT, read
 * with `ts.getParsedCommandLineOfConfigFile` (so `extends` chains and `${configDir}` work). If
 * that project's file list (its `files`/`include`/`exclude`) holds the file, it governs it; else
 * the projects it lists under `references` are searched, depth first (a solution-style
 * `tsconfig.json` with `"files": []`); else the next tsconfig further up. The record says which
 * (`scope`: "included", "referenced", "ancestor").
 *
 * Judgements where the trees differ from an installed checkout (documented choices):
 *  - An `extends` that names a package which is not installed (no node_modules) is what `tsc`
 *    reports as diagnostic TS6053 and otherwise ignores: the file's own compilerOptions (its
 *    `paths` included) still apply, the unreachable base's do not. The record lists such
 *    diagnostics under `config_errors`.
 *  - A file that no tsconfig's file list holds (a `vite.config.ts` or script outside `include`)
 *    is resolved with the nearest tsconfig's options anyway, `scope: "outside-include"`: that is
 *    what esbuild, Vite, tsx, Bun and Jest's ts transformers do (they read the nearest tsconfig
 *    whatever its `include`), while tsc would not compile the file at all and tsserver would
 *    give it an inferred project without `paths`. A disagreement on such a file is a judgement
 *    call, and the record says so. A file with no tsconfig at all is resolved with no options
 *    (`scope: "no-tsconfig"`).
 *  - Membership is computed with `allowJs` on, so `.js` files of a TS project count as its own.
 *
 * Options used for resolution: the governing tsconfig's, then `moduleResolution: bundler`
 * (extensionless and `.js`-for-`.ts` specifiers, `exports`, package.json `imports`),
 * `allowJs` and `resolveJsonModule`: the most permissive resolution a project may use, which is
 * what plumb checks against.
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
  const configs = { byDir: new Map(), parsed: new Map(), extended: new Map() };
  const packages = new Map();
  const out = [];
  for (const file of files) {
    const absolute = path.join(root, file);
    let text;
    try {
      text = fs.readFileSync(absolute, "utf8");
    } catch {
      continue;
    }
    const config = optionsFor(root, absolute, configs);
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
      const subpathImport = !relative && !aliased && specifier.startsWith("#")
        ? packageImportTarget(root, path.dirname(absolute), specifier, packages)
        : null;
      if (!relative && !aliased && !subpathImport) {
        continue;
      }
      if (subpathImport && subpathImport.skip) {
        out.push(JSON.stringify({ ...record, skip: subpathImport.skip }));
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
      // `./entry?assets=client`, `./worker?worker`: a bundler's query names a variant of the
      // file the path before it names, so that path is what must exist.
      const bare = specifier.split("?")[0];
      const result = ts.resolveModuleName(bare, absolute, config.options, ts.sys);
      const resolved = result.resolvedModule;
      out.push(JSON.stringify({
        ...record,
        resolved: Boolean(resolved),
        target: resolved ? path.relative(root, resolved.resolvedFileName) : null,
        tsconfig: config.path ? path.relative(root, config.path) : null,
        scope: config.scope,
        ...(config.errors.length ? { config_errors: config.errors } : {}),
        kind: relative ? "relative" : aliased ? "paths" : "package-imports",
        ...(subpathImport ? { imports_target: subpathImport.target } : {}),
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

/**
 * The nearest package.json at or above `dir` (up to `root`), and what its `imports` field maps
 * `specifier` to: null when no key matches (not judged: a bundler's virtual module such as
 * `#imports` is no file), `{target}` when a key maps it to a path in the package, `{skip}` when
 * it maps it to another package (needs node_modules).
 */
function packageImportTarget(root, dir, specifier, cache) {
  const manifest = nearestPackageJson(root, dir, cache);
  const imports = manifest && manifest.imports;
  if (!imports || typeof imports !== "object") return null;
  const key = Object.keys(imports).find((candidate) => {
    const star = candidate.indexOf("*");
    if (star < 0) return candidate === specifier;
    return specifier.startsWith(candidate.slice(0, star))
      && specifier.endsWith(candidate.slice(star + 1))
      && specifier.length >= candidate.length - 1;
  });
  if (key === undefined) return null;
  const targets = [];
  const collect = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(imports[key]);
  if (targets.length > 0 && targets.every((target) => target.startsWith("./"))) {
    return { target: targets[0] };
  }
  return { skip: `package.json imports map ${key} to a package` };
}

function nearestPackageJson(root, dir, cache) {
  if (cache.has(dir)) return cache.get(dir);
  let manifest = null;
  const candidate = path.join(dir, "package.json");
  if (fs.existsSync(candidate)) {
    try {
      manifest = JSON.parse(fs.readFileSync(candidate, "utf8"));
    } catch {
      manifest = {};
    }
  } else if (dir !== root && dir !== path.dirname(dir)) {
    manifest = nearestPackageJson(root, path.dirname(dir), cache);
  }
  cache.set(dir, manifest);
  return manifest;
}

/**
 * The tsconfig that governs `file` (see the header): `{path, scope, errors, options}`, with the
 * permissive resolution options laid over the tsconfig's own. Cached per directory and scope
 * is per file, so the lookup runs once per file but parses each tsconfig once.
 */
function optionsFor(root, file, cache) {
  const governing = governingConfig(root, file, cache);
  const key = `${governing.path}\0${governing.scope}`;
  if (cache.byDir.has(key)) return cache.byDir.get(key);
  const parsed = governing.path ? parseConfig(governing.path, cache) : null;
  const config = {
    path: governing.path,
    scope: governing.scope,
    errors: parsed ? parsed.errors : [],
    options: {
      ...(parsed ? parsed.options : {}),
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowJs: true,
      resolveJsonModule: true,
      allowImportingTsExtensions: true,
      noEmit: true,
    },
  };
  cache.byDir.set(key, config);
  return config;
}

/** The tsconfig/jsconfig files at or above `dir`, nearest first, not above `root`. */
function ancestorConfigs(root, dir) {
  const found = [];
  for (let current = dir; ; current = path.dirname(current)) {
    for (const name of ["tsconfig.json", "jsconfig.json"]) {
      const candidate = path.join(current, name);
      if (fs.existsSync(candidate)) {
        found.push(candidate);
        break;
      }
    }
    if (current === root || current === path.dirname(current)) break;
  }
  return found;
}

/** Which tsconfig governs `file`, and how it was found. */
function governingConfig(root, file, cache) {
  const candidates = ancestorConfigs(root, path.dirname(file));
  for (const [index, candidate] of candidates.entries()) {
    const parsed = parseConfig(candidate, cache);
    if (parsed.files.has(file)) {
      return { path: candidate, scope: index === 0 ? "included" : "ancestor" };
    }
    const referenced = referencedProjectHolding(candidate, file, cache, new Set());
    if (referenced) return { path: referenced, scope: "referenced" };
  }
  if (candidates.length > 0) return { path: candidates[0], scope: "outside-include" };
  return { path: null, scope: "no-tsconfig" };
}

/** The first project, depth first through `references`, whose file list holds `file`. */
function referencedProjectHolding(configPath, file, cache, seen) {
  if (seen.has(configPath)) return null;
  seen.add(configPath);
  for (const reference of parseConfig(configPath, cache).references) {
    const referencedPath = ts.resolveProjectReferencePath(reference);
    if (!fs.existsSync(referencedPath)) continue;
    if (parseConfig(referencedPath, cache).files.has(file)) return referencedPath;
    const deeper = referencedProjectHolding(referencedPath, file, cache, seen);
    if (deeper) return deeper;
  }
  return null;
}

/**
 * One tsconfig read as `tsc` reads it: `{options, files, references, errors}`. Unrecoverable
 * diagnostics (an unreadable file) leave it empty; recoverable ones (TS6053, an `extends` that
 * names a file or package that is not there) are kept as messages, and the file's own options
 * still apply. "No inputs were found" (TS18003) is no error here.
 */
function parseConfig(configPath, cache) {
  if (cache.parsed.has(configPath)) return cache.parsed.get(configPath);
  const errors = [];
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => errors.push(messageOf(diagnostic)),
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath, { allowJs: true }, host, cache.extended,
  );
  const result = {
    options: parsed ? { ...parsed.options } : {},
    files: new Set(parsed ? parsed.fileNames.map((name) => path.resolve(name)) : []),
    references: (parsed && parsed.projectReferences) || [],
    errors: errors.concat(parsed
      ? parsed.errors.filter((diagnostic) => diagnostic.code !== 18003).map(messageOf)
      : []),
  };
  // `allowJs` was forced only to compute membership; resolution forces it anyway.
  cache.parsed.set(configPath, result);
  return result;
}

function messageOf(diagnostic) {
  return `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
}

main();
