using System.Net.Http.Json;
using ChatHub.Contracts;
using OtpNet;

namespace ChatHub.Tests.Support;

/// <summary>The REST calls of the 2FA, reset and deletion tests, and an authenticator app's arithmetic.</summary>
public static class AccountSecurityCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What an authenticator shows for the secret at the clock's now plus <paramref name="offset"/>.</summary>
    public static string Code(string secret, TimeProvider? clock = null, TimeSpan offset = default) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp((clock ?? TimeProvider.System).GetUtcNow().UtcDateTime + offset);

    /// <summary>
    /// The code of the next 30-second step: confirming used the current step up, and a code of the next one is
    /// accepted (one step of drift is allowed), so a test needs not wait for the clock.
    /// </summary>
    public static string NextCode(string secret, TimeProvider? clock = null) => Code(secret, clock, TimeSpan.FromSeconds(30));

    /// <summary>Enrols and confirms with the current code: two-factor authentication is on.</summary>
    public static async Task<(string Secret, IReadOnlyList<string> BackupCodes)> EnableTwoFactorAsync(this TestUser user, TimeProvider? clock = null)
    {
        using var http = user.Http();
        var setup = await (await http.PostAsJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = user.Password }, Ct)).ReadAsync<TwoFactorSetup>();
        var confirm = await http.PostAsJsonAsync(Routes.MyTwoFactorConfirm, new TwoFactorCodeRequest { Code = Code(setup.Secret, clock) }, Ct);
        confirm.EnsureSuccessStatusCode();
        return (setup.Secret, (await confirm.ReadAsync<TwoFactorBackupCodes>()).BackupCodes);
    }

    public static async Task<HttpResponseMessage> LoginAsync(this ChatServer server, string email, string password)
    {
        using var http = server.CreateHttpClient();
        return await http.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = email, Password = password }, Ct);
    }

    /// <summary>The first step of a sign-in that must ask for a second factor.</summary>
    public static async Task<SecondFactorChallenge> ChallengeAsync(this TestUser user)
    {
        var response = await user.Server.LoginAsync(user.Email, user.Password);
        response.EnsureSuccessStatusCode();
        var challenge = await response.ReadAsync<SecondFactorChallenge>();
        Assert.True(challenge.SecondFactorRequired);
        return challenge;
    }

    public static async Task<HttpResponseMessage> SecondFactorAsync(this ChatServer server, string token, string code)
    {
        using var http = server.CreateHttpClient();
        return await http.PostAsJsonAsync(Routes.LoginSecondFactor, new SecondFactorLoginRequest { SecondFactorToken = token, Code = code }, Ct);
    }

    public static async Task<HttpResponseMessage> PostJsonAsync<T>(this ChatServer server, string route, T body, string? accessToken = null)
    {
        using var http = server.CreateHttpClient(accessToken);
        return await http.PostAsJsonAsync(route, body, Ct);
    }

    /// <summary>A started hub connection and a task that completes when the server closes it.</summary>
    public static async Task<(Device Device, Task Closed)> ConnectWatchingCloseAsync(this TestUser user, Uri? node = null)
    {
        var device = await user.ConnectAsync(node: node);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.Hub.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return (device, closed.Task);
    }
}

/// <summary>A server whose mail goes to a local SMTP endpoint, shared by a test class; each test still makes its own users.</summary>
public sealed class MailingServer : IAsyncLifetime
{
    private ChatServer? _server;

    public SmtpTestServer Smtp { get; } = new();

    public ChatServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync() => _server = await ChatServer.StartAsync(Smtp.Settings);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
