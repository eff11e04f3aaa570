// The media bucket's CORS configuration: browsers fetch signed URLs straight from the bucket, so
// the web origins may GET and HEAD its objects. infra sets it on the bucket; the local storage
// server answers CORS from the same rules, so a `fetch()` that works locally works deployed.

/** One entry of a bucket's `cors` list, in the fields Cloud Storage's bucket resource uses. */
export interface BucketCorsRule {
  origins: readonly string[];
  methods: readonly string[];
  /** Response headers a page may read (also the request headers a preflight may ask for). */
  responseHeaders: readonly string[];
  maxAgeSeconds: number;
}

export function mediaBucketCors(webOrigins: readonly string[]): BucketCorsRule[] {
  return [
    {
      origins: [...webOrigins],
      methods: ["GET", "HEAD"],
      responseHeaders: ["Content-Type", "Content-Length"],
      maxAgeSeconds: 3600,
    },
  ];
}
