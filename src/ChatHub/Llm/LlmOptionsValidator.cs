using Microsoft.Extensions.Options;

namespace ChatHub.Llm;

/// <summary>Fails start-up with the name of the offending key, so a bad deployment never serves a request.</summary>
internal sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var failures = new List<string>();
        Profile(LlmOptions.Section, options, failures);
        foreach (var (profile, profileOptions) in options.Models)
        {
            var prefix = $"{LlmOptions.Section}:Models:{profile}";
            if (!ModelProfiles.IsValidName(profile))
            {
                failures.Add($"{prefix}: a profile name has 1 to {ModelProfiles.MaxNameChars} letters, digits, '-' or '_', and '{ModelProfiles.DefaultName}' is the Llm section's own.");
            }
            Profile(prefix, profileOptions, failures);
        }
        if (options.FirstTokenTimeoutSeconds <= 0)
        {
            failures.Add("Llm:FirstTokenTimeoutSeconds must be greater than 0.");
        }
        if (options.MaxRetries < 0)
        {
            failures.Add("Llm:MaxRetries must be 0 or more.");
        }
        if (options.HistoryTokenBudget <= 0)
        {
            failures.Add("Llm:HistoryTokenBudget must be greater than 0.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Profile(string prefix, ModelProfileOptions options, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                failures.Add($"{prefix}:Endpoint must be an absolute http(s) URL, not '{options.Endpoint}'.");
            }
            if (string.IsNullOrWhiteSpace(options.Model))
            {
                failures.Add($"{prefix}:Model is required when {prefix}:Endpoint is set (the model name the endpoint serves, e.g. gpt-4o-mini or llama3.1).");
            }
        }
        if (options.ContextTokens is <= 0)
        {
            failures.Add($"{prefix}:ContextTokens must be greater than 0.");
        }
        if (options.Simulated.TimeToFirstTokenMs < 0)
        {
            failures.Add($"{prefix}:Simulated:TimeToFirstTokenMs must be 0 or more.");
        }
    }
}
