import type { PolicyCase } from "../../support/cases";
import { eksCases } from "./eks";
import { elastiCacheCases } from "./elasticache";
import { iamCases } from "./iam";
import { kmsCases } from "./kms";
import { rdsCases } from "./rds";
import { s3Cases } from "./s3";
import { secretsCases } from "./secretsmanager";

/** The AWS rules' cases, one file per service as policy/rules/aws/<service> is laid out, in documentation order. */
export const awsCases: PolicyCase[] = [...rdsCases, ...elastiCacheCases, ...eksCases, ...secretsCases, ...kmsCases, ...s3Cases, ...iamCases];
