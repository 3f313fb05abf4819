// Defines custom elements that are not defined yet: safe to call more than once, e.g. from two bundles.
export function registerElements(elements: Record<string, CustomElementConstructor>, registry: CustomElementRegistry = customElements): void {
  for (const [tag, ctor] of Object.entries(elements)) if (!registry.get(tag)) registry.define(tag, ctor);
}
