namespace ChatHub.Accounts.Deletion;

/// <summary>
/// One feature's part in deleting an account: it removes what that feature keeps of the user. Each feature
/// registers its own (<see cref="UserDataEraserExtensions.AddUserDataEraser"/>), so deletion need not know them all.
/// </summary>
/// <param name="What">Names the data in logs.</param>
public sealed record UserDataEraser(string What, Func<string, CancellationToken, Task> EraseAsync);

public static class UserDataEraserExtensions
{
    /// <param name="erase">Given the services, what erases a user's data of this kind, by user id.</param>
    public static IServiceCollection AddUserDataEraser(
        this IServiceCollection services, string what, Func<IServiceProvider, Func<string, CancellationToken, Task>> erase) =>
        services.AddSingleton(sp => new UserDataEraser(what, erase(sp)));
}
