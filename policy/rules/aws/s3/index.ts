import type { Rule } from "../../../lib/rule";
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

/** S3 rules (catalogue §3.3, §5.2), in catalogue order. */
export const s3Rules: Rule[] = [
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
];
