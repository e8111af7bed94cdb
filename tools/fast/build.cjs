// The fast path from a TypeScript entry point to running JavaScript, shared by `npm run plan`, `npm run policy`,
// the benches and the Pulumi engine (Pulumi.yaml's main: tools/fast/program.cjs). esbuild bundles the entry and
// every source file it imports into one CommonJS file under dist/fast/ (packages stay external, so the program
// and the engine share one @pulumi/pulumi); the bundle is rebuilt only when one of its inputs changed. No type
// check happens here: that is `npm test`'s job (decision 0080).
// Plain CommonJS on purpose: it must run before anything is compiled.
"use strict";
/* global __dirname, __filename */
const { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const OUT_DIR = path.join(ROOT, "dist", "fast");
/** Files besides the bundle's own inputs whose change must rebuild it. */
const EXTRA_INPUTS = [__filename, path.join(ROOT, "tsconfig.json"), path.join(ROOT, "package-lock.json")];

function bundlePaths(entry) {
  const name = path.relative(ROOT, path.resolve(ROOT, entry)).replace(/\.ts$/, "").replace(/[\\/]/g, "__");
  return { bundle: path.join(OUT_DIR, `${name}.cjs`), stamp: path.join(OUT_DIR, `${name}.inputs.json`) };
}

function fingerprint(file) {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/** Whether the bundle exists and none of the inputs recorded when it was built has changed since. */
function isFresh(stampFile) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return false;
  }
  if (stamp.root !== ROOT) return false;
  for (const [file, print] of Object.entries(stamp.inputs)) if (fingerprint(file) !== print) return false;
  return true;
}

// Source files find their data (SQL, scripts, Dockerfiles, Pulumi.yaml) next to themselves through __dirname; in a
// bundle __dirname would be dist/fast/, so each source file gets its own directory in its place.
const ownDirname = {
  name: "own-dirname",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      return { contents: text.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))), loader: "ts" };
    });
  },
};

/** Build `entry` (a .ts path relative to the project) unless its bundle is fresh; returns the bundle's path. */
async function ensureBuilt(entry) {
  const { bundle, stamp } = bundlePaths(entry);
  if (isFresh(stamp)) return bundle;
  const esbuild = require("esbuild");
  mkdirSync(OUT_DIR, { recursive: true });
  // Written under a private name first and renamed, so a second run starting meanwhile never loads half a file.
  const temporary = `${bundle}.${process.pid}.tmp`;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [path.resolve(ROOT, entry)],
    outfile: temporary,
    bundle: true,
    // The SDKs stay external: the program, the engine and the policy SDK must share one @pulumi/pulumi. Pure-JS
    // libraries (zod, yaml, ajv, cron-parser) are bundled: a few hundred fewer module loads per run. Also external:
    // the IAM data libraries, whose ESM build finds its data through import.meta.url (undefined in a CJS bundle,
    // so `require` must pick their CJS build), and the compilers the checks load only when they run.
    external: ["@pulumi/*", "@cloud-copilot/*", "typescript", "esbuild", "tsx", "tsx/*"],
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "linked",
    metafile: true,
    logLevel: "error",
    plugins: [ownDirname],
  });
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs).map((f) => path.resolve(ROOT, f)), ...EXTRA_INPUTS]) inputs[file] = fingerprint(file);
  const map = readFileSync(`${temporary}.map`, "utf8");
  writeFileSync(`${bundle}.map`, map);
  const code = readFileSync(temporary, "utf8").replace(/sourceMappingURL=.*\.map\s*$/, `sourceMappingURL=${path.basename(bundle)}.map\n`);
  writeFileSync(temporary, code);
  renameSync(temporary, bundle);
  rmSync(`${temporary}.map`, { force: true });
  writeFileSync(stamp, `${JSON.stringify({ root: ROOT, esbuild: esbuild.version, inputs }, null, 1)}\n`);
  return bundle;
}

/** The bundle of `entry` if it is built and fresh, else undefined (no build: for callers that cannot wait). */
function freshBundle(entry) {
  const { bundle, stamp } = bundlePaths(entry);
  return isFresh(stamp) ? bundle : undefined;
}

/**
 * Entry points that run the policy runner also load its worker and this project's pack in their own module scope
 * (a worker thread, the pack's main module): built beside them, those start without tsx (tools/policy/analyze.ts).
 */
const OWN_PACK = "tools/policy/own-pack.ts";
const PACK_WORKER = "tools/policy/server/pack-worker.ts";
function companionsOf(entry) {
  const name = path.relative(ROOT, path.resolve(ROOT, entry)).split(path.sep).join("/");
  // The plan's gate hosts the pack in its own thread, one host (tools/plan/gate.ts); the policy runner and the
  // benches may start workers too.
  if (name.startsWith("tools/plan/")) return [OWN_PACK];
  return /^tools\/(policy|bench)\//.test(name) ? [OWN_PACK, PACK_WORKER] : [];
}

module.exports = { ensureBuilt, freshBundle, companionsOf };
