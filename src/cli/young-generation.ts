import { setFlagsFromString } from 'node:v8';

/**
 * Stops V8 from growing its young generation beyond the size it starts with (1 MiB semi-spaces)
 * for the rest of the process. V8 grows it up to 16 MiB semi-spaces while a program allocates
 * fast, and a search that finds millions of rows allocates fast (each matched rate is parsed);
 * what it allocates dies young, so the bigger space bought nothing but memory: 14-20 MB more
 * peak RSS in the 5%-of-groups benchmark, at the same speed (docs/design.md). The size limit
 * itself (--max-semi-space-size) is read only when V8 starts; the growth factor is read each
 * time the space would grow, so it can be set here. Only the CLI calls this: a library must not
 * change its host's heap.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
