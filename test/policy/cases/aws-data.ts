import type { PolicyCase } from "../support/cases";
import { rdsCases } from "./aws-data-rds";

/** RDS, ElastiCache, EKS, Secrets Manager and KMS cases, one file per service. */
export const awsDataCases: PolicyCase[] = [...rdsCases];
