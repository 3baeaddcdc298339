using System.Buffers;
using System.Text;

namespace LeWm.Inference;

/// <summary>
/// Prepares text for the byte-level text encoder, so that what users type (punctuation, dates, counts) reaches the
/// model in the form it was trained on: Unicode NFC, white space collapsed, typographic punctuation mapped to ASCII and
/// numbers spelled out as Hindi words. Corpus preprocessing and the engine run this same normaliser, and checkpoints
/// record its <see cref="Version"/>.
/// </summary>
/// <remarks>
/// <para>The rules, in order:</para>
/// <list type="number">
/// <item><description><b>Unicode NFC.</b> Composed form, so one spelling of a letter gives one byte sequence
/// (nukta letters such as ज़ stay as letter + U+093C, which is their NFC form).</description></item>
/// <item><description><b>White space and invisibles.</b> Runs of white space (line breaks, tabs, no-break and
/// ideographic spaces included) become one space; the text is trimmed. Control characters, the soft hyphen (U+00AD),
/// the zero-width space (U+200B), the word joiner (U+2060) and the byte-order mark (U+FEFF) are removed. The
/// zero-width joiner and non-joiner (U+200D, U+200C) are kept: they change how Devanagari conjuncts are written.</description></item>
/// <item><description><b>Punctuation.</b> Curly and low single quotes and the prime (‘ ’ ‚ ‛ ′) become <c>'</c>;
/// curly and low double quotes, the double prime and guillemets (“ ” „ ‟ ″ « ») become <c>"</c>; the hyphen, non-breaking
/// hyphen, figure, en and em dashes, the horizontal bar and the minus sign (U+2010–U+2015, U+2212) become <c>-</c>;
/// the ellipsis … becomes <c>...</c>; fullwidth ASCII forms (U+FF01–U+FF5E, e.g. ， ！ ％ ０) become their ASCII
/// characters. The Devanagari danda । and double danda ॥ are kept as they are.</description></item>
/// <item><description><b>Numbers.</b> ASCII (0–9) and Devanagari (०–९) digits are spelled as Hindi words in
/// Devanagari:
/// integers with Indian grouping (सौ, हज़ार, लाख, करोड़; "12,34,56,789" → "बारह करोड़ चौंतीस लाख छप्पन हज़ार सात सौ
/// नवासी"), accepting Western ("1,000,000") and Indian ("10,00,000") comma separators; a plain run of more than nine
/// digits (a phone or account number) and a run with a leading zero ("007") are read digit by digit; a decimal fraction
/// is read after "दशमलव" digit by digit ("3.14" → "तीन दशमलव एक चार"); a '-' at the start of the text or after a
/// space, bracket or quote makes the number negative ("ऋण"); a following '%' (optionally after one space) is read
/// "प्रतिशत"; a clock time H:MM or H:MM:SS (hour 0–23) is read "दस बजकर तीस मिनट", or "दस बजे" on the hour; a date
/// D/M/YYYY, D-M-YYYY, D.M.YYYY, D/M/YY or ISO YYYY-MM-DD (day 1–31, month 1–12) is read day, month name, year
/// ("27/11/2026" → "सत्ताईस नवंबर दो हज़ार छब्बीस"), years 1100–1999 in hundreds ("उन्नीस सौ अट्ठानवे"). A spelled
/// number is set off by a space from a letter before it and from a non-Devanagari letter after it; a Devanagari suffix
/// joins it ("10वीं" → "दसवीं"). Digits of other scripts are left as they are.</description></item>
/// </list>
/// <para>
/// The result holds no ASCII or Devanagari digits, is in NFC, and normalising it again leaves it unchanged. The rules
/// do not depend on the current culture. All members are thread-safe and keep no state.
/// </para>
/// </remarks>
public static class TextNormalizer
{
    /// <summary>The version string of this normaliser, recorded in checkpoints as <c>text_normalizer_version</c>.</summary>
    /// <remarks>
    /// Earlier versions: "lewm-nfc-ws-1" (NFC and white space only) and "none" (raw text). Models that record them still
    /// load; the engine gives them text normalised by the current rules.
    /// </remarks>
    public const string Version = "lewm-hi-2";

    private const int StackBufferLength = 256;

    /// <summary>Normalises text by the rules described on <see cref="TextNormalizer"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalised text (possibly empty); <paramref name="text"/> itself when it is already normal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string clean = CleanUp(text.Normalize(NormalizationForm.FormC));
        return HindiNumberSpeller.ContainsDigit(clean) ? HindiNumberSpeller.SpellNumbers(clean) : clean;
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

    /// <summary>Collapses white space, removes controls and invisibles and maps punctuation, of NFC text.</summary>
    private static string CleanUp(string nfc)
    {
        int length = nfc.Length + (2 * nfc.AsSpan().Count('\u2026'));
        char[]? rented = null;
        Span<char> buffer = length <= StackBufferLength
            ? stackalloc char[StackBufferLength]
            : (rented = ArrayPool<char>.Shared.Rent(length));
        try
        {
            int written = 0;
            bool pendingSpace = false;
            foreach (char c in nfc)
            {
                if (char.IsWhiteSpace(c))
                {
                    pendingSpace = written > 0;
                    continue;
                }

                if (char.IsControl(c) || c is '\u00AD' or '\u200B' or '\u2060' or '\uFEFF')
                {
                    continue;
                }

                if (pendingSpace)
                {
                    buffer[written++] = ' ';
                    pendingSpace = false;
                }

                if (c == '\u2026')
                {
                    buffer[written++] = '.';
                    buffer[written++] = '.';
                    buffer[written++] = '.';
                }
                else
                {
                    buffer[written++] = MapPunctuation(c);
                }
            }

            ReadOnlySpan<char> result = buffer[..written];
            if (result.SequenceEqual(nfc))
            {
                return nfc;
            }

            // Removing a character can bring a letter and a combining mark together; compose them again.
            return new string(result).Normalize(NormalizationForm.FormC);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static char MapPunctuation(char c) => c switch
    {
        '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' => '\'',
        '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB' => '"',
        >= '\u2010' and <= '\u2015' or '\u2212' => '-',
        >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
        _ => c,
    };
}
