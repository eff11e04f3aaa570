// Creates a value on first use and keeps it: SDK clients cost hundreds of milliseconds to load, so
// a cold start pays only for the ones the request path actually touches.
export function lazy<T>(create: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: create() };
    return value.v;
  };
}
