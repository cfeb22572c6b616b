using System.Security.Claims;
using ChatHub.Accounts;
using ChatHub.Quotas;
using ChatHub.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ChatHub.Tests.Quotas;

/// <summary>The numbers each role gets, from the defaults and from configuration.</summary>
public sealed class QuotaServiceTests
{
    [Theory]
    [InlineData("free", 500, 1, 20)]
    [InlineData("paid", 2000, 3, 200)]
    [InlineData("admin", 4096, 10, null)]
    [InlineData("no-such-role", 500, 1, 20)]
    public void EachRoleHasItsDefaultQuotas(string role, int maxTokens, int concurrentReplies, int? conversations)
    {
        using var quotas = Quotas(new Dictionary<string, string?>());
        var user = Principal(role);

        Assert.Equal((maxTokens, concurrentReplies, conversations), (quotas.MaxTokensFor(user), quotas.ConcurrentRepliesFor(user), quotas.ConversationsFor(user)));
    }

    [Fact]
    public void ConfigurationChangesOneNumberAndAnEmptyConversationsMeansNoLimit()
    {
        using var quotas = Quotas(new Dictionary<string, string?>
        {
            ["Quotas:paid:MaxTokens"] = "3000",
            ["Quotas:Free:Conversations"] = "",
        });

        Assert.Equal(3000, quotas.MaxTokensFor(Principal(Roles.Paid)));
        Assert.Equal(3, quotas.ConcurrentRepliesFor(Principal(Roles.Paid)));
        Assert.Null(quotas.ConversationsFor(Principal(Roles.Free)));
    }

    [Fact]
    public async Task AnInvalidQuotaStopsTheStartWithItsKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ChatServer.StartAsync(new Dictionary<string, string> { ["Quotas:Paid:MessagesPerMinute"] = "0" }));

        Assert.Contains("Quotas:Paid", error.Message);
        Assert.Contains("MessagesPerMinute", error.Message);
    }

    private static QuotaService Quotas(Dictionary<string, string?> settings)
    {
        var options = new QuotaOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(QuotaOptions.Section).Bind(options);
        return new QuotaService(Options.Create(options), new InMemoryRateLimitPartitions());
    }

    private static ClaimsPrincipal Principal(string role) =>
        new(new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, Guid.NewGuid().ToString("N")), new Claim(ClaimNames.Role, role)], "test"));
}
