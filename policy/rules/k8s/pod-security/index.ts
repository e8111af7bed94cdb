import type { Rule } from "../../../lib/rule";

/** Pod Security Standards, baseline and restricted (catalogue §1), one rule per PSA check. */
export const podSecurityRules: Rule[] = [];
