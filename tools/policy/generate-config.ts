/** Writes policy/config/{dev,prod}.json from the rules' metadata (`npm run gen:policy`); a test checks for drift. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rules } from "../../policy/rules";
import { packConfigFor, policyDir, readExclusions, renderPackConfig } from "./pack-config";

const exclusions = readExclusions();
mkdirSync(join(policyDir(), "config"), { recursive: true });
for (const env of ["dev", "prod"] as const) {
  writeFileSync(join(policyDir(), "config", `${env}.json`), renderPackConfig(packConfigFor(env, rules, exclusions)));
}
