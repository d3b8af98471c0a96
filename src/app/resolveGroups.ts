import type { DirectoryPort } from '../ports';

/** Members of each Slack user group named, through the directory (reused for settings.directoryCacheSeconds: membership changes take effect within that time). */
export async function resolveGroups(directory: DirectoryPort, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const unique = [...new Set(groupIds)];
  const members = await Promise.all(unique.map((id) => directory.membersOf(id)));
  return new Map(unique.map((id, index) => [id, members[index] ?? []]));
}
