/** Who a conversion takes access from, as the authority decision names people. Pure, and free of imports (the authority's kind rules use it). */

/** The lower-cased emails of the members a conversion removes: they never count as its approvers (SPEC §11). */
export function conversionSubjects(members: readonly string[]): string[] {
  return members.flatMap((member) => {
    const at = member.indexOf(':');
    return at > 0 ? [member.slice(at + 1).toLowerCase()] : [];
  });
}
