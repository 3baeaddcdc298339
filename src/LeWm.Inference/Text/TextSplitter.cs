using System.Text;

namespace LeWm.Inference;

/// <summary>
/// Splits long text into pieces of at most a given number of UTF-8 bytes for separate autoregressive runs: at
/// sentence ends first (. ! ? । ॥ and their full-width forms), then at clause marks (, ; :), then at spaces, and only
/// as a last resort inside a word (never inside a character).
/// </summary>
public static class TextSplitter
{
    private static readonly char[] s_sentenceEnds = ['.', '!', '?', '।', '॥', '。', '！', '？'];
    private static readonly char[] s_clauseMarks = [',', ';', ':', '،', '、', '，'];

    /// <summary>Splits normalised text.</summary>
    /// <param name="text">The text (normalised: single spaces).</param>
    /// <param name="maxBytes">The most UTF-8 bytes per piece (at least 4).</param>
    /// <returns>Non-empty trimmed pieces, in order, each at most <paramref name="maxBytes"/> bytes.</returns>
    public static IReadOnlyList<string> Split(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 4);
        var pieces = new List<string>();
        foreach (string sentence in Cut(text, s_sentenceEnds))
        {
            if (Encoding.UTF8.GetByteCount(sentence) <= maxBytes)
            {
                Add(pieces, sentence, maxBytes);
                continue;
            }

            foreach (string clause in Cut(sentence, s_clauseMarks))
            {
                if (Encoding.UTF8.GetByteCount(clause) <= maxBytes)
                {
                    Add(pieces, clause, maxBytes);
                    continue;
                }

                foreach (string word in clause.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (string part in HardSplit(word, maxBytes))
                    {
                        Add(pieces, part, maxBytes);
                    }
                }
            }
        }

        return pieces;
    }

    /// <summary>Appends a piece, merging it into the previous one when both fit together (fewer, longer runs).</summary>
    private static void Add(List<string> pieces, string piece, int maxBytes)
    {
        piece = piece.Trim();
        if (piece.Length == 0)
        {
            return;
        }

        if (pieces.Count > 0 && Encoding.UTF8.GetByteCount(pieces[^1]) + 1 + Encoding.UTF8.GetByteCount(piece) <= maxBytes)
        {
            pieces[^1] = pieces[^1] + " " + piece;
            return;
        }

        pieces.Add(piece);
    }

    /// <summary>Cuts after each mark, keeping the mark with the text before it.</summary>
    private static IEnumerable<string> Cut(string text, char[] marks)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (Array.IndexOf(marks, text[i]) >= 0)
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    /// <summary>Splits a word longer than the limit at text-element (grapheme) boundaries.</summary>
    private static IEnumerable<string> HardSplit(string word, int maxBytes)
    {
        var current = new StringBuilder();
        int bytes = 0;
        System.Globalization.TextElementEnumerator elements = System.Globalization.StringInfo.GetTextElementEnumerator(word);
        while (elements.MoveNext())
        {
            string element = elements.GetTextElement();
            int size = Encoding.UTF8.GetByteCount(element);
            if (bytes + size > maxBytes && current.Length > 0)
            {
                yield return current.ToString();
                current.Clear();
                bytes = 0;
            }

            current.Append(element);
            bytes += size;
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }
}
