import type { Rule } from "../../../lib/rule";
import { iamKmsDecryptScoped } from "./iam-kms-decrypt-scoped";
import { iamNoAdmin } from "./iam-no-admin";
import { iamNoAdminManagedPolicies } from "./iam-no-admin-managed-policies";
import { iamNoPrivesc } from "./iam-no-privesc";
import { iamNoServiceWildcards } from "./iam-no-service-wildcards";
import { iamNoStarResource } from "./iam-no-star-resource";
import { iamTrustNotPublic } from "./iam-trust-not-public";
import { irsaSaRoleMatch } from "./irsa-sa-role-match";
import { irsaTrustScoped } from "./irsa-trust-scoped";
import { s3AccessLogging } from "./s3-access-logging";
import { s3EventNotifications } from "./s3-event-notifications";
import { s3Lifecycle } from "./s3-lifecycle";
import { s3NoPublicAcl } from "./s3-no-public-acl";
import { s3ObjectLock } from "./s3-object-lock";
import { s3OwnershipEnforced } from "./s3-ownership-enforced";
import { s3PolicyNoWildcardPrincipal } from "./s3-policy-no-wildcard-principal";
import { s3PublicAccessBlock } from "./s3-public-access-block";
import { s3Replication } from "./s3-replication";
import { s3SseKms } from "./s3-sse-kms";
import { s3TlsOnlyPolicy } from "./s3-tls-only-policy";
import { s3Versioning } from "./s3-versioning";

/** S3 and IAM rules (catalogue §3.3, §3.7; §5.2), in catalogue order. */
export const awsStorageIamRules: Rule[] = [
  s3PublicAccessBlock,
  s3NoPublicAcl,
  s3OwnershipEnforced,
  s3SseKms,
  s3Versioning,
  s3Lifecycle,
  s3TlsOnlyPolicy,
  s3PolicyNoWildcardPrincipal,
  s3AccessLogging,
  s3ObjectLock,
  s3Replication,
  s3EventNotifications,
  iamNoAdmin,
  iamNoServiceWildcards,
  iamNoStarResource,
  iamNoAdminManagedPolicies,
  iamNoPrivesc,
  iamKmsDecryptScoped,
  iamTrustNotPublic,
  irsaTrustScoped,
  irsaSaRoleMatch,
];
