using System.Buffers.Binary;
using System.Text;
using LeWm.Audio.Wav;

namespace LeWm.Training.Tests.Preprocessing;

/// <summary>Temporary corpus folders with synthetic "speech": tone bursts separated by silence.</summary>
internal sealed class CorpusFolder : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (string folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public string NewFolder(string name = "corpus")
    {
        string parent = Path.Combine(Path.GetTempPath(), "lewm-preprocessing-tests", Guid.NewGuid().ToString("N"));
        _folders.Add(parent);
        string folder = Path.Combine(parent, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Voiced-sounding bursts of the given lengths in seconds, separated by <paramref name="pause"/> s of silence.</summary>
    public static float[] Bursts(int sampleRate, double pause, params double[] seconds)
    {
        var samples = new List<float>();
        var random = new Random(11);
        for (int b = 0; b < seconds.Length; b++)
        {
            if (b > 0)
            {
                samples.AddRange(new float[(int)(pause * sampleRate)]);
            }

            int n = (int)(seconds[b] * sampleRate);
            for (int i = 0; i < n; i++)
            {
                double t = (double)i / sampleRate;
                double envelope = 0.6 + (0.4 * Math.Sin(2 * Math.PI * 3 * t)); // syllable-like, never silent
                double voice = Math.Sin(2 * Math.PI * 140 * t) + (0.5 * Math.Sin(2 * Math.PI * 280 * t)) + (0.1 * ((random.NextDouble() * 2) - 1));
                samples.Add((float)(0.25 * envelope * voice));
            }
        }

        return [.. samples];
    }

    public static void WriteWav(string path, float[] samples, int sampleRate = 24_000)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavWriter.Write(path, samples, sampleRate);
    }

    /// <summary>A 16-bit PCM stereo WAV: the left channel is <paramref name="left"/>, the right <paramref name="right"/>.</summary>
    public static void WriteStereoWav(string path, float[] left, float[] right, int sampleRate)
    {
        int frames = left.Length;
        var bytes = new byte[44 + (frames * 4)];
        Span<byte> h = bytes;
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(36 + (frames * 4)));
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(sampleRate * 4));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], 4);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)(frames * 4));
        for (int i = 0; i < frames; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(h[(44 + (4 * i))..], (short)Math.Round(left[i] * 32767));
            BinaryPrimitives.WriteInt16LittleEndian(h[(46 + (4 * i))..], (short)Math.Round(right[i] * 32767));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    public static void WriteText(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));
}
