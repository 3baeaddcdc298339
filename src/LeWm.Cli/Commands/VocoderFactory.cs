using LeWm.Inference;
using LeWm.Vocos;

namespace LeWm.Cli.Commands;

/// <summary>Turns a <c>--vocoder</c> argument (a Vocos folder or <c>griffin-lim</c>) into a vocoder.</summary>
internal static class VocoderFactory
{
    public const string GriffinLim = "griffin-lim";

    public static IVocoder Create(string argument)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument);
        return string.Equals(argument, GriffinLim, StringComparison.OrdinalIgnoreCase)
            ? new GriffinLimVocoder()
            : VocosVocoder.Load(argument);
    }
}
