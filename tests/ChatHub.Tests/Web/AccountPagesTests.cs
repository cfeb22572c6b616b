using System.Net;
using System.Text.RegularExpressions;
using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>The account's pages end to end, as a person uses them: the mailed links, settings, two-factor, admin.</summary>
public sealed partial class AccountPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string NewPassword = "a brand new passphrase";

    private ChatServer Server => browser.Server;

    [Fact]
    public async Task AForgottenPasswordIsResetThroughTheMailedLinkAndTheNewOneSignsIn()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.GotoAsync();
        var page = chat.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot password?" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reset your password" })).ToBeVisibleAsync();
        var email = page.Locator("#account-view").GetByLabel("Email");
        await Expect(email).ToBeFocusedAsync();
        await email.FillAsync(user.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your mail" })).ToBeVisibleAsync();
        await Expect(page.Locator("#account-screen")).ToContainTextAsync("If an account has this email");

        var link = await MailFolder.WaitForLinkAsync(Server.DataDir, user.Email, "Reset your CharacterChat password");
        await page.GotoAsync(link.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        Assert.Equal("/reset-password", new Uri(page.Url).AbsolutePath);
        Assert.DoesNotContain("token", page.Url);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("New password again").FillAsync("not the same");
        var set = page.GetByRole(AriaRole.Button, new() { Name = "Set the new password" });
        await set.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The two new passwords are not the same.");
        await page.GetByLabel("New password again").FillAsync(NewPassword);
        await set.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your password is set" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await chat.SignInIfAskedAsync(user.Email, NewPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.Empty(chat.Errors);

        // The link works once: opened again, it says so and offers to send a new one.
        await page.GotoAsync(link.ToString());
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("New password again").FillAsync(NewPassword);
        await set.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This reset link no longer works" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send the link" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheLockoutMessageOffersAResetInsteadOfWaiting()
    {
        var user = await Server.CreateUserAsync();
        for (var i = 0; i < 5; i++) await Server.LoginAsync(user.Email, "wrong password");
        await using var chat = await browser.OpenAsync();
        await chat.GotoAsync();

        await chat.Page.GetByLabel("Email").FillAsync(user.Email);
        await chat.Page.GetByLabel("Password").FillAsync(user.Password);
        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(chat.Page.Locator("#auth-error")).ToContainTextAsync("Try again in 15 minutes");
        var offer = chat.Page.Locator("#lockout-offer").GetByRole(AriaRole.Link, new() { Name = "Reset it by email" });
        await offer.ClickAsync();
        await Expect(chat.Page.GetByRole(AriaRole.Heading, new() { Name = "Reset your password" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TwoFactorIsTurnedOnFromSettingsThenSignsInWithACodeOrABackupCode()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user, "/settings/security");
        var page = chat.Page;

        var secret = await EnrollAsync(chat, user);
        await Expect(page.Locator("img.qr-code")).ToHaveAttributeAsync("src", new Regex("^data:image/svg\\+xml;base64,"));
        await page.GetByLabel("Code from the app").FillAsync(AccountSecurityCalls.Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        var codes = page.GetByRole(AriaRole.List, new() { Name = "Backup codes" }).Locator("li");
        await Expect(codes).ToHaveCountAsync(10);
        var backupCode = (await codes.First.TextContentAsync())!;
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download codes" })).ToHaveAttributeAsync("download", "characterchat-backup-codes.txt");
        await page.GetByRole(AriaRole.Button, new() { Name = "I have saved them" }).ClickAsync();
        await Expect(page.GetByText("On. 10 of 10 backup codes left.")).ToBeVisibleAsync();

        await SignOutAndInAsync(chat, user, AccountSecurityCalls.NextCode(secret));
        await SignOutAndInAsync(chat, user, backupCode);
        await page.GotoAsync("/settings/security");
        await Expect(page.GetByText("On. 9 of 10 backup codes left.")).ToBeVisibleAsync();
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task AnAccountIsDeletedThroughTheMailedLink()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user, "/settings/account");
        var page = chat.Page;

        await page.GetByLabel("Your password", new() { Exact = true }).FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the confirmation link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Check your mail.");

        var link = await MailFolder.WaitForLinkAsync(Server.DataDir, user.Email, "Confirm the deletion of your CharacterChat account");
        await page.GotoAsync(link.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete your account?" })).ToBeVisibleAsync();
        Assert.DoesNotContain("token", page.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account is deleted" })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.Empty(chat.Errors);
        await page.GotoAsync(link.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This link no longer works" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnAdminChangesARoleAndTheUserSeesItAfterAReload()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var user = await server.CreateUserAsync();
        await using var userPage = await browser.OpenAsync(server: server);
        await userPage.OpenSignedInAsync(user, "/settings");
        await Expect(userPage.Page.GetByText("Account type: free.")).ToBeVisibleAsync();
        await Expect(userPage.Page.GetByRole(AriaRole.Link, new() { Name = "Admin: users" })).ToBeHiddenAsync();
        await using var adminPage = await browser.OpenAsync(server: server);
        await adminPage.OpenSignedInAsync(admin);

        await adminPage.Page.GetByRole(AriaRole.Link, new() { Name = "Admin: users" }).ClickAsync();
        await adminPage.Page.GetByLabel("Search by name or email").FillAsync(user.Email);
        await adminPage.Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var row = adminPage.Page.Locator($"tr[data-id='{user.Id}']");
        await Expect(adminPage.Page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(row.Locator("td").Last).ToHaveTextAsync("2"); // signed up, and signed in on the page
        var refreshToken = await userPage.Page.EvaluateAsync<string>("() => localStorage.getItem('characterchat.refreshToken')");
        await row.GetByRole(AriaRole.Combobox).SelectOptionAsync("paid");
        await Expect(adminPage.Page.GetByRole(AriaRole.Status).First).ToHaveTextAsync("Test User's role is now paid.");

        // The open page is told role-changed and renews its tokens; a reload before that lands would show a spent one.
        await userPage.Page.WaitForFunctionAsync("before => localStorage.getItem('characterchat.refreshToken') !== before", refreshToken);
        await userPage.Page.ReloadAsync();
        await Expect(userPage.Page.GetByText("Account type: paid.")).ToBeVisibleAsync();
        Assert.Empty(userPage.Errors);
        Assert.Empty(adminPage.Errors);
    }

    [Fact]
    public async Task SigningOutAnotherDeviceFromSettingsSignsItOutWithTheReason()
    {
        var user = await Server.CreateUserAsync();
        await using var phone = await browser.OpenAsync(375, 812);
        await phone.OpenSignedInAsync(user);
        await using var laptop = await browser.OpenAsync();
        await laptop.OpenSignedInAsync(user);

        await laptop.Page.Locator("#user-link").ClickAsync();
        await laptop.Page.GetByRole(AriaRole.Link, new() { Name = "Devices" }).ClickAsync();
        Assert.Equal("/settings/sessions", new Uri(laptop.Page.Url).AbsolutePath);
        var devices = laptop.Page.GetByRole(AriaRole.List, new() { Name = "Signed-in devices" }).Locator("li");
        await Expect(devices).ToHaveCountAsync(3); // the sign-up (by the API), the phone, this laptop
        await Expect(devices.Filter(new() { HasText = "This device" })).ToHaveCountAsync(1);
        await laptop.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Sign out Chrome") }).ClickAsync();

        await Expect(phone.Page.Locator("#auth-notice")).ToHaveTextAsync(
            "You were signed out because this session was ended from another device, or its sign-in was used twice. Please sign in again.");
        await Expect(devices).ToHaveCountAsync(2);
        await laptop.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere else" }).ClickAsync();
        await Expect(laptop.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed out 1 other device.");
        await Expect(devices).ToHaveCountAsync(1);
        await Expect(devices).ToContainTextAsync("This device");
        Assert.Empty(laptop.Errors);
    }

    [Fact]
    public async Task AChangedPasswordKeepsThisDeviceSignedIn()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user, "/settings/security");
        var page = chat.Page;

        await page.GetByLabel("Current password").FillAsync(user.Password);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("New password again").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status).First).ToHaveTextAsync("Your password is changed. Your other devices are signed out.");
        await page.GetByRole(AriaRole.Link, new() { Name = "New chat" }).ClickAsync();
        await chat.StartConversationAsync();
        await chat.SendAsync("Still signed in?");
        await chat.ExpectLastReplyAsync("complete");
        await Expect(page.Locator("#auth-view")).ToBeHiddenAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.Empty(chat.Errors);
    }

    /// <summary>
    /// Each new screen at desktop and phone width, in the light and the dark theme (the system's setting). axe checks each
    /// screen in both themes and at both widths, desktop-light and phone-dark (an axe run is the slow part). Saved to
    /// docs/screenshots when UPDATE_SCREENSHOTS=1, otherwise to a temporary folder.
    /// </summary>
    [Fact]
    public async Task TheAccountScreensAreAccessibleLightAndDarkAtDesktopAndPhoneWidths()
    {
        var folder = BrowserFixture.ScreenshotFolder();
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        await server.CreateUserAsync($"ada-{Guid.NewGuid():N}@chathub.test");
        var shots = new List<string>();

        foreach (var (device, width, height) in new[] { ("desktop", 1280, 800), ("phone", 375, 812) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var variant = $"{device}-{scheme.ToString().ToLowerInvariant()}";
                var checkedByAxe = variant is "desktop-light" or "phone-dark";
                await using var chat = await browser.OpenAsync(width, height, server, scheme);
                var page = chat.Page;
                async Task CaptureAsync(string screen)
                {
                    var path = Path.Combine(folder, $"{screen}-{variant}.png");
                    await chat.ScreenshotAsync(path);
                    if (checkedByAxe) await chat.AssertAccessibleAsync();
                    shots.Add(path);
                }

                await chat.GotoAsync("/reset-password#token=from-the-mail");
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
                Assert.Equal(scheme == ColorScheme.Dark ? "dark" : "light", await page.Locator("html").GetAttributeAsync("data-theme"));
                await CaptureAsync("reset-password");
                await chat.GotoAsync("/delete-account#token=from-the-mail");
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete your account?" })).ToBeVisibleAsync();
                await CaptureAsync("delete-account");

                await chat.OpenSignedInAsync(admin, "/settings");
                await Expect(page.GetByText("Account type: admin.")).ToBeVisibleAsync();
                await CaptureAsync("settings-profile");
                await page.GetByRole(AriaRole.Link, new() { Name = "Password and two-factor" }).ClickAsync();
                await EnrollAsync(chat, admin);
                await Expect(page.Locator("img.qr-code")).ToBeVisibleAsync();
                await CaptureAsync("settings-two-factor");
                await page.GetByRole(AriaRole.Link, new() { Name = "Devices" }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.List, new() { Name = "Signed-in devices" }).Locator("li").First).ToBeVisibleAsync();
                await CaptureAsync("settings-devices");
                await page.GotoAsync("/admin");
                await Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
                await Expect(page.Locator("tbody td.numeric").First).Not.ToHaveTextAsync("…");
                await CaptureAsync("admin-users");
                Assert.Empty(chat.Errors);
            }
        }

        Assert.Equal(24, shots.Count);
        Assert.All(shots, shot => Assert.True(new FileInfo(shot).Length > 10_000, $"{shot} looks empty."));
    }

    /// <summary>Starts the set-up from settings; returns the key the page shows for typing in by hand.</summary>
    private static async Task<string> EnrollAsync(ChatPage chat, TestUser user)
    {
        await chat.Page.GetByLabel("Your password", new() { Exact = true }).FillAsync(user.Password);
        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor" }).ClickAsync();
        return (await chat.Page.Locator("#totp-secret").TextContentAsync())!;
    }

    private static async Task SignOutAndInAsync(ChatPage chat, TestUser user, string code)
    {
        var page = chat.Page;
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        var signIn = page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });
        await signIn.ClickAsync();
        await page.GetByLabel("Verification code").FillAsync(code);
        await signIn.ClickAsync();
        await Expect(page.Locator("#app-view")).ToBeVisibleAsync();
    }
}
