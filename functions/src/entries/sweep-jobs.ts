// Deployable `sweepJobs`: parses its environment once at cold start (a bad variable stops the
// instance with its name) and registers the function Cloud Scheduler calls; SDK clients are
// created on first use.

import { loadRuntimeConfig } from "@genai-platform/definition/runtime-config";
import { http } from "@google-cloud/functions-framework";
import { createServices } from "../composition/services.ts";
import { sweepJobsFunction } from "../composition/sweep-endpoint.ts";

http("sweepJobs", sweepJobsFunction(createServices(loadRuntimeConfig("sweepJobs"))));
