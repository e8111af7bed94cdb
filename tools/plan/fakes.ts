// What the cloud would answer, faked for the offline plan. Values only the cloud knows get recognisable
// placeholders (the AWS documentation account 123456789012, hosts under .placeholder.invalid); random values are
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

/** The part of a type token that names the AWS service: aws:kms/key:Key → kms. */
function awsService(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "service";
}

/** Outputs a provider would compute, per resource type. Inputs are echoed by the caller. */
export function fakeOutputs(type: string, name: string, inputs: Inputs, region: string): Inputs {
  const arnOf = (service: string, resource: string) => `arn:aws:${service}:${region}:${FAKE_ACCOUNT}:${resource}`;
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      const result = fakeText(name, Number(inputs.length ?? 32));
      return { result, bcryptHash: `$2a$10$${fakeText(`${name}-bcrypt`, 53)}` };
    }
    case "random:index/randomBytes:RandomBytes": {
      const bytes = digest(name, Number(inputs.length ?? 32));
      return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "random:index/randomId:RandomId": {
      const bytes = digest(name, Number(inputs.byteLength ?? 8));
      return { hex: bytes.toString("hex"), b64Url: bytes.toString("base64url"), b64Std: bytes.toString("base64"), dec: BigInt(`0x${bytes.toString("hex")}`).toString() };
    }
    // @pulumi/tls: placeholder PEM text (no key is generated offline; a real up generates one and keeps it in state).
    case "tls:index/privateKey:PrivateKey":
      return { privateKeyPem: `-----BEGIN PRIVATE KEY-----\nplaceholder ${name}\n-----END PRIVATE KEY-----\n`, publicKeyPem: `-----BEGIN PUBLIC KEY-----\nplaceholder ${name}\n-----END PUBLIC KEY-----\n` };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { certPem: `-----BEGIN CERTIFICATE-----\nplaceholder ${name}\n-----END CERTIFICATE-----\n`, validityEndTime: "2099-01-01T00:00:00Z" };
    case "aws:kms/key:Key":
      return { arn: arnOf("kms", `key/${name}-placeholder`), keyId: `${name}-placeholder` };
    case "aws:eks/cluster:Cluster":
      return {
        arn: arnOf("eks", `cluster/${str(inputs.name, name)}`),
        endpoint: `https://${name}.eks.${PLACEHOLDER_DOMAIN}`,
        certificateAuthority: { data: Buffer.from(`placeholder CA for ${name}`).toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/PLACEHOLDER${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}` }] }],
        vpcConfig: { ...(inputs.vpcConfig as Inputs | undefined), clusterSecurityGroupId: `sg-${name}-cluster-placeholder` },
        status: "ACTIVE",
      };
    case "aws:rds/instance:Instance":
      return {
        arn: arnOf("rds", `db:${name}`),
        address: `${name}.${region}.rds.${PLACEHOLDER_DOMAIN}`,
        endpoint: `${name}.${region}.rds.${PLACEHOLDER_DOMAIN}:5432`,
        port: 5432,
        masterUserSecrets: inputs.manageMasterUserPassword ? [{ secretArn: arnOf("secretsmanager", `secret:rds!db-${name}-placeholder`), kmsKeyId: inputs.masterUserSecretKmsKeyId ?? null, secretStatus: "active" }] : [],
      };
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return {
        arn: arnOf("elasticache", `replicationgroup:${name}`),
        primaryEndpointAddress: `master.${name}.${region}.cache.${PLACEHOLDER_DOMAIN}`,
        readerEndpointAddress: `replica.${name}.${region}.cache.${PLACEHOLDER_DOMAIN}`,
      };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      // A bucketPrefix gets a unique suffix from AWS (Pulumi's auto-naming does the same without one).
      const bucket = str(inputs.bucket, `${str(inputs.bucketPrefix, `${name}-`)}20261123placeholder`);
      return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.${PLACEHOLDER_DOMAIN}` };
    }
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:role/${str(inputs.name, name)}`, name: str(inputs.name, name) };
    case "aws:iam/policy:Policy":
      return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:policy/${str(inputs.name, name)}` };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { arn: `arn:aws:iam::${FAKE_ACCOUNT}:oidc-provider/${str(inputs.url, name).replace(/^https:\/\//, "")}` };
    case "aws:ecr/repository:Repository": {
      const repo = str(inputs.name, name);
      return { arn: arnOf("ecr", `repository/${repo}`), registryId: FAKE_ACCOUNT, repositoryUrl: `${FAKE_ACCOUNT}.dkr.ecr.${region}.${PLACEHOLDER_DOMAIN}/${repo}` };
    }
    case "docker:index/image:Image": {
      const imageName = str(inputs.imageName, name);
      return { repoDigest: `${imageName.replace(/:[^:/]+$/, "")}@sha256:${digest(imageName, 32).toString("hex")}`, baseImageName: imageName };
    }
    case "aws:secretsmanager/secret:Secret":
      return { arn: arnOf("secretsmanager", `secret:${str(inputs.name, name)}-PLCHLD`) };
    default:
      // Pulumi auto-names AWS resources that take a name: the resource name plus a random suffix.
      return type.startsWith("aws:") ? { arn: arnOf(awsService(type), `${name}`), name: str(inputs.name, `${name}-0a1b2c3`) } : {};
  }
}

/** Invokes the program may make, answered offline. An unknown invoke fails loudly instead of returning nothing. */
export function fakeCall(args: pulumi.runtime.MockCallArgs, region: string): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: FAKE_ACCOUNT, arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/placeholder`, userId: "PLACEHOLDER", id: FAKE_ACCOUNT };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return { userName: "AWS", password: "offline-plan-placeholder", authorizationToken: "placeholder", proxyEndpoint: `https://${FAKE_ACCOUNT}.dkr.ecr.${region}.${PLACEHOLDER_DOMAIN}`, expiresAt: "2099-01-01T00:00:00Z", id: region };
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
