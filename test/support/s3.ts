// A real, throwaway S3-compatible server for a test or a benchmark: s3rver (a devDependency), in this process, on
// 127.0.0.1 only, on a free port, storing objects in a temp dir, with one bucket created. The caller stops it
// (afterAll), which also removes the temp dir.
//
// The server runs on this process's event loop: whatever talks to it from a child process (the AWS CLI) must be
// spawned asynchronously (child_process.spawn), never with spawnSync, or the server cannot answer.
//
// s3rver ships no type declarations, and `npm run build` compiles tools/bench (which uses this file) without the
// tests' files: so the module is loaded through createRequire and typed here, with only what is used.
import type { IncomingMessage, Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freeLocalPort } from "./net";

interface S3rverOptions {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
  httpServer?: Server;
}

type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

/** The environment the AWS CLI needs for s3rver: its fixed default credentials, a region, and no instance metadata
 * lookups. */
export const S3RVER_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true",
};

/** One HTTP request as the server received it. */
export interface S3Request {
  method: string;
  /** Path and query, e.g. /bucket/key?partNumber=1&uploadId=... */
  url: string;
}

export interface S3Server {
  /** e.g. http://127.0.0.1:41234: what S3_ENDPOINT_URL (--endpoint-url) takes. */
  readonly endpoint: string;
  readonly port: number;
  readonly bucket: string;
  /** Calls `listener` for every request as it arrives; returns a function that unsubscribes it. */
  onRequest(listener: (request: S3Request) => void): () => void;
  /** An outage: stops listening and cuts every open connection, requests in flight included (clients see a reset,
   * then "connection refused"). The objects stay; `resume()` serves them again on the same port. */
  halt(): Promise<void>;
  /** Listens again on the same port after `halt()`. */
  resume(): Promise<void>;
  /** The keys under `prefix`, sorted (ListObjectsV2, up to 1000). */
  listKeys(prefix: string): Promise<string[]>;
  /** The object's bytes, or undefined when there is no such object. */
  getObject(key: string): Promise<Buffer | undefined>;
  /** Stores `body` at `key`, replacing any object there. */
  putObject(key: string, body: Buffer | string): Promise<void>;
  /** Halts the server and removes its temp dir; safe to call twice. */
  stop(): Promise<void>;
}


function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_match, name: string) =>
    ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[name] ?? "");
}

/** Starts s3rver with bucket `bucket` (default "backups"); the caller must `stop()` it. */
export async function startS3(options: { bucket?: string } = {}): Promise<S3Server> {
  const bucket = options.bucket ?? "backups";
  const S3rver = createRequire(__filename)("s3rver") as S3rverConstructor;
  const directory = mkdtempSync(path.join(tmpdir(), "s3test-"));
  const listeners = new Set<(request: S3Request) => void>();
  let running: S3rverInstance | undefined;

  const launch = async (port: number): Promise<void> => {
    const instance = new S3rver({ address: "127.0.0.1", port, directory, silent: true, configureBuckets: [{ name: bucket }] });
    await instance.run();
    const httpServer = instance.httpServer;
    if (httpServer === undefined) throw new Error("s3rver started without an HTTP server");
    httpServer.on("request", (request: IncomingMessage) => {
      const seen: S3Request = { method: request.method ?? "", url: request.url ?? "" };
      for (const listener of listeners) listener(seen);
    });
    running = instance;
  };

  let port = 0;
  let lastFailure: unknown;
  for (let attempt = 0; attempt < 3 && running === undefined; attempt++) {
    port = await freeLocalPort();
    try {
      await launch(port);
    } catch (error) {
      lastFailure = error;
    }
  }
  if (running === undefined) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`s3rver did not start on 127.0.0.1: ${String(lastFailure)}`);
  }

  const endpoint = `http://127.0.0.1:${port}`;
  const url = (key: string): string => `${endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
  const halt = async (): Promise<void> => {
    const instance = running;
    if (instance === undefined) return;
    running = undefined;
    const closed = instance.close();
    instance.httpServer?.closeAllConnections();
    await closed;
  };
  let removed = false;

  // Plain unsigned S3 REST calls: s3rver serves anonymous requests.
  return {
    endpoint,
    port,
    bucket,
    onRequest(listener: (request: S3Request) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    halt,
    async resume(): Promise<void> {
      if (running === undefined) await launch(port);
    },
    async listKeys(prefix: string): Promise<string[]> {
      const response = await fetch(`${endpoint}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
      const body = await response.text();
      if (!response.ok) throw new Error(`listing ${prefix} failed: HTTP ${response.status} ${body}`);
      return [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => decodeXml(match[1] ?? "")).sort();
    },
    async getObject(key: string): Promise<Buffer | undefined> {
      const response = await fetch(url(key));
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`GET ${key} failed: HTTP ${response.status} ${await response.text()}`);
      return Buffer.from(await response.arrayBuffer());
    },
    async putObject(key: string, body: Buffer | string): Promise<void> {
      const response = await fetch(url(key), { method: "PUT", body: typeof body === "string" ? body : new Uint8Array(body) });
      if (!response.ok) throw new Error(`PUT ${key} failed: HTTP ${response.status} ${await response.text()}`);
    },
    async stop(): Promise<void> {
      try {
        await halt();
      } finally {
        if (!removed) {
          removed = true;
          rmSync(directory, { recursive: true, force: true });
        }
      }
    },
  };
}
