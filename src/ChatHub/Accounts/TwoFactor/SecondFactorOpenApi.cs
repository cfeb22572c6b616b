using ChatHub.Contracts;
using Microsoft.OpenApi;

namespace ChatHub.Accounts.TwoFactor;

public static class SecondFactorOpenApi
{
    /// <summary>
    /// A sign-in answers 200 with a session or with a <see cref="SecondFactorChallenge"/>. The generator documents one
    /// type per status code, so this says both: <c>oneOf</c> the two.
    /// </summary>
    public static RouteHandlerBuilder MayAskForASecondFactor(this RouteHandlerBuilder endpoint) =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (operation.Responses is null || !operation.Responses.TryGetValue("200", out var response)
                || response.Content is null || !response.Content.TryGetValue("application/json", out var json))
            {
                return;
            }
            json.Schema = new OpenApiSchema
            {
                OneOf =
                [
                    await context.GetOrCreateSchemaAsync(typeof(AuthResponse), null, cancellationToken),
                    await context.GetOrCreateSchemaAsync(typeof(SecondFactorChallenge), null, cancellationToken),
                ],
            };
        });
}
