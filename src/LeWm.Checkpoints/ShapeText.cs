using System.Globalization;

namespace LeWm.Checkpoints;

/// <summary>Writes tensor shapes the way error messages show them: <c>[512, 100, 7]</c>, <c>[]</c> for a scalar.</summary>
internal static class ShapeText
{
    /// <summary>Formats <paramref name="shape"/> as <c>[d0, d1, ...]</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
