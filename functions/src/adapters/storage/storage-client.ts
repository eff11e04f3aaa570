// Builds the one Storage client a function uses: Google's endpoint with Application Default
// Credentials in the cloud, or the local storage server with its local signing key.
import { Storage } from "@google-cloud/storage";
import { z } from "zod";

export interface StorageSigner {
  clientEmail: string;
  privateKey: string;
}

export interface CreateStorageOptions {
  project: string;
  /** Base URL of the local storage server (STORAGE_EMULATOR_HOST); only under PLATFORM_ENV=local. */
  emulatorBaseUrl?: string;
  /** The key signed URLs are made with locally (see fetchLocalSigner); required with emulatorBaseUrl. */
  signer?: StorageSigner;
}

export function createStorage(options: CreateStorageOptions): Storage {
  if (options.emulatorBaseUrl === undefined) {
    // ADC. On Cloud Functions the credentials hold no private key, so the SDK signs V4 URLs through
    // the IAM Credentials signBlob API as the function's own service account. That is why the
    // definition's `sign` bucket access grants the account Token Creator on itself (self-scoped).
    return new Storage({ projectId: options.project });
  }
  if (options.signer === undefined) {
    throw new Error("a local storage endpoint needs the local signer (fetchLocalSigner) to sign URLs");
  }
  // Credentials with a private key make the SDK run its own V4 signing code offline. It builds signed
  // URLs on `apiEndpoint` in path style (`/<bucket>/<object>`), so they point at the local server;
  // `cname` would drop the bucket from the path, which the local server could not route.
  // google-auth-library warns that `credentials` is deprecated (a caution about key JSON from
  // untrusted sources); this key comes from our own loopback server and is the only way the SDK
  // both signs locally and knows the signer's email without a metadata server.
  return new Storage({
    projectId: options.project,
    apiEndpoint: options.emulatorBaseUrl,
    credentials: { client_email: options.signer.clientEmail, private_key: options.signer.privateKey },
  });
}

const signerSchema = z.object({ clientEmail: z.email(), privateKey: z.string().includes("PRIVATE KEY") });

/**
 * Reads the local storage server's signing key (served at `/__local/signing-key`, which only the
 * local server has). Composition code calls it only when STORAGE_EMULATOR_HOST is set.
 */
export async function fetchLocalSigner(emulatorBaseUrl: string): Promise<StorageSigner> {
  const url = new URL("/__local/signing-key", emulatorBaseUrl);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`local storage signing key: ${url} answered ${response.status}`);
  return signerSchema.parse(await response.json());
}
