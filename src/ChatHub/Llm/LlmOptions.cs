namespace ChatHub.Llm;

/// <summary>
/// The <c>Llm</c> configuration section. Its own endpoint keys are the <see cref="ModelProfiles.DefaultName">default</see>
/// profile (with no <see cref="ModelProfileOptions.Endpoint"/> the simulated model answers); <see cref="Models"/> adds named ones.
/// </summary>
public sealed class LlmOptions : ModelProfileOptions
{
    public const string Section = "Llm";

    /// <summary><c>Llm:Models:{name}:*</c>: more endpoints, each with its own resilience pipeline and circuit breaker.</summary>
    public Dictionary<string, ModelProfileOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one attempt may take to produce the first streamed update.</summary>
    public int FirstTokenTimeoutSeconds { get; set; } = 20;

    /// <summary>Retries after the first attempt, only ever before the first token reached the caller.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Tokens of conversation history sent with each request (the persona is not counted), for a profile without <see cref="ModelProfileOptions.ContextTokens"/>.</summary>
    public int HistoryTokenBudget { get; set; } = 3000;
}

/// <summary>The pace of the built-in simulated model.</summary>
public sealed class SimulatedModelOptions
{
    public int TimeToFirstTokenMs { get; set; } = 300;

    /// <summary>Zero or less streams without any delay between tokens.</summary>
    public double TokensPerSecond { get; set; } = 40;
}
