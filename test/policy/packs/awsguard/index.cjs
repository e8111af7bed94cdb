// Pulumi's own public AWS pack, as its README has users instantiate it.
const { AwsGuard } = require("@pulumi/awsguard");
new AwsGuard({ all: "mandatory" });
