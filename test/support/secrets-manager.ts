// A stand-in for the Secrets Manager API's one call the Jobs make, GetSecretValue, for the real AWS CLI to talk to
// (--endpoint-url): the AWS JSON 1.1 protocol (POST /, X-Amz-Target: secretsmanager.GetSecretValue, a JSON body
// with SecretId), as the CLI's own service model describes it (Debian awscli 2.9.19: /usr/lib/python3/dist-packages/awscli/botocore/data/secretsmanager/2017-10-17/service-2.json, metadata:
// "protocol":"json", "jsonVersion":"1.1", "targetPrefix":"secretsmanager"). What IAM, KMS and IRSA do is not
// modelled here: test/backup/admin-secret.test.ts evaluates the role's policy with iam-simulate instead.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SecretsManagerCall {
  target: string;
  secretId: string;
  /** The SigV4 credential scope's service, from the Authorization header (the CLI signed for secretsmanager). */
  signedService: string | undefined;
}

export interface FakeSecretsManager {
  readonly endpoint: string;
  readonly calls: SecretsManagerCall[];
  /** Sets (or replaces: a rotation) the SecretString of a secret ARN. */
  put(arn: string, secretString: string): void;
  stop(): Promise<void>;
}

export async function startSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, string>();
  const calls: SecretsManagerCall[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => { body += chunk; });
    request.on("end", () => {
      const target = String(request.headers["x-amz-target"] ?? "");
      const signedService = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization ?? ""))?.[1];
      let secretId = "";
      try {
        const id = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
        secretId = typeof id === "string" ? id : "";
      } catch {
        // an unreadable body: answered below as not found
      }
      calls.push({ target, secretId, signedService });
      const reply = (status: number, payload: unknown): void => {
        response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify(payload));
      };
      const value = secrets.get(secretId);
      if (target !== "secretsmanager.GetSecretValue") return reply(400, { __type: "InvalidRequestException", message: `unsupported ${target}` });
      if (value === undefined) return reply(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." });
      return reply(200, { ARN: secretId, Name: secretId.split(":").at(-1), SecretString: value, VersionId: "v1", VersionStages: ["AWSCURRENT"], CreatedDate: 1764700000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    put: (arn, value) => { secrets.set(arn, value); },
    stop: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
