// Spec: located resources sit in allowed locations.
import { policySpec } from "../../test/check.ts";
import { bucket, dataset, firestore, fn, queue, withInput } from "../../test/fixtures.ts";
import { gcpAllResourcesAllowedLocations as policy } from "./gcp-all-resources-allowed-locations.ts";

policySpec(
  policy,
  () => [fn(), queue(), withInput(bucket(), "location", "EUROPE-WEST1"), dataset(), firestore()],
  [
    {
      change: "a function in us-central1",
      resources: [withInput(fn(), "location", "us-central1")],
      expected: "location us-central1 is not one of europe-west1, eur3, EU",
    },
    {
      change: "a queue in asia-east1",
      resources: [withInput(queue(), "location", "asia-east1")],
      expected: "platform-image-jobs: location asia-east1",
    },
    { change: "a dataset in US", resources: [withInput(dataset(), "location", "US")], expected: "location US" },
    {
      change: "Firestore in nam5",
      resources: [withInput(firestore(), "locationId", "nam5")],
      expected: "locationId nam5",
    },
  ],
  { allowedLocations: ["europe-west1", "eur3", "EU"] },
);
