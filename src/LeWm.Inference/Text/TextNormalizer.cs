using System.Text;

namespace LeWm.Inference;

/// <summary>
/// Prepares text for the byte-level text encoder: Unicode NFC, line breaks and runs of white space collapsed to one
/// space, control characters removed, trimmed. Models record the normaliser they were trained with
/// (<see cref="SpeechModelInfo.TextNormalizer"/>); "none" and <see cref="Version"/> both use this form.
/// </summary>
public static class TextNormalizer
{
    /// <summary>The version string of this normaliser.</summary>
    public const string Version = "lewm-nfc-ws-1";

    /// <summary>Normalises text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalised text (possibly empty).</returns>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string nfc = text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(nfc.Length);
        bool pendingSpace = false;
        foreach (char c in nfc)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (char.IsControl(c))
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Decodes UTF-8 bytes strictly and normalises them.</summary>
    /// <param name="utf8">The bytes.</param>
    /// <returns>The normalised text.</returns>
    /// <exception cref="ArgumentException">The bytes are not valid UTF-8; the message gives the offset.</exception>
    public static string Normalize(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return Normalize(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8));
        }
        catch (DecoderFallbackException e)
        {
            throw new ArgumentException($"The text is not valid UTF-8 (bad byte at offset {e.Index}).", nameof(utf8), e);
        }
    }
}
