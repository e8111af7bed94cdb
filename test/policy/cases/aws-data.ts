import type { PolicyCase } from "../support/cases";
import { elastiCacheCases } from "./aws-data-elasticache";
import { eksCases } from "./aws-data-eks";
import { kmsCases } from "./aws-data-kms";
import { rdsCases } from "./aws-data-rds";
import { secretsCases } from "./aws-data-secrets";

/** RDS, ElastiCache, EKS, Secrets Manager and KMS cases, one file per service. */
export const awsDataCases: PolicyCase[] = [...rdsCases, ...elastiCacheCases, ...eksCases, ...secretsCases, ...kmsCases];
