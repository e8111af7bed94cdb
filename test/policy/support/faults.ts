import type { DeploymentV3 } from "../../../tools/plan/state-export";

/** Five planted faults: a public, unencrypted database; a bucket without tags that force-destroys; an orphan. */
export function plant(d: DeploymentV3): DeploymentV3 {
  const copy = structuredClone(d);
  const rs = copy.deployment.resources;
  const db = rs.find((r) => r.type === "aws:rds/instance:Instance");
  const bucket = rs.find((r) => r.type === "aws:s3/bucket:Bucket");
  const orphan = rs.find((r) => r.type === "aws:iam/role:Role");
  if (!db || !bucket || !orphan) throw new Error("the prod plan lost a resource the probe plants a fault in");
  for (const props of [db.inputs, db.outputs]) Object.assign(props ?? {}, { publiclyAccessible: true, storageEncrypted: false });
  for (const props of [bucket.inputs, bucket.outputs]) {
    if (!props) continue;
    delete props["tags"];
    props["forceDestroy"] = true;
  }
  delete orphan.parent;
  return copy;
}
