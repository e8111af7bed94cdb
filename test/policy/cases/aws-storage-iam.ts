/** Cases of the S3 and IAM rules (policy/rules/aws/storage-iam): the S3 file and the IAM file. */
import type { PolicyCase } from "../support/cases";
import { iamCases } from "./aws-storage-iam-iam";
import { s3Cases } from "./aws-storage-iam-s3";

export const awsStorageIamCases: PolicyCase[] = [...s3Cases, ...iamCases];
