import type { DirectoryPort } from '../ports';

/** Members of each Slack user group named, looked up now (membership changes take effect at once). */
export async function resolveGroups(directory: DirectoryPort, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const unique = [...new Set(groupIds)];
  const members = await Promise.all(unique.map((id) => directory.membersOf(id)));
  return new Map(unique.map((id, index) => [id, members[index] ?? []]));
}
