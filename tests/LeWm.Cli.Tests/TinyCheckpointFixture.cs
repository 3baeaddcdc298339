using LeWm.Audio.Wav;

namespace LeWm.Cli.Tests;

/// <summary>A random tiny checkpoint (<c>lewm init --preset tiny</c>) and a short speech-like WAV, shared by a test class.</summary>
public sealed class TinyCheckpointFixture : IAsyncLifetime
{
    private readonly string _root = CliRun.TempPath(string.Empty);

    /// <summary>Gets the checkpoint folder.</summary>
    public string Model => Path.Combine(_root, "tiny");

    /// <summary>Gets a 0.8 s, 24 kHz, 16-bit WAV of a gliding harmonic tone.</summary>
    public string Wav => Path.Combine(_root, "speech.wav");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        CliRun run = await CliRun.RunAsync("init", "--preset", "tiny", "-o", Model, "--seed", "7");
        Assert.True(run.ExitCode == 0, run.Error);
        const int rate = 24_000;
        var samples = new float[(int)(0.8 * rate)];
        double phase = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            phase += 2 * Math.PI * (140 + (30 * Math.Sin(2 * Math.PI * i / rate))) / rate;
            samples[i] = (float)((0.3 * Math.Sin(phase)) + (0.1 * Math.Sin(2 * phase)));
        }

        WavWriter.Write(Wav, samples, rate);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }
}
