using System.Text;

namespace LeWm.Checkpoints.Pickle;

/// <summary>
/// Decodes the text arguments of the protocol 0 opcodes <c>STRING</c> (a quoted Python 2 literal with backslash
/// escapes) and <c>UNICODE</c> (raw-unicode-escape), as CPython's <c>codecs.escape_decode</c> and
/// <c>raw_unicode_escape</c> do.
/// </summary>
internal static class PickleTextLiterals
{
    /// <summary>Decodes a quoted <c>STRING</c> argument; bytes become the characters U+0000–U+00FF.</summary>
    /// <returns>The string, or null when the argument is not quoted or has a bad <c>\x</c> escape.</returns>
    public static string? DecodeQuoted(ReadOnlySpan<byte> line)
    {
        if (line.Length < 2 || line[0] != line[^1] || (line[0] != (byte)'\'' && line[0] != (byte)'"'))
        {
            return null;
        }

        ReadOnlySpan<byte> body = line[1..^1];
        var text = new StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            byte b = body[i];
            if (b != (byte)'\\' || i + 1 == body.Length)
            {
                text.Append((char)b);
                continue;
            }

            byte e = body[++i];
            switch (e)
            {
                case (byte)'\\': text.Append('\\'); break;
                case (byte)'\'': text.Append('\''); break;
                case (byte)'"': text.Append('"'); break;
                case (byte)'a': text.Append('\a'); break;
                case (byte)'b': text.Append('\b'); break;
                case (byte)'f': text.Append('\f'); break;
                case (byte)'n': text.Append('\n'); break;
                case (byte)'r': text.Append('\r'); break;
                case (byte)'t': text.Append('\t'); break;
                case (byte)'v': text.Append('\v'); break;
                case (byte)'x':
                    if (i + 2 >= body.Length || !TryHex(body.Slice(i + 1, 2), out int hex))
                    {
                        return null;
                    }

                    text.Append((char)hex);
                    i += 2;
                    break;
                case >= (byte)'0' and <= (byte)'7':
                    int octal = e - '0';
                    for (int digits = 1; digits < 3 && i + 1 < body.Length && body[i + 1] is >= (byte)'0' and <= (byte)'7'; digits++)
                    {
                        octal = (octal * 8) + (body[++i] - '0');
                    }

                    text.Append((char)(octal & 0xFF));
                    break;
                default:
                    // Unknown escapes stay as written, backslash included.
                    text.Append('\\').Append((char)e);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Decodes a raw-unicode-escape <c>UNICODE</c> argument.</summary>
    /// <returns>The string, or null when a <c>\u</c> or <c>\U</c> escape is malformed.</returns>
    public static string? DecodeRawUnicodeEscape(ReadOnlySpan<byte> line)
    {
        var text = new StringBuilder(line.Length);
        int i = 0;
        while (i < line.Length)
        {
            if (line[i] != (byte)'\\')
            {
                text.Append((char)line[i++]);
                continue;
            }

            // A run of backslashes: only an odd-length run followed by u or U starts an escape.
            int run = 0;
            while (i < line.Length && line[i] == (byte)'\\')
            {
                run++;
                i++;
            }

            bool escape = run % 2 == 1 && i < line.Length && (line[i] == (byte)'u' || line[i] == (byte)'U');
            text.Append('\\', escape ? run - 1 : run);
            if (!escape)
            {
                continue;
            }

            int digits = line[i] == (byte)'u' ? 4 : 8;
            if (i + 1 + digits > line.Length || !TryHex(line.Slice(i + 1, digits), out int codePoint) || codePoint is < 0 or > 0x10FFFF)
            {
                return null;
            }

            // Python strings may hold lone surrogates; keep them as single UTF-16 units.
            if (codePoint <= 0xFFFF)
            {
                text.Append((char)codePoint);
            }
            else
            {
                text.Append(char.ConvertFromUtf32(codePoint));
            }

            i += 1 + digits;
        }

        return text.ToString();
    }

    private static bool TryHex(ReadOnlySpan<byte> digits, out int value)
    {
        long total = 0;
        foreach (byte digit in digits)
        {
            if (!char.IsAsciiHexDigit((char)digit))
            {
                value = 0;
                return false;
            }

            total = (total * 16) + (digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        value = total <= int.MaxValue ? (int)total : -1;
        return true;
    }
}
