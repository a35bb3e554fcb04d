import { type ParsedVariantName, parseVariantName, variantName } from "../../images/naming.js";
import { defineVariants, specHash, type VariantSpec } from "../../images/spec.js";

export interface DeclaredVariant extends ParsedVariantName {
  spec: VariantSpec;
  /**
   * The name is exactly the one `variantName` gives (extension included), so
   * it is a name the variant handler may render under.
   */
  exact: boolean;
}

/**
 * The declared variant `name` stands for, or `null`. A declared variant's
 * name carries its spec's current hash, so the URL names one rendering for
 * good and may be cached as immutable, however the file was made (at upload
 * or on first request). A name whose original is itself variant-shaped is
 * not one: a variant is never an original.
 */
export function declaredVariant(
  name: string,
  specs: Readonly<Record<string, VariantSpec>>,
): DeclaredVariant | null {
  const parsed = parseVariantName(name);
  if (parsed === null || !Object.hasOwn(specs, parsed.variant)) return null;
  const spec = specs[parsed.variant]!;
  if (parsed.hash !== specHash(spec)) return null;
  if (parseVariantName(parsed.original) !== null) return null;
  return { ...parsed, spec, exact: variantName(parsed.original, parsed.variant, spec) === name };
}

/**
 * `.<variant>-<hash>` of every variant declared in `images.variants`, for
 * configs that must recognise their names (nginx).
 */
export function declaredSuffixes(variants: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(defineVariants(variants)).map(
    ([variant, spec]) => `.${variant}-${specHash(spec)}`,
  );
}
