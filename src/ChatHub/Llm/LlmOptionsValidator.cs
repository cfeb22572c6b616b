using Microsoft.Extensions.Options;

namespace ChatHub.Llm;

/// <summary>Fails start-up with the name of the offending key, so a bad deployment never serves a request.</summary>
internal sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                failures.Add($"Llm:Endpoint must be an absolute http(s) URL, not '{options.Endpoint}'.");
            }
            if (string.IsNullOrWhiteSpace(options.Model))
            {
                failures.Add("Llm:Model is required when Llm:Endpoint is set (the model name the endpoint serves, e.g. gpt-4o-mini or llama3.1).");
            }
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
        if (options.Simulated.TimeToFirstTokenMs < 0)
        {
            failures.Add("Llm:Simulated:TimeToFirstTokenMs must be 0 or more.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
