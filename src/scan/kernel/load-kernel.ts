/** The part of the WebAssembly global the kernels use (the project's lib settings omit its types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
const compiled = new Map<string, object | null>();

/**
 * A new instance of a kernel shipped as base64 (compiled once per thread), or undefined where the
 * runtime lacks WebAssembly SIMD128; callers then keep their JavaScript path.
 */
export function instantiateKernel<Exports>(base64: string): Exports | undefined {
  let module = compiled.get(base64);
  if (module === undefined) {
    const binary = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    module = webAssembly?.validate(binary) ? new webAssembly.Module(binary) : null;
    compiled.set(base64, module);
  }
  return module === null ? undefined : (new webAssembly!.Instance(module, {}).exports as Exports);
}
