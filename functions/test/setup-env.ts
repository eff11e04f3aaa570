// Keeps Google libraries from probing the GCE metadata server during tests.
process.env.METADATA_SERVER_DETECTION = "none";
process.env.GOOGLE_CLOUD_DISABLE_DIRECT_PATH = "true";
