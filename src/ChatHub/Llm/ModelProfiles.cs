using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace ChatHub.Llm;

/// <summary>
/// Every configured model profile, built once: the <c>Llm</c> section's own keys are <see cref="DefaultName"/>, each
/// <c>Llm:Models:{name}</c> another. Each remote profile has a resilience pipeline of its own, so one failing
/// provider opens only its own circuit breaker.
/// </summary>
public sealed partial class ModelProfiles : IDisposable
{
    public const string DefaultName = "default";
    public const int MaxNameChars = 40;

    private readonly Dictionary<string, ModelProfile> _byName = new(StringComparer.OrdinalIgnoreCase);

    public ModelProfiles(IOptions<LlmOptions> options, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        var llm = options.Value;
        Default = Create(DefaultName, llm, llm, timeProvider, loggers);
        _byName[DefaultName] = Default;
        foreach (var (name, profile) in llm.Models) _byName[name] = Create(name, profile, llm, timeProvider, loggers);
    }

    public ModelProfile Default { get; }

    /// <summary>Every profile, the default first.</summary>
    public IReadOnlyList<ModelProfile> All => [Default, .. _byName.Values.Where(p => p != Default).OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The profile of that name (in any case), or null when none is configured.</summary>
    public ModelProfile? Find(string? name) => name is null ? null : _byName.GetValueOrDefault(name);

    /// <summary>
    /// The profile a reply uses: the conversation's choice, else the character's, else the default. A name no longer
    /// configured counts as unset, so removing a profile from the configuration sends its conversations to the next choice.
    /// </summary>
    public ModelProfile Resolve(string? conversationChoice, string? characterChoice) => Find(conversationChoice) ?? Find(characterChoice) ?? Default;

    public static bool IsValidName(string name) => name.Length <= MaxNameChars && !name.Equals(DefaultName, StringComparison.OrdinalIgnoreCase) && NamePattern().IsMatch(name);

    public void Dispose()
    {
        foreach (var profile in _byName.Values) profile.Client.Dispose();
    }

    private static ModelProfile Create(string name, ModelProfileOptions profile, LlmOptions llm, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        var remote = !string.IsNullOrWhiteSpace(profile.Endpoint);
        IChatClient client = remote
            ? new ResilientChatClient(OpenAiModel.Create(profile, llm.FirstTokenTimeoutSeconds), llm, timeProvider, loggers.CreateLogger<ResilientChatClient>())
            : new SimulatedChatClient(profile.Simulated, timeProvider);
        return new ModelProfile(name, remote ? profile.Model! : SimulatedChatClient.ModelId, profile.ContextTokens,
            new ChatClientBuilder(client).UseLogging(loggers).Build());
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();
}
