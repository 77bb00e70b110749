#!/usr/bin/env node
/**
 * ts_verdict.js - TypeScript's own syntax verdict for TS/JS files.
 *
 * Usage:
 *   node tools/oracles/ts_verdict.js [--batch N] [--jobs N] [PATH...]
 *   find src -name '*.ts' | node tools/oracles/ts_verdict.js
 *   node tools/oracles/ts_verdict.js --version
 *
 * Paths come from argv, or (when argv has none) from stdin, one per line.
 * For every path it prints one JSON object per line, in input order:
 *
 *   {"path": <as given>, "error": true|false, "line": N|null,
 *    "column": N|null, "message": "...", "code": N|null}
 *
 * or, for a file that cannot be judged (excluded from comparisons):
 *
 *   {"path": <as given>, "skip": "<reason>"}
 *
 * (reasons: unsupported extension, unreadable or not UTF-8, or TypeScript
 * itself crashing on the file).
 *
 * line and column are 1-based and belong to the first error (lowest source
 * position); column counts UTF-16 code units, as TypeScript does. Lines are
 * split by TypeScript's rules (\n, \r\n, \r, U+2028, U+2029).
 *
 * The verdict is "does TypeScript reject this file's syntax", made of:
 *
 *   1. program.getSyntacticDiagnostics(sf): the parser's diagnostics plus,
 *      for .js/.jsx files, the "X can only be used in TypeScript files"
 *      diagnostics (8002-8017).
 *   2. The checker's grammar diagnostics that depend neither on types nor on
 *      compiler/module options: program.getSemanticDiagnostics(sf) filtered to
 *      codes 1000-1999 and 17000-17999, minus DENYLIST, plus the few
 *      grammar codes in EXTRA_GRAMMAR_CODES (private names and the like).
 *      Decorator placement errors count only if they hold both with and
 *      without experimentalDecorators (see judgeBatch).
 *
 * Every file is judged the same way, whatever comment directives it holds:
 *   - each file is an ES module (moduleDetection "force"), hence strict code;
 *   - .js/.jsx files are "plain JS": TypeScript itself restricts them to its
 *     list of JS grammar/binder errors (checkJs left unset on purpose;
 *     checkJs: false would drop those too, e.g. `const a;`);
 *   - `// @ts-check`, `// @ts-nocheck`, `// @ts-ignore` and
 *     `// @ts-expect-error` are ignored, because they would otherwise turn
 *     plain JS into checked JS, skip checking, or hide grammar errors.
 *
 * Files are checked in batches (one ts.Program per --batch files, default
 * 100) on --jobs worker threads (default: 2, or 1 on a one-core machine).
 * Imports are never resolved, so files in a batch do not see each other: the
 * verdicts do not depend on --batch or --jobs.
 */
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { Worker, isMainThread, parentPort } = require("worker_threads");
const ts = require("typescript");

/** Extensions this oracle judges, longest first, mapped to ScriptKind. */
const SCRIPT_KINDS = [
  [".d.mts", ts.ScriptKind.TS],
  [".d.cts", ts.ScriptKind.TS],
  [".d.ts", ts.ScriptKind.TS],
  [".mts", ts.ScriptKind.TS],
  [".cts", ts.ScriptKind.TS],
  [".ts", ts.ScriptKind.TS],
  [".tsx", ts.ScriptKind.TSX],
  [".mjs", ts.ScriptKind.JS],
  [".cjs", ts.ScriptKind.JS],
  [".js", ts.ScriptKind.JS],
  [".jsx", ts.ScriptKind.JSX],
];

/**
 * Checker codes in the kept ranges that are NOT syntax verdicts: each one
 * depends on compiler/module options, on types or type resolution, or on
 * other files. Under the options below many of them cannot fire at all; they
 * are listed anyway so that the filter does not silently rely on that.
 */
const DENYLIST = new Map([
  // --- module kind / module format / emit options ---
  [1148, "imports/exports with module 'none' (module option)"],
  [1202, "import x = require() when targeting ECMAScript modules (module option)"],
  [1203, "export = when targeting ECMAScript modules (module option)"],
  [1216, "'__esModule' reserved when emitting modules (emit option, skipped under noEmit)"],
  [1218, "export assignment not supported with module system (module option)"],
  [1286, "ESM syntax in CommonJS module with verbatimModuleSyntax"],
  [1287, "top-level export modifier in CommonJS with verbatimModuleSyntax"],
  [1293, "ESM syntax in CommonJS module with module 'preserve'"],
  [1309, "top-level await in a CommonJS module (module format)"],
  [1323, "dynamic import() needs a module option"],
  [1324, "dynamic import() second argument needs a module option"],
  [1343, "import.meta needs a module option"],
  [1375, "top-level await needs the file to be a module (module detection)"],
  [1378, "top-level await needs module/target options"],
  [1431, "top-level for-await needs the file to be a module (module detection)"],
  [1432, "top-level for-await needs module/target options"],
  [1470, "import.meta in a file built to CommonJS (module format)"],
  [1471, "ESM-only module imported with require() (module resolution)"],
  [1479, "CommonJS file importing an ES module (module format)"],
  [1541, "type-only import of ESM from CommonJS needs resolution-mode"],
  [1542, "type import of ESM from CommonJS needs resolution-mode"],
  [1544, "named imports from JSON depend on the module option"],
  // --- isolatedModules / verbatimModuleSyntax / erasableSyntaxOnly ---
  [1205, "re-exporting a type with isolatedModules"],
  [1208, "global script file with isolatedModules"],
  [1269, "export import of a type with isolatedModules"],
  [1272, "decorated signature types with isolatedModules + emitDecoratorMetadata"],
  [1280, "namespace in global script file with isolatedModules"],
  [1282, "export = of a type under verbatimModuleSyntax"],
  [1283, "export = of a type-only declaration under verbatimModuleSyntax"],
  [1284, "export default of a type with verbatimModuleSyntax"],
  [1285, "export default of a type with isolatedModules"],
  [1288, "import alias to a type under verbatimModuleSyntax"],
  [1294, "syntax rejected only with erasableSyntaxOnly"],
  [1295, "ESM syntax in a CommonJS file under verbatimModuleSyntax"],
  [1371, "importsNotUsedAsValues / preserveValueImports"],
  [1448, "type-only re-export needed with isolatedModules"],
  [1484, "type must be imported with import type under verbatimModuleSyntax"],
  [1485, "type-only export must be re-exported with export type (verbatimModuleSyntax)"],
  // --- module resolution / other files ---
  [1192, "module has no default export (needs the imported module)"],
  [1259, "default import needs esModuleInterop (needs the imported module)"],
  [1339, "module does not refer to a value (needs the imported module)"],
  [1340, "module does not refer to a type (needs the imported module)"],
  [1361, "value use of an `import type` binding (name resolution, other files)"],
  [1362, "value use of an `export type` binding (name resolution, other files)"],
  // --- target / lib ---
  [1056, "accessors need target ES5+ (target option)"],
  [1250, "function declarations in blocks with target ES5 (target option)"],
  [1251, "function declarations in blocks in classes with target ES5 (target option)"],
  [1252, "function declarations in blocks in modules with target ES5 (target option)"],
  [1501, "regular expression flag needs a newer target (target option)"],
  [1503, "named capturing groups need target ES2018 (target option)"],
  // --- decorators: experimentalDecorators and decorator signatures ---
  [1219, "experimental decorators warning (experimentalDecorators option)"],
  // (decorator placement codes 1206/1207/1249: see DECORATOR_PLACEMENT_CODES)
  [1236, "property decorator return type (types)"],
  [1237, "parameter decorator return type (types)"],
  [1238, "class decorator signature cannot be resolved (types)"],
  [1239, "parameter decorator signature cannot be resolved (types)"],
  [1240, "property decorator signature cannot be resolved (types)"],
  [1241, "method decorator signature cannot be resolved (types)"],
  [1270, "decorator function return type mismatch (types)"],
  [1271, "decorator function return type mismatch (types)"],
  [1278, "decorator argument count (types)"],
  [1279, "decorator argument count (types)"],
  [1329, "decorator accepts too few arguments (types)"],
  // --- types / type resolution ---
  [1055, "async return type not a valid Promise for ES5/ES3 (types, target)"],
  [1058, "async return type has a callable 'then' member (types)"],
  [1059, "a promise must have a 'then' method (types)"],
  [1060, "first parameter of a promise's 'then' must be a callback (types)"],
  [1061, "enum member needs an initializer: the previous member's value may come from another file"],
  [1062, "type referenced in its own 'then' fulfillment callback (types)"],
  [1064, "async return type must be the global Promise<T> (types, lib)"],
  [1065, "async return type must be the global Promise<T> (types, lib)"],
  [1066, "ambient enum initializer must be constant: may reference another file"],
  [1165, "computed property name in ambient context needs literal type (types)"],
  [1166, "computed property name in class property needs literal type (types)"],
  [1168, "computed property name in method overload needs literal type (types)"],
  [1169, "computed property name in interface needs literal type (types)"],
  [1170, "computed property name in type literal needs literal type (types)"],
  [1196, "catch clause variable type must be any/unknown (types)"],
  [1226, "type predicate not assignable (types)"],
  [1254, "ambient const initializer must be a literal or enum reference: may use another file"],
  [1268, "index signature parameter type must be string/number/... (types)"],
  [1320, "await operand type must be a valid promise (types)"],
  [1321, "yield operand type must be a valid promise (types)"],
  [1322, "for-await iterator type must be a valid promise (types)"],
  [1337, "index signature parameter cannot be literal/generic type (types)"],
  [1345, "void expression tested for truthiness (types)"],
  [1355, "as const operand must be a literal or enum member: may use another file"],
  [1360, "`satisfies` type mismatch (types)"],
  // --- JSX options / types ---
  [17004, "JSX needs the --jsx option"],
  [17009, "super() before this: depends on the base expression's type (`extends null`)"],
  [17011, "super() before super.x: depends on the base expression's type (`extends null`)"],
  [17016, "jsxFragmentFactory pragma/option mismatch (options)"],
  [17017, "jsxFragmentFactory needed with jsxFactory (options)"],
]);

/**
 * Grammar errors the checker numbers outside the two ranges, all of them
 * ECMAScript early errors or TypeScript syntax rules about private names,
 * class static blocks, JSX and `import defer`. Binder/checker 2xxx codes
 * such as 2451 (redeclared let/const), 2528 (two default exports) or 2300
 * (duplicate identifier) stay out: that series mixes a few early errors with
 * declaration merging and type-level rules.
 */
const EXTRA_GRAMMAR_CODES = new Map([
  [18006, "class field named 'constructor'"],
  [18007, "comma operator in a JSX expression"],
  [18009, "private identifier as a parameter"],
  [18010, "accessibility modifier on a private identifier"],
  [18011, "delete of a private identifier"],
  [18012, "'#constructor' is reserved"],
  [18016, "private identifier outside a class body"],
  [18019, "modifier not allowed on a private identifier"],
  [18024, "enum member named with a private identifier"],
  [18026, "'#!' not at the start of the file"],
  [18029, "private identifier in a variable declaration"],
  [18030, "private identifier in an optional chain"],
  [18037, "await in a class static block"],
  [18038, "for await in a class static block"],
  [18039, "'arguments'/'await' in a class static block"],
  [18041, "return in a class static block"],
  [18054, "await using in a class static block"],
  [18058, "default import in `import defer`"],
  [18059, "named imports in `import defer`"],
  [18061, "invalid meta-property for `import`"],
]);

/**
 * Decorator placement errors: standard and experimental decorators allow
 * decorators in different places, so these are kept only when both modes
 * report them (see judgeBatch).
 */
const DECORATOR_PLACEMENT_CODES = new Set([
  1206, // Decorators are not valid here.
  1207, // Decorators cannot be applied to multiple get/set accessors of the same name.
  1249, // A decorator can only decorate a method implementation, not an overload.
]);

/**
 * Options under which grammar errors do not depend on options: newest
 * target (no target-gated syntax errors), every file a module (strict code,
 * top-level await allowed), JSX preserved, no libs, no type packages, no
 * import resolution.
 */
const COMPILER_OPTIONS = {
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  jsx: ts.JsxEmit.Preserve,
  allowJs: true,
  // checkJs deliberately unset: see the file comment ("plain JS").
  strict: true,
  noLib: true,
  noResolve: true,
  types: [],
  noEmit: true,
  allowArbitraryExtensions: true,
  allowImportingTsExtensions: true,
};

/** Returns the ScriptKind for a path, or undefined if it is not TS/JS. */
function scriptKindOf(filePath) {
  const lower = filePath.toLowerCase();
  for (const [ext, kind] of SCRIPT_KINDS) {
    if (lower.endsWith(ext)) return kind;
  }
  return undefined;
}

/** True if a diagnostic from the checker is a syntax (grammar) verdict. */
function isGrammarCode(code) {
  const inRange = (code >= 1000 && code <= 1999) || (code >= 17000 && code <= 17999);
  return (inRange && !DENYLIST.has(code)) || EXTRA_GRAMMAR_CODES.has(code);
}

/**
 * Reads a file as strict UTF-8 (BOM stripped, like TypeScript's sys).
 * Returns {text} or {skip: reason}.
 */
function readSource(filePath) {
  let bytes;
  try {
    bytes = fs.readFileSync(filePath);
  } catch (err) {
    return { skip: `unreadable: ${err.code || err.message}` };
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { skip: "unreadable: not valid UTF-8" };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

/**
 * A compiler host serving only the given files from memory. Source files are
 * created with the options the program asks for (so module detection applies)
 * and stripped of comment directives (so no file opts in or out of checks).
 */
function createHost(texts) {
  return {
    getSourceFile(fileName, languageVersionOrOptions) {
      const text = texts.get(fileName);
      if (text === undefined) return undefined;
      const sf = ts.createSourceFile(
        fileName, text, languageVersionOrOptions, /*setParentNodes*/ true, scriptKindOf(fileName));
      sf.checkJsDirective = undefined;
      sf.commentDirectives = undefined;
      return sf;
    },
    fileExists: (fileName) => texts.has(fileName),
    readFile: (fileName) => texts.get(fileName),
    resolveModuleNameLiterals: (literals) => literals.map(() => ({ resolvedModule: undefined })),
    resolveTypeReferenceDirectiveReferences: (refs) =>
      refs.map(() => ({ resolvedTypeReferenceDirective: undefined })),
    getDefaultLibFileName: () => "lib.d.ts",
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    getDirectories: () => [],
    directoryExists: () => true,
  };
}

/** Turns the diagnostics of one file into the verdict fields. */
function verdictOf(sf, diagnostics) {
  const errors = diagnostics.filter((d) =>
    d.category === ts.DiagnosticCategory.Error && d.file?.fileName === sf.fileName && d.start !== undefined);
  if (errors.length === 0) {
    return { error: false, line: null, column: null, message: "", code: null };
  }
  errors.sort((a, b) => a.start - b.start || a.code - b.code);
  const first = errors[0];
  const { line, character } = sf.getLineAndCharacterOfPosition(first.start);
  return {
    error: true,
    line: line + 1,
    column: character + 1,
    message: ts.flattenDiagnosticMessageText(first.messageText, "\n"),
    code: first.code,
  };
}

/** Syntactic diagnostics plus kept grammar diagnostics of one file. */
function grammarDiagnostics(program, fileName) {
  const sf = program.getSourceFile(fileName);
  return [
    ...program.getSyntacticDiagnostics(sf),
    ...program.getSemanticDiagnostics(sf).filter((d) => isGrammarCode(d.code)),
  ];
}

/**
 * Judges one batch of readable files. `files` is a Map from absolute path to
 * text; returns a Map from absolute path to verdict fields.
 *
 * Where decorators may go depends on experimentalDecorators (parameter
 * decorators need it, class-expression decorators forbid it), so a file with
 * a DECORATOR_PLACEMENT_CODES error is checked again in that mode: such an
 * error counts only if both modes report it, and any other error of either
 * mode counts (a decorator error can hide a modifier error behind it, e.g.
 * in `@dec public private x` on a parameter).
 */
function judgeBatch(files) {
  const program = ts.createProgram([...files.keys()], COMPILER_OPTIONS, createHost(files));
  const found = new Map();
  for (const fileName of files.keys()) found.set(fileName, grammarDiagnostics(program, fileName));

  const recheck = [...found].filter(([, ds]) => ds.some((d) => DECORATOR_PLACEMENT_CODES.has(d.code)));
  if (recheck.length > 0) {
    const texts = new Map(recheck.map(([fileName]) => [fileName, files.get(fileName)]));
    const legacy = ts.createProgram(
      [...texts.keys()], { ...COMPILER_OPTIONS, experimentalDecorators: true }, createHost(texts));
    const key = (d) => `${d.code}@${d.start}`;
    for (const [fileName, standard] of recheck) {
      const legacyDiagnostics = grammarDiagnostics(legacy, fileName);
      const inStandard = new Set(standard.map(key));
      const inLegacy = new Set(legacyDiagnostics.map(key));
      const merged = new Map();
      for (const d of [...standard, ...legacyDiagnostics]) {
        const bothModes = inStandard.has(key(d)) && inLegacy.has(key(d));
        if (!DECORATOR_PLACEMENT_CODES.has(d.code) || bothModes) merged.set(key(d), d);
      }
      found.set(fileName, [...merged.values()]);
    }
  }

  const verdicts = new Map();
  for (const [fileName, diagnostics] of found) {
    verdicts.set(fileName, verdictOf(program.getSourceFile(fileName), diagnostics));
  }
  return verdicts;
}

/**
 * judgeBatch, made robust against TypeScript crashing on some input (its
 * Debug assertions can fail on odd code): a failed batch is judged again
 * file by file, and a file that still crashes the compiler is skipped.
 */
function judgeBatchSafely(files) {
  try {
    return judgeBatch(files);
  } catch {
    const verdicts = new Map();
    for (const [fileName, text] of files) {
      try {
        verdicts.set(fileName, judgeBatch(new Map([[fileName, text]])).get(fileName));
      } catch (err) {
        verdicts.set(fileName, { skip: `oracle failure: ${String(err.message).split("\n")[0]}` });
      }
    }
    return verdicts;
  }
}

/**
 * Judges one chunk of given paths; returns their JSON lines, in order.
 * A path given twice in a chunk is judged once.
 */
function judgeChunk(chunk) {
  const texts = new Map();
  const early = new Map(); // given path -> skip record
  for (const given of chunk) {
    if (scriptKindOf(given) === undefined) {
      early.set(given, { skip: "unsupported extension" });
      continue;
    }
    const source = readSource(given);
    if (source.skip) early.set(given, { skip: source.skip });
    else texts.set(path.resolve(given), source.text);
  }
  const verdicts = judgeBatchSafely(texts);
  const line = (given) => {
    const verdict = early.get(given) || verdicts.get(path.resolve(given));
    return JSON.stringify({ path: given, ...verdict }) + "\n";
  };
  return chunk.map(line).join("");
}

/** Parses argv into {batch, jobs, version, paths}. */
function parseArgs(argv) {
  const args = { batch: 100, jobs: Math.min(2, os.availableParallelism()), version: false, paths: [] };
  const count = (value) => Math.max(1, parseInt(value, 10) || 1);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--version") args.version = true;
    else if (arg === "--batch") args.batch = count(argv[++i]);
    else if (arg === "--jobs") args.jobs = count(argv[++i]);
    else args.paths.push(arg);
  }
  return args;
}

/** Reads the path list: argv if any, else stdin lines. */
function inputPaths(argvPaths) {
  if (argvPaths.length > 0) return argvPaths;
  return fs.readFileSync(0, "utf8").split(/\r?\n/).filter((line) => line.length > 0);
}

/**
 * Judges the chunks on `jobs` worker threads, writing each chunk's lines to
 * stdout as soon as it and all the chunks before it are done.
 */
function runWorkers(chunks, jobs) {
  const done = new Map(); // chunk index -> output
  let next = 0; // next chunk to hand out
  let written = 0; // next chunk to write
  const workers = [];
  const feed = (worker) => {
    if (next < chunks.length) worker.postMessage({ index: next, chunk: chunks[next++] });
    else worker.terminate();
  };
  for (let i = 0; i < Math.min(jobs, chunks.length); i++) {
    const worker = new Worker(__filename);
    worker.on("message", ({ index, output }) => {
      done.set(index, output);
      while (done.has(written)) {
        fs.writeSync(1, done.get(written));
        done.delete(written++);
      }
      feed(worker);
    });
    worker.on("error", (err) => {
      process.stderr.write(`ts_verdict: ${err.stack || err}\n`);
      process.exitCode = 1;
      workers.forEach((w) => w.terminate());
    });
    workers.push(worker);
    feed(worker);
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    process.stdout.write(`${ts.version}\n`);
    return;
  }
  const paths = inputPaths(args.paths);
  const chunks = [];
  for (let start = 0; start < paths.length; start += args.batch) {
    chunks.push(paths.slice(start, start + args.batch));
  }
  if (args.jobs === 1) chunks.forEach((chunk) => fs.writeSync(1, judgeChunk(chunk)));
  else runWorkers(chunks, args.jobs);
}

if (isMainThread) {
  main();
} else {
  parentPort.on("message", ({ index, chunk }) => {
    parentPort.postMessage({ index, output: judgeChunk(chunk) });
  });
}
