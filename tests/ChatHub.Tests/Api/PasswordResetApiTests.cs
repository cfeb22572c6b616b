using System.Diagnostics;
using System.Net;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>Forgotten passwords: the mail over real SMTP, the token's single use and expiry, and what a reset ends.</summary>
public sealed class PasswordResetApiTests(MailingServer mailing) : IClassFixture<MailingServer>
{
    private const string NewPassword = "a brand new passphrase";
    private const string LinkRefused = "This reset link is not valid: it is unknown, expired or already used. Ask for a new one.";

    private ChatServer Server => mailing.Server;
    private SmtpTestServer Smtp => mailing.Smtp;

    [Fact]
    public async Task TheResetMailArrivesOverSmtpWithATokenThatSetsANewPassword()
    {
        var user = await Server.CreateUserAsync();

        var request = await RequestAsync(Server, user.Email.ToUpperInvariant());
        var mail = await Smtp.WaitForMailAsync(user.Email);
        var confirm = await ConfirmAsync(Server, mail.Token, NewPassword);

        Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        Assert.Equal("no-reply@chathub.test", mail.From);
        Assert.Equal("Reset your CharacterChat password", mail.Message.Subject);
        Assert.Equal(HttpStatusCode.NoContent, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.Equal(user.Id, (await user.SignInAsync(NewPassword)).User.Id);
    }

    [Fact]
    public async Task KnownAndUnknownEmailsGetTheSameAnswerAndOnlyAnAccountGetsMail()
    {
        var user = await Server.CreateUserAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}@chathub.test";

        var known = await RequestAsync(Server, user.Email);
        var stranger = await RequestAsync(Server, unknown);
        // Mails go out in order: once a later one has arrived, the stranger's request has been dealt with.
        var marker = await Server.CreateUserAsync();
        await RequestAsync(Server, marker.Email);
        await Smtp.WaitForMailAsync(marker.Email);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (known.StatusCode, stranger.StatusCode));
        Assert.Equal(await known.Content.ReadAsStringAsync(Ct), await stranger.Content.ReadAsStringAsync(Ct));
        Assert.Single(Smtp.MailsTo(user.Email));
        Assert.Empty(Smtp.MailsTo(unknown));
    }

    /// <summary>
    /// Both answers are given before anything looks the email up, so they take the same time by construction; this
    /// guards against a lookup or the SMTP round trip creeping back onto the request path. Medians of interleaved
    /// calls, with room for a loaded machine: a mail or a password hash on the path costs far more than the slack.
    /// </summary>
    [Fact]
    public async Task AKnownEmailIsAnsweredAboutAsFastAsAnUnknownOne()
    {
        var user = await Server.CreateUserAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}@chathub.test";
        await RequestAsync(Server, unknown); // warm-up
        var (knownTimes, unknownTimes) = (new List<double>(), new List<double>());

        for (var i = 0; i < 7; i++)
        {
            knownTimes.Add(await TimeAsync(user.Email));
            unknownTimes.Add(await TimeAsync(unknown));
        }

        var (knownMedian, unknownMedian) = (Median(knownTimes), Median(unknownTimes));
        Assert.True(Math.Abs(knownMedian - unknownMedian) <= Math.Max(25, 2 * Math.Min(knownMedian, unknownMedian)),
            $"Median answer for a known email {knownMedian:F1} ms, for an unknown one {unknownMedian:F1} ms.");

        async Task<double> TimeAsync(string email)
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(Server, email)).StatusCode);
            return watch.Elapsed.TotalMilliseconds;
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    }

    [Fact]
    public async Task AResetTokenWorksOnceAndARefusedPasswordDoesNotSpendIt()
    {
        var user = await Server.CreateUserAsync();
        await RequestAsync(Server, user.Email);
        var token = (await Smtp.WaitForMailAsync(user.Email)).Token;

        var tooShort = await ConfirmAsync(Server, token, "short");
        var first = await ConfirmAsync(Server, token, NewPassword);
        var again = await ConfirmAsync(Server, token, "yet another passphrase");

        Assert.Equal("The password must have 8 to 256 characters.", (await tooShort.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(LinkRefused, (await again.ProblemAsync()).Detail);
        Assert.Equal(user.Id, (await user.SignInAsync(NewPassword)).User.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AnUnknownOrMalformedTokenIsRefused(string token)
    {
        var response = await ConfirmAsync(Server, token, NewPassword);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(LinkRefused, (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task AResetEndsEverySessionAndClosesOpenHubConnectionsAtOnce()
    {
        var user = await Server.CreateUserAsync();
        var otherDevice = await user.SignInAsync();
        var (device, closed) = await user.ConnectWatchingCloseAsync();
        await using var _ = device;
        await RequestAsync(Server, user.Email);

        await ConfirmAsync(Server, (await Smtp.WaitForMailAsync(user.Email)).Token, NewPassword);

        await closed.Bounded();
        foreach (var accessToken in new[] { user.AccessToken, otherDevice.AccessToken })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Server.GetMeAsync(accessToken)).StatusCode);
        }
        foreach (var refreshToken in new[] { user.RefreshToken, otherDevice.RefreshToken })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(refreshToken)).StatusCode);
        }
    }

    [Fact]
    public async Task AResetEndsTheAccountsOtherLinks()
    {
        var user = await Server.CreateUserAsync();
        await RequestAsync(Server, user.Email);
        await RequestAsync(Server, user.Email);
        var older = (await Smtp.WaitForMailAsync(user.Email)).Token;
        var newer = (await Smtp.WaitForMailAsync(user.Email, skip: 1)).Token;

        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync(Server, newer, NewPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await ConfirmAsync(Server, older, "an attacker's passphrase")).StatusCode);
        // The reset itself gives no session (that would skip a second factor): the new password signs in.
        Assert.Equal(user.Id, (await user.SignInAsync(NewPassword)).User.Id);
    }

    [Fact]
    public async Task AnAccountGetsAtMostThreeLiveLinks()
    {
        var user = await Server.CreateUserAsync();
        for (var i = 0; i < 5; i++) await RequestAsync(Server, user.Email);
        var marker = await Server.CreateUserAsync();
        await RequestAsync(Server, marker.Email);

        await Smtp.WaitForMailAsync(marker.Email);

        Assert.Equal(3, Smtp.MailsTo(user.Email).Count);
    }

    [Fact]
    public async Task AMalformedEmailIsRefusedWithoutLookingItUp()
    {
        var response = await RequestAsync(Server, "not an email");

        Assert.Equal("Enter a valid email address.", (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task AnExpiredResetTokenIsRefused()
    {
        var clock = new AdjustableClock();
        await using var smtp = new SmtpTestServer();
        await using var server = await ChatServer.StartAsync(smtp.Settings, configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();
        await RequestAsync(server, user.Email);
        var token = (await smtp.WaitForMailAsync(user.Email)).Token;

        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        var late = await ConfirmAsync(server, token, NewPassword);

        Assert.Equal(LinkRefused, (await late.ProblemAsync()).Detail);
        Assert.Equal(user.Id, (await user.SignInAsync()).User.Id);
    }

    [Fact]
    public async Task WithoutSmtpTheMailIsWrittenToTheDataDirAndTheLogNamesOnlyTheFile()
    {
        var logs = new CapturedLogs();
        await using var server = await ChatServer.StartAsync(
            new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" }, configure: builder => builder.Logging.AddProvider(logs));
        var user = await server.CreateUserAsync();
        var mailDir = Path.Combine(server.DataDir, "mail");

        await RequestAsync(server, user.Email);
        await RedisProcess.WaitUntilAsync(() => Directory.Exists(mailDir) && Directory.EnumerateFiles(mailDir, "*.eml").Any());

        var mail = await MimeKit.MimeMessage.LoadAsync(Directory.EnumerateFiles(mailDir, "*.eml").Single(), Ct);
        Assert.Equal(user.Email, mail.To.Mailboxes.Single().Address);
        var token = new ReceivedMail("", [user.Email], mail).Token;
        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync(server, token, NewPassword)).StatusCode);
        Assert.Contains(logs.Lines, line => line.Contains(Path.Combine(mailDir, ""), StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> RequestAsync(ChatServer server, string email) =>
        server.PostJsonAsync(Routes.PasswordReset, new PasswordResetRequest { Email = email });

    private static Task<HttpResponseMessage> ConfirmAsync(ChatServer server, string token, string newPassword) =>
        server.PostJsonAsync(Routes.PasswordResetConfirm, new PasswordResetConfirmRequest { Token = token, NewPassword = newPassword });
}
