// Runs a compiled consumer program under Pulumi's mocks from inside the consumer's folder, so every module
// (the package, @pulumi/pulumi, the providers) resolves from the consumer's node_modules as it would in
// `pulumi preview`. Prints one JSON line: the stack outputs and every resource registered.
// Usage: node run-under-mocks.cjs <program.js> <project> <stack>
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

const [programPath, project, stack] = process.argv.slice(2);
const registered = [];
pulumi.runtime.setMocks({
  newResource(args) {
    registered.push({ type: args.type, name: args.name });
    // Values only the provider computes (a random password, the in-cluster Postgres's key and certificate): give each
    // one, as the engine would.
    const computed = {
      "random:index/randomPassword:RandomPassword": { result: "mock-password" },
      "tls:index/privateKey:PrivateKey": { privateKeyPem: "mock-private-key", publicKeyPem: "mock-public-key" },
      "tls:index/selfSignedCert:SelfSignedCert": { certPem: "mock-certificate" },
    }[args.type];
    const state = computed ? { ...args.inputs, ...computed } : args.inputs;
    return { id: `${args.name}-id`, state };
  },
  call(args) {
    return args.inputs;
  },
}, project, stack, false);

(async () => {
  const program = require(path.resolve(programPath));
  const outputs = {};
  for (const [name, value] of Object.entries(program)) {
    outputs[name] = await new Promise((resolve) => pulumi.output(value).apply(resolve));
  }
  await pulumi.runtime.disconnect();
  process.stdout.write(`${JSON.stringify({ outputs, registered })}\n`);
})().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
