using LeWm.Audio.Dsp;
using LeWm.Audio.Mel;
using LeWm.Onnx.Export;
using LeWm.Vocos;
using Xunit.Abstractions;

namespace LeWm.Onnx.Tests;

/// <summary>
/// The exported Vocos on ONNX Runtime against the TorchSharp Vocos (random weights, random mels) and against the
/// PyTorch reference fixtures of LeWm.Vocos' tests. Tolerance (issue 8): max |Δ| ≤ 1e-4 of the reference's peak.
/// </summary>
public sealed class OnnxVocoderParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string, VocosConfig> Configurations => new()
    {
        { "full-size mel-24khz", VocosConfig.Mel24Khz },
        { "small same-padding", new VocosConfig { Dimension = 64, IntermediateDimension = 192, Layers = 2, HeadPadding = VocosPadding.Same } },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task VocodeAsync_ExportedRandomVocos_MatchesTorchSharpWithin1e4OfPeak(string label, VocosConfig config)
    {
        string folder = OnnxTestFiles.TempFolder();
        using VocosVocoder torchVocoder = VocosVocoder.CreateRandom(config, seed: 11);
        OnnxVocoderConfig written = VocosOnnxExporter.Export(torchVocoder, folder);
        using OnnxVocoder onnxVocoder = OnnxVocoder.Load(folder);
        Assert.Equal(config.MelBands, written.MelBands);
        LogMel[] mels = [OnnxTestFiles.RandomMel(config.MelBands, 37, seed: 1), OnnxTestFiles.RandomMel(config.MelBands, 37, seed: 2), OnnxTestFiles.RandomMel(config.MelBands, 64, seed: 3)];

        IReadOnlyList<float[]> expected = await torchVocoder.VocodeAsync(mels);
        IReadOnlyList<float[]> actual = await onnxVocoder.VocodeAsync(mels);

        for (int i = 0; i < mels.Length; i++)
        {
            Assert.Equal(onnxVocoder.OutputLength(mels[i].Frames), actual[i].Length);
            double error = OnnxTestFiles.RelativeError(expected[i], actual[i]);
            output.WriteLine($"{label}, mel {i} ({mels[i].Frames} frames): max |Δ| / peak = {error:E2}");
            Assert.True(error <= Tolerance, $"{label}, mel {i}: max |Δ| / peak = {error:E2}");
        }
    }

    [Theory]
    [InlineData("small-center")]
    [InlineData("small-same")]
    [InlineData("small-center-safetensors")]
    public async Task VocodeAsync_ExportedPyTorchFixture_MatchesReferenceAudioWithin1e4OfPeak(string name)
    {
        string folder = OnnxTestFiles.TempFolder();
        VocosOnnxExporter.Export(OnnxTestFiles.Fixture(name), folder);
        using OnnxVocoder vocoder = OnnxVocoder.Load(folder);
        LogMel mel = OnnxTestFiles.FixtureMel(name);
        float[] expected = OnnxTestFiles.FixtureArray(name.Replace("-safetensors", "", StringComparison.Ordinal), "audio.npy");

        float[] actual = (await vocoder.VocodeAsync([mel]))[0];

        double error = OnnxTestFiles.RelativeError(expected, actual);
        output.WriteLine($"{name}: audio max |Δ| / peak = {error:E2}");
        Assert.True(error <= Tolerance, $"{name}: audio max |Δ| / peak = {error:E2}");
    }

    [Theory]
    [InlineData("small-center")]
    [InlineData("small-same")]
    public void Spectra_ExportedPyTorchFixture_MatchesReferenceSpectrumWithin1e4OfPeak(string name)
    {
        string folder = OnnxTestFiles.TempFolder();
        VocosOnnxExporter.Export(OnnxTestFiles.Fixture(name), folder);
        using OnnxVocoder vocoder = OnnxVocoder.Load(folder);
        LogMel mel = OnnxTestFiles.FixtureMel(name);

        ComplexSpectrogram spectrum = vocoder.Spectra([mel], CancellationToken.None)[0];

        double real = OnnxTestFiles.RelativeError(OnnxTestFiles.FixtureArray(name, "spec_re.npy"), spectrum.Real);
        double imaginary = OnnxTestFiles.RelativeError(OnnxTestFiles.FixtureArray(name, "spec_im.npy"), spectrum.Imaginary);
        output.WriteLine($"{name}: spectrum max |Δ| / peak = {real:E2} (real), {imaginary:E2} (imag)");
        Assert.True(real <= Tolerance && imaginary <= Tolerance, $"{name}: spectrum max |Δ| / peak = {real:E2} (real), {imaginary:E2} (imag)");
    }

    [Fact]
    public async Task VocodeAsync_BatchOfDifferentLengths_EqualsOneByOne()
    {
        string folder = OnnxTestFiles.TempFolder();
        VocosOnnxExporter.Export(OnnxTestFiles.Fixture("small-center"), folder);
        using OnnxVocoder vocoder = OnnxVocoder.Load(folder, new OnnxOptions { IntraOpThreads = 1 });
        LogMel a = OnnxTestFiles.RandomMel(vocoder.MelBands, 20, seed: 5);
        LogMel b = OnnxTestFiles.RandomMel(vocoder.MelBands, 33, seed: 6);

        IReadOnlyList<float[]> batch = await vocoder.VocodeAsync([a, b, a]);

        Assert.True(OnnxTestFiles.RelativeError(vocoder.Vocode(a), batch[0]) <= 1e-5);
        Assert.True(OnnxTestFiles.RelativeError(vocoder.Vocode(b), batch[1]) <= 1e-5);
        Assert.Equal(batch[0], batch[2]);
    }
}
