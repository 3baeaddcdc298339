using System.Text;

namespace LeWm.Cli.Commands;

/// <summary>Reads the text a command speaks from <c>--text</c> or <c>--text-file</c> (strict UTF-8).</summary>
internal static class TextInput
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the text given by exactly one of <paramref name="text"/> and <paramref name="file"/>.</summary>
    /// <exception cref="UsageException">Both or neither are given, or the file is not valid UTF-8.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static string Read(string? text, FileInfo? file)
    {
        if (text is not null && file is not null)
        {
            throw new UsageException("Give the text with --text or --text-file, not both.");
        }

        if (file is null)
        {
            return text ?? throw new UsageException("Give the text to speak with --text TEXT or --text-file PATH.");
        }

        if (!file.Exists)
        {
            throw new FileNotFoundException($"The text file '{file.FullName}' does not exist.", file.FullName);
        }

        byte[] bytes = File.ReadAllBytes(file.FullName);
        ReadOnlySpan<byte> content = bytes;
        if (content.StartsWith(Encoding.UTF8.Preamble))
        {
            content = content[Encoding.UTF8.Preamble.Length..];
        }

        try
        {
            return s_strictUtf8.GetString(content);
        }
        catch (DecoderFallbackException e)
        {
            throw new UsageException($"The text file '{file.FullName}' is not valid UTF-8 (invalid bytes at offset {e.Index}).");
        }
    }
}
