/**
 * This project's pack as a main module for the runner's worker. Built into dist/ with the tools, it loads the
 * compiled pack (dist/policy/index.js, the same two lines as policy/index.ts), so `npm run policy` does not
 * transpile policy/ on every run; from the sources the worker loads policy/index.ts itself.
 */
import "../../policy/index";
