using ChatHub.Accounts.Admin;
using ChatHub.Accounts.Deletion;
using ChatHub.Accounts.Lockout;
using ChatHub.Accounts.PasswordReset;
using ChatHub.Accounts.OAuth;
using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace ChatHub.Accounts;

public static class AccountsExtensions
{
    public const string AdminPolicy = "admin";

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var key = SigningKey.Load(builder.Configuration);
        builder.Services.AddSingleton(key);
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<HashingGate>();
        builder.Services.AddSingleton<UserPersonas>();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<SessionService>();
        builder.Services.AddSingleton<SessionCheck>();
        builder.Services.AddSingleton<LoginLockout>();
        builder.Services.AddSingleton<InMemoryAttemptCounter>();
        builder.Services.TryAddSingleton<IAttemptCounter>(sp => sp.GetRequiredService<InMemoryAttemptCounter>());
        builder.Services.AddSingleton<UserConnections>();
        builder.Services.AddHostedService<SessionExpiry>();
        builder.Services.TryAddSingleton<ISessionsEndedRelay, SingleNodeSessionsEndedRelay>();
        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddSingleton<TwoFactorService>();
        builder.Services.AddSingleton<TwoFactorNotices>();
        builder.Services.AddSingleton<PasswordProof>();
        builder.Services.AddSingleton<PasswordResetService>();
        builder.Services.AddSingleton<AccountDeletionService>();
        builder.Services
            .AddUserDataEraser("refresh tokens", sp => sp.GetRequiredService<IRefreshTokenStore>().DeleteAllAsync)
            .AddUserDataEraser("two-factor settings", sp => sp.GetRequiredService<ITwoFactorStore>().DeleteAsync);
        foreach (var kind in Enum.GetValues<OneTimeTokenKind>())
        {
            builder.Services.AddUserDataEraser($"{kind} tokens", sp => sp.GetRequiredKeyedService<IOneTimeTokenStore>(kind).DeleteAllAsync);
        }
        // Post-configured, so it runs inside the chat's error filter: a store outage during the check is answered like any other.
        builder.Services.PostConfigure<HubOptions>(options => options.AddFilter<SessionHubFilter>());

        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                IssuerSigningKey = key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = ClaimNames.Name,
                RoleClaimType = ClaimNames.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            options.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on a WebSocket, so the hub also takes the token from the query.
                OnMessageReceived = context =>
                {
                    if (context.HttpContext.Request.Path.StartsWithSegments(Routes.ChatHub)
                        && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    {
                        context.Token = token;
                    }
                    return Task.CompletedTask;
                },
                // A well-signed token is not enough: its user must still exist and not have changed password or role since.
                OnTokenValidated = async context =>
                {
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionCheck>();
                    if (!await sessions.IsCurrentAsync(context.Principal!, context.HttpContext.RequestAborted))
                    {
                        context.Fail("The token's session has ended.");
                    }
                },
                OnChallenge = context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    return Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Not signed in.",
                        "A valid access token is required. Sign in again.");
                },
                OnForbidden = context => Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden.",
                    "Your account is not allowed to do this."),
            };
        });
        // Token lifetimes are judged by the service's clock, the one that stamped them, not the machine's.
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TimeProvider>((options, clock) =>
            options.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now + parameters.ClockSkew) && (expires is null || expires > now - parameters.ClockSkew);
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin));
        return builder.AddOAuth();
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app) =>
        app.MapAuth().MapMe().MapAdmin().MapOAuth().MapTwoFactor().MapPasswordReset().MapAccountDeletion().MapSessions();
}
