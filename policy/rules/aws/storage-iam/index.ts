import type { Rule } from "../../../lib/rule";

/** S3 and IAM rules (catalogue §3.3, §3.7). */
export const awsStorageIamRules: Rule[] = [];
