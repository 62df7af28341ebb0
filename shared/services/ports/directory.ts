/** A user as the directory knows them. */
export interface DirectoryUser {
  readonly id: string;
  readonly displayName?: string;
  readonly userPrincipalName?: string;
}

/**
 * The live directory (Microsoft Graph). Throws UpstreamError when it cannot answer, so that
 * callers fail closed.
 */
export interface Directory {
  /** Which of `groupIds` the user is a member of, transitively. */
  checkMemberGroups(userId: string, groupIds: readonly string[]): Promise<string[]>;
  /** The user, or undefined if there is no such user. */
  getUser(userId: string): Promise<DirectoryUser | undefined>;
}
