using System.Text;
using LeWm.Model.Config;

namespace LeWm.Training.Data;

/// <summary>Turns text into the model's framed byte ids: <c>[bos, UTF-8 bytes…, eos]</c>.</summary>
public static class TextIdEncoder
{
    /// <summary>Encodes <paramref name="text"/> as framed UTF-8 byte ids.</summary>
    /// <param name="text">The transcript (no normalisation is applied).</param>
    /// <param name="config">The configuration whose <c>bos_id</c> and <c>eos_id</c> frame the bytes.</param>
    /// <returns><c>[bos, bytes…, eos]</c>, two longer than the UTF-8 byte count.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static long[] Encode(string text, LeWmConfig config)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(config);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var ids = new long[bytes.Length + 2];
        ids[0] = config.BosId;
        for (int i = 0; i < bytes.Length; i++)
        {
            ids[i + 1] = bytes[i];
        }

        ids[^1] = config.EosId;
        return ids;
    }
}
