using LeWm.Audio.Mel;

namespace LeWm.Vocos.Tests;

/// <summary>
/// Parity with the PyTorch reference (python/fixtures/make_vocos_fixtures.py, Debian torch 1.13, float32 eager):
/// same folder layout as charactr/vocos-mel-24khz, small random model (dim 64, 2 blocks). Tolerance (issue 3):
/// max |Δ| ≤ 1e-4 of the reference waveform's peak.
/// </summary>
public sealed class VocosVocoderParityTests
{
    [Theory]
    [InlineData("small-center")]
    [InlineData("small-same")]
    [InlineData("small-center-safetensors")]
    public async Task VocodeAsync_PublishedLayoutFixture_MatchesPyTorchWithin1e4OfPeak(string name)
    {
        using VocosVocoder vocoder = VocosVocoder.Load(VocosFixture.Folder(name));
        LogMel mel = VocosFixture.Mel(name);
        float[] expected = VocosFixture.Audio(name.Replace("-safetensors", "", StringComparison.Ordinal));

        float[] actual = (await vocoder.VocodeAsync([mel]))[0];

        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(vocoder.OutputLength(mel.Frames), actual.Length);
        float peak = expected.Max(MathF.Abs);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        }

        Assert.True(worst <= 1e-4f * peak, $"{name}: max |Δ| = {worst} with peak {peak} ({worst / peak:E2} of peak)");
    }

    [Fact]
    public async Task VocodeAsync_BatchOfDifferentLengths_EqualsOneByOne()
    {
        using VocosVocoder vocoder = VocosVocoder.Load(VocosFixture.Folder("small-center"));
        LogMel mel = VocosFixture.Mel("small-center");
        LogMel shorter = Cut(mel, mel.Frames - 7);

        IReadOnlyList<float[]> batch = await vocoder.VocodeAsync([mel, shorter, mel]);

        // Equal-length items run as one batch; the matrix products may then sum in another order (float rounding only: about 2e-6 of peak, the float32 noise floor).
        AssertClose((await vocoder.VocodeAsync([mel]))[0], batch[0]);
        AssertClose((await vocoder.VocodeAsync([shorter]))[0], batch[1]);
        Assert.Equal(batch[0], batch[2]);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float peak = expected.Max(MathF.Abs);
        float worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5f * peak, $"max |Δ| = {worst} ({worst / peak:E2} of peak)");
    }

    private static LogMel Cut(LogMel mel, int frames)
    {
        var values = new float[mel.Bands * frames];
        for (int m = 0; m < mel.Bands; m++)
        {
            Array.Copy(mel.Values, m * mel.Frames, values, m * frames, frames);
        }

        return new LogMel(values, mel.Bands, frames);
    }
}
