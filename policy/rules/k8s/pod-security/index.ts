import type { Rule } from "../../../lib/rule";
import { pssBaselineRules } from "./baseline";
import { highUidGid } from "./high-uid-gid";
import { pssRestrictedRules } from "./restricted";

export { PSS_VERSION, type PssRule, type PssLevel } from "./pss";
export { pssBaselineRules } from "./baseline";
export { pssRestrictedRules } from "./restricted";

/**
 * Pod Security Standards, baseline and restricted (catalogue §1), one rule per PSA check at policy version 1.34
 * (docs/decisions/0040-pss-version.md), plus the pack's high-UID/GID rule.
 */
export const podSecurityRules: Rule[] = [...pssBaselineRules, ...pssRestrictedRules, highUidGid];
