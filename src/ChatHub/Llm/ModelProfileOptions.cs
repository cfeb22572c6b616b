namespace ChatHub.Llm;

/// <summary>One model endpoint: <c>Llm:Models:{name}</c>, or the <c>Llm</c> section's own keys for the default profile.</summary>
public class ModelProfileOptions
{
    /// <summary>Base address of an OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c>; unset for the simulated model.</summary>
    public string? Endpoint { get; set; }

    /// <summary>May be empty for local servers that do not check it.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Required when <see cref="Endpoint"/> is set.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// The model's context window in tokens. When set, a prompt's history may take what the window has left after
    /// the system prompt and the reply's max tokens; unset, <see cref="LlmOptions.HistoryTokenBudget"/> applies.
    /// </summary>
    public int? ContextTokens { get; set; }

    /// <summary>The pace of the simulated model, when <see cref="Endpoint"/> is unset.</summary>
    public SimulatedModelOptions Simulated { get; set; } = new();
}
