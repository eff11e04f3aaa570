// Pulumi entry point (`main` in Pulumi.yaml): validate the stack's config, build the platform,
// and export its outputs (function URLs, buckets, dataset, queues).
import { loadStackConfig } from "./config.ts";
import { definePlatform } from "./program.ts";

export default async () => definePlatform(loadStackConfig());
