// The locations this program can deploy to, per service, so a stack config naming another one (or a
// typo) stops before any resource is declared. From Google's location lists; extend them here when a
// region gains every service the platform needs.
// https://cloud.google.com/functions/docs/locations, https://cloud.google.com/firestore/docs/locations,
// https://cloud.google.com/bigquery/docs/locations, https://cloud.google.com/vertex-ai/docs/general/locations

/** Cloud Functions Gen 2 regions that also offer Cloud Tasks (functions and queues share `gcp:region`). */
export const FUNCTION_REGIONS = [
  "africa-south1",
  "asia-east1",
  "asia-east2",
  "asia-northeast1",
  "asia-northeast2",
  "asia-northeast3",
  "asia-south1",
  "asia-south2",
  "asia-southeast1",
  "asia-southeast2",
  "australia-southeast1",
  "australia-southeast2",
  "europe-central2",
  "europe-north1",
  "europe-southwest1",
  "europe-west1",
  "europe-west2",
  "europe-west3",
  "europe-west4",
  "europe-west6",
  "europe-west8",
  "europe-west9",
  "europe-west10",
  "europe-west12",
  "me-central1",
  "me-central2",
  "me-west1",
  "northamerica-northeast1",
  "northamerica-northeast2",
  "southamerica-east1",
  "southamerica-west1",
  "us-central1",
  "us-east1",
  "us-east4",
  "us-east5",
  "us-south1",
  "us-west1",
  "us-west2",
  "us-west3",
  "us-west4",
] as const;

/** Firestore: the multi-regions, and any of the regions above. */
export const FIRESTORE_LOCATIONS = ["eur3", "nam5", "nam7", ...FUNCTION_REGIONS] as const;

/** BigQuery: the EU and US multi-regions, and any of the regions above. */
export const DATASET_LOCATIONS = ["EU", "US", ...FUNCTION_REGIONS] as const;

/** Vertex AI: `global` (where the Gemini 3 and Veo 3.1 previews are served) and regional endpoints. */
export const VERTEX_LOCATIONS = ["global", ...FUNCTION_REGIONS] as const;
