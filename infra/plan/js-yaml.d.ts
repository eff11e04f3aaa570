// js-yaml ships no types; it is installed as a dependency of @pulumi/pulumi. Only `load` is used.
declare module "js-yaml" {
  export function load(text: string): unknown;
  const yaml: { load: typeof load };
  export default yaml;
}
