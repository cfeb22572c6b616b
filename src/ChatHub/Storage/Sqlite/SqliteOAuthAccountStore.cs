using ChatHub.Accounts.OAuth;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

public sealed class SqliteOAuthAccountStore(SqliteDatabase db) : IOAuthAccountStore
{
    private const string Columns =
        "id, user_id, provider, provider_user_id, email, access_token, refresh_token, access_token_expires_at, created_at, updated_at";

    /// <summary>The table's two UNIQUE constraints decide races: one link per provider account, one per provider per user.</summary>
    public async Task<bool> TryCreateAsync(OAuthAccount account, CancellationToken cancellationToken)
    {
        try
        {
            await db.ExecuteAsync(
                $"INSERT INTO oauth_accounts ({Columns}) VALUES ($id, $user, $provider, $subject, $email, $access, $refresh, $expires, $created, $updated)",
                cancellationToken,
                ("$id", account.Id), ("$user", account.UserId), ("$provider", account.Provider), ("$subject", account.ProviderUserId),
                ("$email", account.Email), ("$access", account.Tokens.AccessToken), ("$refresh", account.Tokens.RefreshToken),
                ("$expires", account.Tokens.AccessTokenExpiresAt?.ToMs()), ("$created", account.CreatedAt.ToMs()), ("$updated", account.UpdatedAt.ToMs()));
            return true;
        }
        catch (SqliteException ex) when (ex.IsUniqueViolation())
        {
            return false;
        }
    }

    public async Task<OAuthAccount?> FindAsync(string provider, string providerUserId, CancellationToken cancellationToken) =>
        (await QueryAsync("provider = $provider AND provider_user_id = $subject", cancellationToken,
            ("$provider", provider), ("$subject", providerUserId))).SingleOrDefault();

    public Task<IReadOnlyList<OAuthAccount>> ListAsync(string userId, CancellationToken cancellationToken) =>
        QueryAsync("user_id = $user ORDER BY provider", cancellationToken, ("$user", userId));

    public Task UpdateTokensAsync(string id, ProviderTokens tokens, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        db.ExecuteAsync(
            """
            UPDATE oauth_accounts SET access_token = $access, refresh_token = COALESCE($refresh, refresh_token),
                                      access_token_expires_at = $expires, updated_at = $updated
            WHERE id = $id
            """,
            cancellationToken,
            ("$id", id), ("$access", tokens.AccessToken), ("$refresh", tokens.RefreshToken),
            ("$expires", tokens.AccessTokenExpiresAt?.ToMs()), ("$updated", updatedAt.ToMs()));

    public async Task<bool> DeleteAsync(string userId, string provider, CancellationToken cancellationToken) =>
        await db.ExecuteAsync("DELETE FROM oauth_accounts WHERE user_id = $user AND provider = $provider", cancellationToken,
            ("$user", userId), ("$provider", provider)) == 1;

    public Task DeleteForUserAsync(string userId, CancellationToken cancellationToken) =>
        db.ExecuteAsync("DELETE FROM oauth_accounts WHERE user_id = $user", cancellationToken, ("$user", userId));

    private async Task<IReadOnlyList<OAuthAccount>> QueryAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM oauth_accounts WHERE {where}", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<OAuthAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var tokens = new ProviderTokens(reader.GetNullableString(5), reader.GetNullableString(6),
                reader.IsDBNull(7) ? null : reader.GetTime(7));
            list.Add(new OAuthAccount(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetNullableString(4), tokens, reader.GetTime(8), reader.GetTime(9)));
        }
        return list;
    }
}
