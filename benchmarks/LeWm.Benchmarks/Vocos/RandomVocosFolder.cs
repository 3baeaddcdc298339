using LeWm.Vocos;

namespace LeWm.Benchmarks.Vocos;

/// <summary>Writes a Vocos folder with the published mel-24khz shapes and random weights.</summary>
internal static class RandomVocosFolder
{
    public static void Write(string folder)
    {
        using VocosVocoder vocoder = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 7);
        vocoder.Save(folder);
    }
}
