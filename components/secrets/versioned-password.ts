import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * A generated alphanumeric password that a version number rotates. Version 1 sets no keepers, so stacks made before
 * the version keys keep their password; any other version replaces it ("keepers: Arbitrary map of values that, when
 * changed, will trigger recreation of resource", @pulumi/random@4.21.2 randomPassword.d.ts:55). Alphanumeric: it
 * travels in HTTP headers, URIs and shell commands without quoting trouble.
 */
export function versionedPassword(name: string, version: number, opts: pulumi.CustomResourceOptions): random.RandomPassword {
  return new random.RandomPassword(name, { length: 40, special: false, ...(version === 1 ? {} : { keepers: { version: String(version) } }) }, opts);
}
