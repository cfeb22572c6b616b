using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using OtpNet;

namespace ChatHub.Tests.Api;

/// <summary>TOTP enrolment, the two-step sign-in, backup codes, and the abuse of each: wrong, replayed, foreign and expired.</summary>
public sealed class TwoFactorApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string WrongCode = "The code is incorrect.";
    private const string ChallengeEnded = "This sign-in has expired or is already complete. Sign in again with your password.";

    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnrollingGivesABase32SecretAndItsOtpauthUriButSignInStaysOneStepUntilConfirmed()
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();

        var setup = await (await http.PostAsJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = user.Password }, Ct)).ReadAsync<TwoFactorSetup>();

        Assert.Equal(20, Base32Encoding.ToBytes(setup.Secret).Length);
        Assert.Equal($"otpauth://totp/CharacterChat:{user.Email}?secret={setup.Secret}&issuer=CharacterChat", setup.OtpauthUri);
        Assert.StartsWith("<svg", setup.QrSvg);
        Assert.Contains("viewBox=", setup.QrSvg);
        Assert.Equal(ChatHub.Accounts.TwoFactor.OtpauthQrCode.Svg(setup.OtpauthUri), setup.QrSvg);
        Assert.NotNull((await (await Server.LoginAsync(user.Email, user.Password)).ReadAsync<AuthResponse>()).AccessToken);
        Assert.False((await http.GetFromJsonAsync<TwoFactorStatus>(Routes.MyTwoFactor, Ct))!.Enabled);
    }

    [Fact]
    public async Task ConfirmingWithAValidCodeTurnsItOnWithTenSingleUseBackupCodes()
    {
        var user = await Server.CreateUserAsync();

        var (_, codes) = await user.EnableTwoFactorAsync();

        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$", c));
        using var http = user.Http();
        Assert.Equal(new TwoFactorStatus { Enabled = true, BackupCodesLeft = 10 }, await http.GetFromJsonAsync<TwoFactorStatus>(Routes.MyTwoFactor, Ct));
        // On once, it cannot be enrolled over or confirmed again (which would show new backup codes).
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = user.Password }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync(Routes.MyTwoFactorConfirm, new TwoFactorCodeRequest { Code = "000000" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task AWrongCodeOrAnOldSecretsCodeDoesNotConfirm()
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();
        var first = await (await http.PostAsJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = user.Password }, Ct)).ReadAsync<TwoFactorSetup>();
        var second = await (await http.PostAsJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = user.Password }, Ct)).ReadAsync<TwoFactorSetup>();

        var wrong = await http.PostAsJsonAsync(Routes.MyTwoFactorConfirm, new TwoFactorCodeRequest { Code = "12345" }, Ct);
        var old = await http.PostAsJsonAsync(Routes.MyTwoFactorConfirm, new TwoFactorCodeRequest { Code = AccountSecurityCalls.Code(first.Secret) }, Ct);
        var right = await http.PostAsJsonAsync(Routes.MyTwoFactorConfirm, new TwoFactorCodeRequest { Code = AccountSecurityCalls.Code(second.Secret) }, Ct);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (wrong.StatusCode, old.StatusCode));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task WithTwoFactorOnTheRightPasswordGivesAChallengeAndNoTokenUntilACode()
    {
        var user = await Server.CreateUserAsync();
        var (secret, _) = await user.EnableTwoFactorAsync();

        var login = await Server.LoginAsync(user.Email, user.Password);
        var body = await login.Content.ReadAsStringAsync(Ct);
        var challenge = await login.ReadAsync<SecondFactorChallenge>();
        var session = await Server.SecondFactorAsync(challenge.SecondFactorToken, AccountSecurityCalls.NextCode(secret));

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.DoesNotContain("accessToken", body);
        Assert.Contains("\"secondFactorRequired\":true", body);
        Assert.InRange(challenge.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var auth = await session.ReadAsync<AuthResponse>();
        Assert.Equal(user.Id, auth.User.Id);
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(auth.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(auth.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordStillGetsTheOrdinaryRefusal()
    {
        var user = await Server.CreateUserAsync();
        await user.EnableTwoFactorAsync();

        var login = await Server.LoginAsync(user.Email, "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal("The email or password is incorrect.", (await login.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task ATotpCodeCannotBeReplayedInsideItsWindow()
    {
        var user = await Server.CreateUserAsync();
        var (secret, _) = await user.EnableTwoFactorAsync();
        var code = AccountSecurityCalls.NextCode(secret);
        Assert.Equal(HttpStatusCode.OK, (await Server.SecondFactorAsync((await user.ChallengeAsync()).SecondFactorToken, code)).StatusCode);

        var replay = await Server.SecondFactorAsync((await user.ChallengeAsync()).SecondFactorToken, code);
        // The step confirming used is spent too, and so is every step before the last one accepted.
        var confirmCode = await Server.SecondFactorAsync((await user.ChallengeAsync()).SecondFactorToken, AccountSecurityCalls.Code(secret));

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(WrongCode, (await replay.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.Unauthorized, confirmCode.StatusCode);
    }

    [Fact]
    public async Task ABackupCodeSignsInOnceInAnySpellingAndNeverAgain()
    {
        var user = await Server.CreateUserAsync();
        var (_, codes) = await user.EnableTwoFactorAsync();
        var typed = codes[3].Replace("-", " ", StringComparison.Ordinal).ToLowerInvariant();

        var first = await Server.SecondFactorAsync((await user.ChallengeAsync()).SecondFactorToken, typed);
        var again = await Server.SecondFactorAsync((await user.ChallengeAsync()).SecondFactorToken, codes[3]);
        var another = await Server.SecondFactorAsync((await user.ChallengeAsync()).SecondFactorToken, codes[4]);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK), (first.StatusCode, again.StatusCode, another.StatusCode));
        using var http = user.Http();
        Assert.Equal(8, (await http.GetFromJsonAsync<TwoFactorStatus>(Routes.MyTwoFactor, Ct))!.BackupCodesLeft);
    }

    [Fact]
    public async Task AChallengeWorksOnceAndNotWithAnotherUsersCodeOrAGarbageToken()
    {
        var user = await Server.CreateUserAsync();
        var other = await Server.CreateUserAsync();
        var (secret, codes) = await user.EnableTwoFactorAsync();
        var (otherSecret, otherCodes) = await other.EnableTwoFactorAsync();
        var challenge = await user.ChallengeAsync();

        var othersTotp = await Server.SecondFactorAsync(challenge.SecondFactorToken, AccountSecurityCalls.NextCode(otherSecret));
        var othersBackup = await Server.SecondFactorAsync(challenge.SecondFactorToken, otherCodes[0]);
        var garbage = await Server.SecondFactorAsync("not-a-challenge", AccountSecurityCalls.NextCode(secret));
        var refreshTokenAsChallenge = await Server.SecondFactorAsync(user.RefreshToken, AccountSecurityCalls.NextCode(secret));
        var right = await Server.SecondFactorAsync(challenge.SecondFactorToken, codes[0]);
        var reused = await Server.SecondFactorAsync(challenge.SecondFactorToken, codes[1]);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (othersTotp.StatusCode, othersBackup.StatusCode));
        Assert.Equal(ChallengeEnded, (await garbage.ProblemAsync()).Detail);
        Assert.Equal(ChallengeEnded, (await refreshTokenAsChallenge.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(ChallengeEnded, (await reused.ProblemAsync()).Detail);
        // The other user's codes were not spent on someone else's sign-in.
        Assert.Equal(HttpStatusCode.OK, (await Server.SecondFactorAsync((await other.ChallengeAsync()).SecondFactorToken, otherCodes[0])).StatusCode);
    }

    [Fact]
    public async Task FiveWrongCodesLockTheSignInAndARightPasswordBuysNoMoreGuesses()
    {
        var user = await Server.CreateUserAsync();
        var (secret, _) = await user.EnableTwoFactorAsync();
        var held = await user.ChallengeAsync();
        for (var i = 0; i < 5; i++)
        {
            // A fresh challenge (the right password) before each guess must not start the count again.
            var guess = await Server.SecondFactorAsync((await user.ChallengeAsync()).SecondFactorToken, $"00000{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        var password = await Server.LoginAsync(user.Email, user.Password);
        var rightCode = await Server.SecondFactorAsync(held.SecondFactorToken, AccountSecurityCalls.NextCode(secret));

        Assert.Equal(HttpStatusCode.TooManyRequests, password.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightCode.StatusCode);
        Assert.InRange(int.Parse(Assert.Single(rightCode.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 880, 900);
    }

    [Fact]
    public async Task AChallengeExpiresAfterFiveMinutes()
    {
        var clock = new AdjustableClock();
        await using var server = await ChatServer.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();
        var (secret, _) = await user.EnableTwoFactorAsync(clock);
        var challenge = await user.ChallengeAsync();

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var late = await server.SecondFactorAsync(challenge.SecondFactorToken, AccountSecurityCalls.Code(secret, clock));

        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Equal(ChallengeEnded, (await late.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task DisablingNeedsAValidCodeAndMakesSignInOneStepAgain()
    {
        var user = await Server.CreateUserAsync();
        var (_, codes) = await user.EnableTwoFactorAsync();
        using var http = user.Http();

        var wrong = await http.PostAsJsonAsync(Routes.MyTwoFactorDisable, new TwoFactorDisableRequest { Password = user.Password, Code = "123456" }, Ct);
        var right = await http.PostAsJsonAsync(Routes.MyTwoFactorDisable, new TwoFactorDisableRequest { Password = user.Password, Code = codes[9] }, Ct);
        var again = await http.PostAsJsonAsync(Routes.MyTwoFactorDisable, new TwoFactorDisableRequest { Password = user.Password, Code = codes[8] }, Ct);

        Assert.Equal(WrongCode, (await wrong.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.NotNull((await (await Server.LoginAsync(user.Email, user.Password)).ReadAsync<AuthResponse>()).AccessToken);
    }

    [Fact]
    public async Task TheSecretIsEncryptedAtRestAndTheBackupCodesAreHashed()
    {
        var user = await Server.CreateUserAsync();
        var (secret, codes) = await user.EnableTwoFactorAsync();

        var stored = (await Server.Services.GetRequiredService<ITwoFactorStore>().FindAsync(user.Id, Ct))!;

        var protector = Server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(TwoFactorService.SecretPurpose);
        Assert.DoesNotContain(secret, stored.Secret, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Base32Encoding.ToBytes(secret), protector.Unprotect(Convert.FromBase64String(stored.Secret)));
        Assert.Equal(10, stored.BackupCodeHashes.Count);
        Assert.All(stored.BackupCodeHashes, hash => Assert.Matches("^[0-9a-f]{64}$", hash));
        Assert.Empty(stored.BackupCodeHashes.Intersect(codes.Concat(codes.Select(c => c.Replace("-", "", StringComparison.Ordinal)))));
    }

    [Fact]
    public async Task TwoFactorSettingsNeedATokenAndTheSecondStepNeedsNone()
    {
        using var anonymous = Server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Routes.MyTwoFactor, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Routes.MyTwoFactorEnroll, null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(Routes.MyTwoFactorDisable, new TwoFactorDisableRequest { Code = "1" }, Ct)).StatusCode);
        var secondStep = await Server.SecondFactorAsync("x", "123456");
        Assert.Equal(ChallengeEnded, (await secondStep.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task TheNewEndpointsAreInTheOpenApiDocumentAndLoginDocumentsBothAnswers()
    {
        using var anonymous = Server.CreateHttpClient();

        using var openApi = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Ct));

        var paths = openApi.RootElement.GetProperty("paths");
        foreach (var path in new[]
        {
            Routes.LoginSecondFactor, Routes.MyTwoFactor, Routes.MyTwoFactorEnroll, Routes.MyTwoFactorConfirm, Routes.MyTwoFactorDisable,
            Routes.PasswordReset, Routes.PasswordResetConfirm, Routes.MyDeletionRequest, Routes.DeleteAccountConfirm,
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document.");
        }
        var loginAnswers = paths.GetProperty(Routes.Login).GetProperty("post").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf");
        Assert.Equal(
            ["accessToken", "secondFactorToken"],
            loginAnswers.EnumerateArray().Select(a => a.GetProperty("properties").EnumerateObject().Select(p => p.Name).First(n => n.EndsWith("Token", StringComparison.Ordinal))));
    }
}
