import type { Rule } from "../../../lib/rule";
import { elastiCacheRules } from "./elasticache";
import { eksRules } from "./eks";
import { kmsRules } from "./kms";
import { rdsRules } from "./rds";
import { secretsManagerRules } from "./secrets-manager";

/** RDS, ElastiCache, EKS, Secrets Manager and KMS rules (catalogue §3.1, §3.2, §3.4–§3.6). */
export const awsDataRules: Rule[] = [...rdsRules, ...elastiCacheRules, ...eksRules, ...secretsManagerRules, ...kmsRules];
