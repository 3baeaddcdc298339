using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LeWm.Training.Preprocessing;

/// <summary>
/// Shares a recording's transcript among the segments it was cut into, or says why that cannot be done safely.
/// </summary>
/// <remarks>
/// <para>
/// The transcript is split after sentence punctuation (<c>. ! ?</c>, the Devanagari danda <c>।</c> and double danda
/// <c>॥</c>) that ends a word. When that gives fewer pieces than segments, it is split at clause punctuation
/// (<c>, ; :</c>) as well; when there are still fewer pieces than segments, it cannot be shared (a segment would get
/// no words) and the recording is skipped.
/// </para>
/// <para>
/// With as many pieces as segments, piece <c>k</c> goes to segment <c>k</c>. With more pieces, consecutive pieces are
/// grouped so that each group's share of the transcript's letters is as close as possible to its segment's share of
/// the audio (least squares over the segments, solved exactly by dynamic programming). Either way the pairing is
/// checked: every segment's speaking rate (letters per second) must be within a factor of
/// <see cref="MaxRateRatio"/> of the recording's, or the recording is skipped. Audio is never paired with text that
/// does not plausibly match it.
/// </para>
/// </remarks>
internal static class TranscriptSplitter
{
    /// <summary>How far a segment's letters per second may be from the whole recording's (either way) before the split is refused.</summary>
    public const double MaxRateRatio = 1.6;

    private static readonly SearchValues<char> s_sentenceEnds = SearchValues.Create(".!?।॥");
    private static readonly SearchValues<char> s_clauseEnds = SearchValues.Create(".!?।॥,;:");
    private static readonly SearchValues<char> s_closers = SearchValues.Create("\"'”’)]»");

    /// <summary>Splits <paramref name="text"/> into one piece per segment of <paramref name="durations"/>.</summary>
    /// <param name="text">The whole recording's transcript, whitespace collapsed.</param>
    /// <param name="durations">The segments' durations, in order; at least one.</param>
    /// <param name="pieces">The transcript of each segment, when the split succeeds.</param>
    /// <param name="problem">Why the transcript cannot be shared among the segments, when it fails.</param>
    /// <returns>Whether the split succeeded.</returns>
    public static bool TrySplit(
        string text,
        IReadOnlyList<TimeSpan> durations,
        [NotNullWhen(true)] out IReadOnlyList<string>? pieces,
        [NotNullWhen(false)] out string? problem)
    {
        int segments = durations.Count;
        if (segments == 1)
        {
            pieces = [text];
            problem = null;
            return true;
        }

        List<string> units = SplitAfter(text, s_sentenceEnds);
        if (units.Count < segments)
        {
            units = SplitAfter(text, s_clauseEnds);
        }

        if (units.Count < segments)
        {
            pieces = null;
            problem = $"its transcript has only {units.Count} sentence(s) and clause(s) to share among {segments} segments";
            return false;
        }

        int[] weights = [.. units.Select(Letters)];
        double[] seconds = [.. durations.Select(d => d.TotalSeconds)];
        int[] groupEnds = Partition(weights, seconds);

        double totalLetters = weights.Sum();
        double totalSeconds = seconds.Sum();
        var result = new string[segments];
        int first = 0;
        for (int k = 0; k < segments; k++)
        {
            int end = groupEnds[k];
            double letters = 0;
            for (int u = first; u < end; u++)
            {
                letters += weights[u];
            }

            double ratio = letters / totalLetters / (seconds[k] / totalSeconds);
            if (!(ratio <= MaxRateRatio && ratio >= 1 / MaxRateRatio))
            {
                pieces = null;
                problem = string.Create(
                    CultureInfo.InvariantCulture,
                    $"its transcript cannot be matched to the {segments} segments it was cut into: segment {k + 1} ({seconds[k]:0.##} s) would get {letters} of {totalLetters} letters, {ratio:0.##}× the recording's speaking rate (allowed: {1 / MaxRateRatio:0.##}–{MaxRateRatio:0.##}×)");
                return false;
            }

            result[k] = string.Join(' ', units.Skip(first).Take(end - first));
            first = end;
        }

        pieces = result;
        problem = null;
        return true;
    }

    /// <summary>Splits after each run of <paramref name="ends"/> (and closing quotes) that is followed by whitespace or the end.</summary>
    internal static List<string> SplitAfter(string text, SearchValues<char> ends)
    {
        var units = new List<string>();
        int start = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (!ends.Contains(text[i]))
            {
                i++;
                continue;
            }

            int j = i + 1;
            while (j < text.Length && (ends.Contains(text[j]) || s_closers.Contains(text[j])))
            {
                j++;
            }

            if (j == text.Length || char.IsWhiteSpace(text[j]))
            {
                Add(units, text[start..j]);
                start = j;
            }

            i = j;
        }

        Add(units, text[start..]);
        return units;
    }

    private static void Add(List<string> units, string piece)
    {
        piece = piece.Trim();
        if (piece.Length == 0)
        {
            return;
        }

        if (Letters(piece) == 0 && units.Count > 0)
        {
            units[^1] += " " + piece; // punctuation on its own belongs to the piece before
        }
        else
        {
            units.Add(piece);
        }
    }

    /// <summary>Counts the letters, digits and combining marks (Devanagari vowel signs) of <paramref name="text"/>.</summary>
    internal static int Letters(string text)
    {
        int count = 0;
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c)
                || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Groups <paramref name="weights"/> into <paramref name="seconds"/>.Length consecutive non-empty groups whose
    /// shares of the total weight are closest (least squares) to the segments' shares of the total time.
    /// </summary>
    /// <returns>The exclusive end index of each group.</returns>
    private static int[] Partition(int[] weights, double[] seconds)
    {
        int n = weights.Length;
        int m = seconds.Length;
        var prefix = new double[n + 1];
        for (int i = 0; i < n; i++)
        {
            prefix[i + 1] = prefix[i] + weights[i];
        }

        double total = prefix[n];
        double totalSeconds = seconds.Sum();

        // cost[k, j]: the least cost of putting units [0, j) into segments [0, k]; from[k, j] the start of group k.
        var cost = new double[m, n + 1];
        var from = new int[m, n + 1];
        for (int k = 0; k < m; k++)
        {
            double target = seconds[k] / totalSeconds;
            for (int j = 0; j <= n; j++)
            {
                cost[k, j] = double.PositiveInfinity;
            }

            // Group k ends at j: at least k units before it, at least m − k − 1 after.
            for (int j = k + 1; j <= n - (m - k - 1); j++)
            {
                for (int i = k; i < j; i++)
                {
                    double before = k == 0 ? (i == 0 ? 0 : double.PositiveInfinity) : cost[k - 1, i];
                    if (double.IsPositiveInfinity(before))
                    {
                        continue;
                    }

                    double share = (prefix[j] - prefix[i]) / total;
                    double c = before + ((share - target) * (share - target));
                    if (c < cost[k, j])
                    {
                        cost[k, j] = c;
                        from[k, j] = i;
                    }
                }
            }
        }

        var ends = new int[m];
        int end = n;
        for (int k = m - 1; k >= 0; k--)
        {
            ends[k] = end;
            end = from[k, end];
        }

        return ends;
    }
}
