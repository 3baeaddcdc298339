using System.Globalization;
using LeWm.Audio.IO;
using LeWm.Model.Config;
using LeWm.Training.Data;

namespace LeWm.Training.Tests;

/// <summary>Writes small preprocessed corpora (manifest.jsonl + structured .npy mels) into temporary folders.</summary>
internal sealed class SyntheticCorpus : IDisposable
{
    private readonly List<string> _folders = [];

    /// <summary>A config small enough for a CPU step in a few milliseconds.</summary>
    public static LeWmConfig SmallConfig { get; } = LeWmConfig.Tiny with
    {
        DModel = 32,
        Heads = 2,
        FfDim = 64,
        TextLayers = 1,
        AudioLayers = 1,
        PredictorLayers = 1,
        LatentSize = 16,
        DecoderChannels = 32,
        DecoderResBlocks = 1,
        DecoderRefineConvs = 1,
        SpectralFftSizes = [16, 32],
    };

    public string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lewm-training-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    /// <summary>Writes <paramref name="count"/> items of 24–90 frames whose mels follow their text and speaker.</summary>
    public string Write(int count, int speakers = 1, int seed = 7)
    {
        string folder = NewFolder();
        Directory.CreateDirectory(Path.Combine(folder, "mels"));
        var random = new Random(seed);
        var entries = new List<ManifestEntry>();
        for (int i = 0; i < count; i++)
        {
            int frames = random.Next(24, 91);
            int speaker = i % speakers;
            string id = string.Create(CultureInfo.InvariantCulture, $"utt{i:D4}");
            string text = string.Create(CultureInfo.InvariantCulture, $"नमस्ते {i % 7} word {frames / 10}");
            var mel = new float[100 * frames];
            for (int band = 0; band < 100; band++)
            {
                for (int t = 0; t < frames; t++)
                {
                    double envelope = Math.Sin(Math.PI * t / frames);
                    double tone = Math.Sin((0.07 * band * (1 + speaker)) + (0.3 * t * (1 + (i % 3))));
                    mel[(band * frames) + t] = (float)((-4.0 + (band * 0.02)) + (2.0 * envelope * tone) + (0.1 * ((random.NextDouble() * 2) - 1)));
                }
            }

            string melPath = Path.Combine("mels", id + ".npy");
            NpyFile.Write(Path.Combine(folder, melPath), mel, 100, frames);
            entries.Add(new ManifestEntry(id, text, $"voice{speaker}", Path.Combine("wavs", id + ".wav"), melPath, frames, frames * 256 / 24000.0));
        }

        Manifest.Write(Path.Combine(folder, Manifest.FileName), entries);
        return folder;
    }

    public void Dispose()
    {
        foreach (string folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
