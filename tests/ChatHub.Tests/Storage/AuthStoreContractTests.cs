using System.Security.Cryptography;
using ChatHub.Accounts;
using ChatHub.Accounts.Sessions;
using ChatHub.Infrastructure;

namespace ChatHub.Tests.Storage;

/// <summary>
/// What every adapter's account stores must do beyond sign-up: user updates and paging, and refresh
/// tokens with their single use and revocation. Each test opens a store of its own.
/// </summary>
public abstract class AuthStoreContractTests
{
    protected abstract Task<StoreHost> OpenAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Both stores keep milliseconds; a time cut to them reads back equal.
    private static DateTimeOffset Now => TimeProvider.System.UtcNowMs();

    // Users

    [Fact]
    public async Task ANewNameIsStoredAndKeepsTheTokenVersion()
    {
        await using var host = await OpenAsync();
        var users = host.Get<IUserStore>();
        var user = await CreateUserAsync(users);
        var later = user.UpdatedAt.AddMinutes(1);

        var updated = await users.UpdateAsync(user.Id, new UserChanges(later, Name: "Bruce Wayne"), Ct);

        Assert.Equal(user with { Name = "Bruce Wayne", UpdatedAt = later }, updated);
        Assert.Equal(updated, await users.FindByIdAsync(user.Id, Ct));
    }

    [Fact]
    public async Task ANewPasswordOrRoleRaisesTheTokenVersion()
    {
        await using var host = await OpenAsync();
        var users = host.Get<IUserStore>();
        var user = await CreateUserAsync(users);

        var withPassword = await users.UpdateAsync(user.Id, new UserChanges(Now, PasswordHash: "new-hash"), Ct);
        var withRole = await users.UpdateAsync(user.Id, new UserChanges(Now, Role: Roles.Paid), Ct);

        Assert.Equal(("new-hash", Roles.Free, 1), (withPassword!.PasswordHash, withPassword.Role, withPassword.TokenVersion));
        Assert.Equal(("new-hash", Roles.Paid, 2), (withRole!.PasswordHash, withRole.Role, withRole.TokenVersion));
        Assert.Equal(withRole, await users.FindByIdAsync(user.Id, Ct));
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("not-an-id")]
    public async Task UpdatingAnUnknownUserChangesNothing(string id)
    {
        await using var host = await OpenAsync();
        var users = host.Get<IUserStore>();
        var bystander = await CreateUserAsync(users);

        Assert.Null(await users.UpdateAsync(id, new UserChanges(Now, Name: "Nobody", Role: Roles.Admin), Ct));
        Assert.Equal(bystander, await users.FindByIdAsync(bystander.Id, Ct));
    }

    [Fact]
    public async Task UsersAreListedInIdOrderOnePageAfterAnother()
    {
        await using var host = await OpenAsync();
        var users = host.Get<IUserStore>();
        var ids = Enumerable.Range(0, 5).Select(_ => Ids.New()).ToList();
        // Created out of order: the listing follows the ids, not the insertion.
        foreach (var id in ids.AsEnumerable().Reverse()) await CreateUserAsync(users, id);

        var first = await users.ListAsync(2, null, null, Ct);
        var second = await users.ListAsync(2, first[^1].Id, null, Ct);
        var last = await users.ListAsync(10, second[^1].Id, null, Ct);

        Assert.Equal(ids[..2], first.Select(u => u.Id));
        Assert.Equal(ids[2..4], second.Select(u => u.Id));
        Assert.Equal(ids[4..], last.Select(u => u.Id));
        Assert.Empty(await users.ListAsync(10, ids[^1], null, Ct));
    }

    [Fact]
    public async Task AQueryListsOnlyUsersWhoseEmailOrNameContainsItIgnoringCase()
    {
        await using var host = await OpenAsync();
        var users = host.Get<IUserStore>();
        var tag = Guid.NewGuid().ToString("N")[..10];
        var byEmail = await CreateUserAsync(users, email: $"{tag}.watson@example.com");
        var byName = await CreateUserAsync(users, name: $"Irene {tag.ToUpperInvariant()} Adler");
        await CreateUserAsync(users, name: "Mycroft Holmes");
        // Text to find, not a pattern: none of these characters may match anything else.
        var literal = await CreateUserAsync(users, name: $"{tag} 100%_.*");

        var found = await users.ListAsync(10, null, tag, Ct);
        var paged = await users.ListAsync(1, found[0].Id, tag.ToUpperInvariant(), Ct);

        Assert.Equal(new[] { byEmail, byName, literal }.Select(u => u.Id).Order(), found.Select(u => u.Id));
        Assert.Equal([found[1]], paged);
        Assert.Equal([literal], await users.ListAsync(10, null, $"{tag} 100%_.*", Ct));
        Assert.Empty(await users.ListAsync(10, null, $"{tag}%", Ct));
    }

    [Fact]
    public async Task TheTokenVersionReadsBackAsWritten()
    {
        await using var host = await OpenAsync();
        var users = host.Get<IUserStore>();

        var user = await CreateUserAsync(users, tokenVersion: 7);

        Assert.Equal(user, await users.FindByIdAsync(user.Id, Ct));
    }

    [Fact]
    public async Task ADeletedUserIsGoneAndNoOneElseIs()
    {
        await using var host = await OpenAsync();
        var users = host.Get<IUserStore>();
        var user = await CreateUserAsync(users);
        var bystander = await CreateUserAsync(users);

        Assert.True(await users.DeleteAsync(user.Id, Ct));

        Assert.Null(await users.FindByIdAsync(user.Id, Ct));
        Assert.Null(await users.FindByEmailAsync(user.Email, Ct));
        Assert.False(await users.DeleteAsync(user.Id, Ct));
        Assert.False(await users.DeleteAsync("not-an-id", Ct));
        Assert.Equal(bystander, await users.FindByIdAsync(bystander.Id, Ct));
        // The email is free again.
        Assert.True(await users.TryCreateAsync(user with { Id = Ids.New() }, Ct));
    }

    // Refresh tokens

    [Fact]
    public async Task ATokenIsFoundByItsHashOnly()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var token = NewToken();

        await tokens.CreateAsync(token, Ct);

        Assert.Equal(token, await tokens.FindAsync(token.TokenHash, Ct));
        Assert.Null(await tokens.FindAsync(NewHash(), Ct));
        Assert.False(await tokens.TryUseAsync(NewHash(), Now, Ct));
    }

    [Fact]
    public async Task ATokenCanBeUsedOnce()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var token = NewToken();
        await tokens.CreateAsync(token, Ct);

        Assert.True(await tokens.TryUseAsync(token.TokenHash, Now, Ct));
        Assert.False(await tokens.TryUseAsync(token.TokenHash, Now, Ct));

        Assert.Equal(token with { Used = true }, await tokens.FindAsync(token.TokenHash, Ct));
    }

    [Fact]
    public async Task OfConcurrentUsesOfOneTokenExactlyOneSucceeds()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var token = NewToken();
        await tokens.CreateAsync(token, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => tokens.TryUseAsync(token.TokenHash, Now, Ct), Ct)));

        Assert.Single(results, used => used);
    }

    [Fact]
    public async Task ARevokedOrExpiredTokenCannotBeUsed()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var revoked = NewToken() with { Revoked = true };
        var expired = NewToken() with { ExpiresAt = Now.AddSeconds(-1) };
        await tokens.CreateAsync(revoked, Ct);
        await tokens.CreateAsync(expired, Ct);

        Assert.False(await tokens.TryUseAsync(revoked.TokenHash, Now, Ct));
        Assert.False(await tokens.TryUseAsync(expired.TokenHash, Now, Ct));
    }

    [Fact]
    public async Task RevokingAFamilyRevokesEachOfItsTokensAndNoOthers()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var userId = Ids.New();
        var family = new[] { NewToken(userId) with { Used = true }, NewToken(userId) };
        family[1] = family[1] with { FamilyId = family[0].FamilyId };
        var otherSession = NewToken(userId);
        foreach (var token in family.Append(otherSession)) await tokens.CreateAsync(token, Ct);
        Assert.False(await tokens.IsFamilyRevokedAsync(family[0].FamilyId, Ct));

        await tokens.RevokeFamilyAsync(family[0].FamilyId, Ct);

        Assert.True(await tokens.IsFamilyRevokedAsync(family[0].FamilyId, Ct));
        foreach (var token in family) Assert.True((await tokens.FindAsync(token.TokenHash, Ct))!.Revoked);
        Assert.False(await tokens.IsFamilyRevokedAsync(otherSession.FamilyId, Ct));
        Assert.True(await tokens.TryUseAsync(otherSession.TokenHash, Now, Ct));
    }

    [Fact]
    public async Task RevokingAllOfAUsersTokensLeavesOtherUsersAlone()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var userId = Ids.New();
        var mine = new[] { NewToken(userId), NewToken(userId) };
        var theirs = NewToken();
        foreach (var token in mine.Append(theirs)) await tokens.CreateAsync(token, Ct);

        await tokens.RevokeAllAsync(userId, Ct);

        foreach (var token in mine)
        {
            Assert.False(await tokens.TryUseAsync(token.TokenHash, Now, Ct));
            Assert.True(await tokens.IsFamilyRevokedAsync(token.FamilyId, Ct));
        }
        Assert.True(await tokens.TryUseAsync(theirs.TokenHash, Now, Ct));
    }

    [Fact]
    public async Task DeletingAllOfAUsersTokensLeavesOtherUsersAlone()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var userId = Ids.New();
        var mine = new[] { NewToken(userId), NewToken(userId) with { Used = true } };
        var theirs = NewToken();
        foreach (var token in mine.Append(theirs)) await tokens.CreateAsync(token, Ct);

        await tokens.DeleteAllAsync(userId, Ct);

        foreach (var token in mine) Assert.Null(await tokens.FindAsync(token.TokenHash, Ct));
        Assert.Equal(theirs, await tokens.FindAsync(theirs.TokenHash, Ct));
    }

    [Fact]
    public async Task TheDeviceAndStartOfASessionReadBackAsWritten()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var token = NewToken() with { UserAgent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", SessionStartedAt = Now.AddDays(-3) };

        await tokens.CreateAsync(token, Ct);

        Assert.Equal(token, await tokens.FindAsync(token.TokenHash, Ct));
    }

    [Fact]
    public async Task OnlyTheUsersLiveTokensAreListedNewestFirst()
    {
        await using var host = await OpenAsync();
        var tokens = host.Get<IRefreshTokenStore>();
        var userId = Ids.New();
        var older = NewToken(userId) with { CreatedAt = Now.AddMinutes(-10), UserAgent = "older" };
        var used = NewToken(userId) with { Used = true };
        var newer = older with { Id = Ids.New(), TokenHash = NewHash(), CreatedAt = Now.AddMinutes(-1), UserAgent = "newer" };
        var revoked = NewToken(userId) with { Revoked = true };
        var expired = NewToken(userId) with { ExpiresAt = Now.AddSeconds(-1) };
        var otherSession = NewToken(userId) with { CreatedAt = Now.AddMinutes(-5) };
        var theirs = NewToken();
        foreach (var token in new[] { older, used, newer, revoked, expired, otherSession, theirs }) await tokens.CreateAsync(token, Ct);
        // The older token of the first session has been exchanged for the newer one.
        Assert.True(await tokens.TryUseAsync(older.TokenHash, Now, Ct));

        var live = await tokens.ListLiveAsync(userId, Now, Ct);

        Assert.Equal([newer, otherSession], live);
        Assert.Empty(await tokens.ListLiveAsync(Ids.New(), Now, Ct));
        Assert.Empty(await tokens.ListLiveAsync("not-an-id", Now, Ct));
        await tokens.RevokeFamilyAsync(newer.FamilyId, Ct);
        Assert.Equal([otherSession], await tokens.ListLiveAsync(userId, Now, Ct));
    }

    private static async Task<User> CreateUserAsync(
        IUserStore users, string? id = null, int tokenVersion = 0, string name = "John Doe", string? email = null)
    {
        var now = Now;
        var user = new User(id ?? Ids.New(), name, email ?? $"john.{Guid.NewGuid():N}@example.com", "pbkdf2-sha512$210000$c2FsdA==$aGFzaA==",
            Roles.Free, now, now, tokenVersion);
        Assert.True(await users.TryCreateAsync(user, Ct));
        return user;
    }

    private static RefreshToken NewToken(string? userId = null) =>
        new(Ids.New(), NewHash(), Ids.New(), userId ?? Ids.New(), Now, Now.AddDays(30));

    private static string NewHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

public sealed class SqliteAuthStoreContractTests : AuthStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.SqliteAsync();
}

/// <summary>Runs against the MongoDB server that CHATHUB_TEST_MONGODB names; skipped without it.</summary>
public sealed class MongoAuthStoreContractTests : AuthStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.MongoAsync();
}
