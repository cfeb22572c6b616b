using System.Text;

namespace ChatHub.Llm;

/// <summary>
/// Writes the simulated model's answer: a few sentences in the persona's voice that pick up what the
/// user said. Phrasing is chosen by a stable hash of the user's text so a test, a demo or a load
/// test run twice sees the same words.
/// </summary>
internal static class SimulatedReply
{
    private const int EchoWords = 8;

    private static readonly string[] Openers =
    [
        "{name} here.",
        "Ah, this is {name} speaking.",
        "Listen closely, for {name} rarely repeats a word.",
        "Well met, friend. {name} at your service.",
    ];

    private static readonly string[] Echoes =
    [
        "You said \"{echo}\", and I have been turning that over.",
        "So you want to talk about \"{echo}\". Very well.",
        "\"{echo}\" - now that deserves a moment of thought.",
    ];

    private static readonly string[] Voices =
    [
        "Being {traits}, I will answer the only way I know how.",
        "I am {traits}, so take my words as you find them.",
        "Anyone who knows me knows I am {traits}, and this is no different.",
    ];

    private static readonly string[] Knowledge =
    [
        "It puts me in mind of {knowledge}.",
        "What I know of {knowledge} tells me there is more to it.",
        "I have seen something like it in {knowledge}.",
    ];

    private static readonly string[] Closers =
    [
        "What would you have me do next?",
        "Tell me more, and I will tell you what I truly think.",
        "Ask again if you dare, and I will go deeper.",
    ];

    public static string Write(Persona persona, string userText)
    {
        var hash = Fnv1a(userText);
        var name = persona.Name.Length > 0 ? persona.Name : "your companion";
        var traits = persona.Traits.Count > 0 ? JoinTraits(persona.Traits, hash) : "myself";

        var reply = new StringBuilder()
            .Append(Pick(Openers, hash, 0).Replace("{name}", name, StringComparison.Ordinal)).Append(' ')
            .Append(Pick(Echoes, hash, 1).Replace("{echo}", Echo(userText), StringComparison.Ordinal)).Append(' ')
            .Append(Pick(Voices, hash, 2).Replace("{traits}", traits, StringComparison.Ordinal)).Append(' ');
        if (persona.Knowledge.Count > 0)
        {
            var knowledge = persona.Knowledge[Choose(persona.Knowledge.Count, hash, 5)];
            reply.Append(Pick(Knowledge, hash, 3).Replace("{knowledge}", knowledge, StringComparison.Ordinal)).Append(' ');
        }
        return reply.Append(Pick(Closers, hash, 4)).ToString();
    }

    /// <summary>More of the same reply: a thought on the persona's knowledge (if any) and another closer, chosen by other slots of the hash.</summary>
    public static string Continue(Persona persona, string userText)
    {
        var hash = Fnv1a(userText);
        var more = new StringBuilder("And there is more. ");
        if (persona.Knowledge.Count > 0)
        {
            more.Append(Pick(Knowledge, hash, 7).Replace("{knowledge}", persona.Knowledge[Choose(persona.Knowledge.Count, hash, 8)], StringComparison.Ordinal)).Append(' ');
        }
        return more.Append(Pick(Closers, hash, 9)).ToString();
    }

    /// <summary>A title from the exchange's user message: its first words (up to five), each capitalised, without the final punctuation.</summary>
    public static string Title(string exchange)
    {
        var userText = exchange.StartsWith("User: ", StringComparison.Ordinal) ? exchange["User: ".Length..].Split('\n')[0] : exchange;
        var words = userText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(5)
            .Select(w => w.Trim('.', '!', '?', ',', ';', ':', '"')).Where(w => w.Length > 0)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..]);
        return string.Join(' ', words) is { Length: > 0 } title ? title : "A New Conversation";
    }

    /// <summary>
    /// A summary from a <see cref="SummaryPrompt"/> request: the summary so far, then what each user message of the
    /// stretch was about (its first words), keeping the newest <see cref="SummaryTopics"/> topics so it stays short.
    /// </summary>
    public static string Summary(string request)
    {
        var lines = request.Split('\n');
        var previous = lines[0].StartsWith(SummarySoFar, StringComparison.Ordinal) && lines[0] != SummarySoFar + "(none)" ? lines[0][SummarySoFar.Length..] : "";
        var earlier = previous.StartsWith(SummaryOpening, StringComparison.Ordinal) ? previous[SummaryOpening.Length..].TrimEnd('.').Split("; ") : [];
        var topics = lines.Where(l => l.StartsWith("User: ", StringComparison.Ordinal))
            .Select(l => string.Join(' ', l["User: ".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(5)).TrimEnd('.', '!', '?', ',', ';', ':'))
            .Where(t => t.Length > 0);
        return SummaryOpening + string.Join("; ", earlier.Concat(topics).TakeLast(SummaryTopics)) + ".";
    }

    private const string SummarySoFar = "Summary so far: ";
    private const string SummaryOpening = "So far the user talked about: ";
    private const int SummaryTopics = 12;

    /// <summary>FNV-1a over UTF-16 code units: unlike <see cref="string.GetHashCode()"/>, the same in every process.</summary>
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    private static string Pick(string[] options, uint hash, int slot) => options[Choose(options.Length, hash, slot)];

    // Each choice scrambles the hash with its own slot number, so the choices vary independently of each other.
    private static int Choose(int count, uint hash, int slot)
    {
        var mixed = (hash ^ ((uint)slot * 0x9E3779B9u)) * 0x85EBCA6Bu;
        return (int)((mixed ^ (mixed >> 16)) % (uint)count);
    }

    private static string JoinTraits(IReadOnlyList<string> traits, uint hash)
    {
        var first = Choose(traits.Count, hash, 6);
        return traits.Count == 1 ? traits[0] : $"{traits[first]} and {traits[(first + 1) % traits.Count]}";
    }

    private static string Echo(string userText)
    {
        var words = userText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return "nothing at all";
        }
        var echo = string.Join(' ', words.Take(EchoWords)).TrimEnd('.', '!', '?', ',', ';', ':');
        return words.Length > EchoWords ? echo + "..." : echo;
    }
}
