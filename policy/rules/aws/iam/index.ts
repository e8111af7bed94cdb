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

/** IAM and IRSA rules (catalogue §3.7, §5.2), in catalogue order. */
export const iamRules: Rule[] = [
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
