// Which strings Firestore accepts as one document id (one path segment). Ids built from outside
// values (a token's uid) are checked against it before any path is built, so a value the store
// would refuse is a 400 naming its field, and never reaches — or redirects — a document path.
// Source: https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields
import { isStorableText } from "@genai-platform/client/api";

const MAX_ID_BYTES = 1500;

/** Why `id` cannot be a Firestore document id, or undefined when it can. */
export function documentIdProblem(id: string): string | undefined {
  if (id.length === 0) return "is empty";
  if (id.includes("/")) return "contains a slash";
  if (id === "." || id === "..") return `is "${id}"`;
  if (/^__.*__$/.test(id)) return "matches __.*__, which Firestore reserves";
  if (!isStorableText(id)) return "is not valid Unicode text";
  if (new TextEncoder().encode(id).length > MAX_ID_BYTES) return `is longer than ${MAX_ID_BYTES} bytes`;
  return undefined;
}
