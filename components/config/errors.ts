import * as pulumi from "@pulumi/pulumi";

/** One rejected config value: the key, what was given (never a secret's value) and what is allowed. */
export interface ConfigIssue {
  /** Full key as `pulumi config` shows it, e.g. `agent-platform:database.mode`. */
  key: string;
  /** The rejected value, rendered for a human; `[secret]` for secret keys; undefined when the key is missing. */
  value: string | undefined;
  message: string;
}

/**
 * Thrown before any resource is registered when the stack configuration is invalid. A RunError, so `pulumi up`
 * prints the message without a stack trace; the offline plan exits 2 on it.
 */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly issues: ConfigIssue[]) {
    super(ConfigError.render(issues));
    this.name = "ConfigError";
  }

  private static render(issues: ConfigIssue[]): string {
    const lines = issues.map((i) => `  ${i.key}${i.value === undefined ? "" : ` = ${i.value}`}: ${i.message}`);
    const noun = issues.length === 1 ? "problem" : "problems";
    return [`Invalid stack configuration (${issues.length} ${noun}); nothing was deployed:`, ...lines].join("\n");
  }
}
