using ChatHub.Accounts;
using ChatHub.Accounts.OAuth;
using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Characters;
using ChatHub.Conversations;
using ChatHub.Email;
using ChatHub.Usage;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

public static class SqliteExtensions
{
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(new SqliteDatabase(connectionString));
        services.AddSingleton<IStoreLifecycle>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<SqliteAppendBatcher>();
        services.AddSingleton<IUserStore, SqliteUserStore>();
        services.AddSingleton<IRefreshTokenStore, SqliteRefreshTokenStore>();
        services.AddSingleton<IOAuthAccountStore, SqliteOAuthAccountStore>();
        services.AddSingleton<IOAuthLoginCodeStore, SqliteOAuthLoginCodeStore>();
        services.AddSingleton<ICharacterStore, SqliteCharacterStore>();
        services.AddSingleton<IConversationStore, SqliteConversationStore>();
        services.AddSingleton<ITwoFactorStore, SqliteTwoFactorStore>();
        services.AddSingleton<IMailOutbox, SqliteMailOutbox>();
        services.AddSingleton<IUsageStore, SqliteUsageStore>();
        foreach (var kind in Enum.GetValues<OneTimeTokenKind>())
        {
            services.AddKeyedSingleton<IOneTimeTokenStore>(kind, (sp, _) => new SqliteOneTimeTokenStore(sp.GetRequiredService<SqliteDatabase>(), kind));
        }
        return services;
    }

    internal static SqliteCommand Command(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.Bind(parameters);
    }

    /// <summary>Sets the command's parameters; a command run again with new values keeps its prepared statement.</summary>
    internal static SqliteCommand Bind(this SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            if (command.Parameters.Contains(name)) command.Parameters[name].Value = value ?? DBNull.Value;
            else command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    internal static long ToMs(this DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    internal static DateTimeOffset GetTime(this SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    internal static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static bool IsUniqueViolation(this SqliteException ex) =>
        ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */ && ex.SqliteExtendedErrorCode is 2067 or 1555;
}
