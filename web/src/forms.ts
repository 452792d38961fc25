/** The problem about `field`, matched by name or as the last part of a path (`environment.os`). */
export function problemFor<P extends { field: string }>(problems: readonly P[], field: string): P | undefined {
  return problems.find((p) => p.field === field || p.field.endsWith(`.${field}`));
}
