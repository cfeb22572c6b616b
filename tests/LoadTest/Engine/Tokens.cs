namespace ChatHub.LoadTest.Engine;

/// <summary>
/// Counts tokens the way the simulated model and the bare hub make them: a word and its following
/// space are one token. Counting tokens, not deltas, keeps a hub that merges deltas comparable with one that does not.
/// Exact for those two; against a real model, whose tokens may split a word, it counts words, which a merge can change.
/// </summary>
public static class Tokens
{
    public static int Count(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = !char.IsWhiteSpace(c);
            if (letter && !inWord) count++;
            inWord = letter;
        }
        return count;
    }
}
