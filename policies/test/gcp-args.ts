// Reads the argument names of a @pulumi/gcp resource from its type declarations, so tables in the
// pack (label inputs, IAM resource keys) are checked against the provider version actually installed.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const GCP_ROOT = dirname(createRequire(import.meta.url).resolve("@pulumi/gcp/package.json"));

/** `gcp:cloudrunv2/serviceIamMember:ServiceIamMember` -> the input names of `ServiceIamMemberArgs`. */
export function gcpArgNames(typeToken: string): string[] {
  const [, module, className] = typeToken.match(/^gcp:([^:]+):(\w+)$/) ?? [];
  if (!module || !className) throw new Error(`not a gcp type token: ${typeToken}`);
  // Some modules are stored lower-cased (`projects/iammember.d.ts` for `projects/iAMMember`).
  const [folder, file] = module.split("/") as [string, string];
  const wanted = `${file}.d.ts`.toLowerCase();
  const found = readdirSync(join(GCP_ROOT, folder)).find((name) => name.toLowerCase() === wanted);
  if (!found) throw new Error(`no declarations for ${typeToken}`);
  const text = readFileSync(join(GCP_ROOT, folder, found), "utf8");
  const start = text.indexOf(`export interface ${className}Args {`);
  if (start < 0) throw new Error(`${className}Args not found for ${typeToken}`);
  const body = text.slice(start, text.indexOf("\n}", start));
  return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!);
}
