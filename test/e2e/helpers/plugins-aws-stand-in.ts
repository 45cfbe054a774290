/**
 * PATH control for the ECR tests. AWS cannot be reached from here, so the
 * `aws` CLI is either kept off PATH (this machine may have a real one, and
 * other machines may not: neither may decide a test) or replaced by a
 * stand-in that answers `aws --version` and the two ECR calls push-images
 * makes, from a list of repositories that "exist", and records each call.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findOnPath } from "../../bed/tool-path.ts";
import { useBed } from "./bed.ts";
import { testDir } from "./local-tools.ts";

/** `path` (by default the bed's PATH) without any directory that holds an `aws` command. */
export function pathWithoutAws(path = useBed().env.PATH ?? ""): string {
  return path
    .split(delimiter)
    .filter((dir) => !findOnPath("aws", dir))
    .join(delimiter);
}

export interface AwsStandIn {
  /** PATH with the stand-in first and no other aws. */
  path: string;
  /** The argument lines it was run with. */
  calls: () => string[];
}

/**
 * `existing`: repository names describe-repositories finds; all others are
 * "not found". `basePath`: what follows the stand-in on PATH (e.g. a tool spy's PATH).
 */
export function awsStandIn(existing: readonly string[], basePath?: string): AwsStandIn {
  const dir = testDir();
  const log = join(dir, "aws.calls");
  const script = join(dir, "aws");
  // The messages are the real CLI's, so the tool's matching of them is exercised.
  writeFileSync(
    script,
    `#!/bin/sh
echo "$*" >> '${log}'
case "$1" in
  --version) echo "aws-cli/2.15.0 (stand-in for tests)"; exit 0 ;;
esac
case "$2" in
  describe-repositories)
    while [ $# -gt 0 ]; do [ "$1" = --repository-names ] && name="$2"; shift; done
    case " ${existing.join(" ")} " in
      *" $name "*) echo '{"repositories": [{"repositoryName": "'"$name"'"}]}'; exit 0 ;;
    esac
    echo "An error occurred (RepositoryNotFoundException) when calling the DescribeRepositories operation: The repository with name '$name' does not exist in the registry with id '123456789012'" >&2
    exit 254 ;;
  create-repository) echo '{"repository": {}}'; exit 0 ;;
esac
echo "aws stand-in: unexpected call: $*" >&2
exit 2
`,
  );
  chmodSync(script, 0o755);
  return {
    path: `${dir}${delimiter}${pathWithoutAws(basePath)}`,
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
  };
}
