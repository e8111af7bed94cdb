// Loads a bundle as `require` would, but through a V8 code cache kept beside it (`<bundle>.v8cache`): the second and
// later runs skip compiling the bundle's few megabytes of JavaScript. Node 20 has no module.enableCompileCache (22.1+),
// so this does for our one file what that does for every module. A cache V8 rejects (another node version) is
// rewritten; a cache that cannot be written only costs the compile.
"use strict";
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

function loadBundle(bundle) {
  const cacheFile = `${bundle}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(bundle, "utf8")), { filename: bundle, cachedData, importModuleDynamically: undefined });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  require.cache[bundle] = mod;
  const compiled = script.runInThisContext();
  compiled.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    } catch {
      // A read-only checkout: run without a cache.
    }
  }
  return mod.exports;
}

module.exports = { loadBundle };
