/**
 * The AWS rules, one folder per service as peer packs group them (awsguard's src/<service>.ts, checkov's
 * checks/terraform/aws per resource): rds, elasticache, eks, secretsmanager, kms, s3, iam. Shared readers live in
 * ./lib (type tokens, presence checks) and policy/lib/iam-policy.ts (the one IAM policy-document model).
 */
import type { Rule } from "../../lib/rule";
import { eksRules } from "./eks";
import { elastiCacheRules } from "./elasticache";
import { iamRules } from "./iam";
import { kmsRules } from "./kms";
import { rdsRules } from "./rds";
import { s3Rules } from "./s3";
import { secretsManagerRules } from "./secretsmanager";

/** Data services (catalogue §3.1, §3.2, §3.4–§3.6), in documentation order. */
export const awsDataServiceRules: Rule[] = [...rdsRules, ...elastiCacheRules, ...eksRules, ...secretsManagerRules, ...kmsRules];

/** S3 and IAM (catalogue §3.3, §3.7; §5.2), in documentation order. */
export const awsStorageIdentityRules: Rule[] = [...s3Rules, ...iamRules];

export const awsRules: Rule[] = [...awsDataServiceRules, ...awsStorageIdentityRules];
