namespace ChatHub.Llm;

/// <summary>The <c>Llm</c> configuration section. With no <see cref="Endpoint"/> the simulated model answers.</summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";

    /// <summary>Base address of an OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>May be empty for local servers that do not check it.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Required when <see cref="Endpoint"/> is set.</summary>
    public string? Model { get; set; }

    /// <summary>How long one attempt may take to produce the first streamed update.</summary>
    public int FirstTokenTimeoutSeconds { get; set; } = 20;

    /// <summary>Retries after the first attempt, only ever before the first token reached the caller.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Tokens of conversation history sent with each request (the persona is not counted).</summary>
    public int HistoryTokenBudget { get; set; } = 3000;

    public SimulatedModelOptions Simulated { get; set; } = new();
}

/// <summary>The pace of the built-in simulated model.</summary>
public sealed class SimulatedModelOptions
{
    public int TimeToFirstTokenMs { get; set; } = 300;

    /// <summary>Zero or less streams without any delay between tokens.</summary>
    public double TokensPerSecond { get; set; } = 40;
}
