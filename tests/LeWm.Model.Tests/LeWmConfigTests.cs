using System.Text.Json;
using LeWm.Model.Config;

namespace LeWm.Model.Tests;

public sealed class LeWmConfigTests
{
    [Fact]
    public void Validate_Presets_DoNotThrow()
    {
        LeWmConfig.Base.Validate();
        LeWmConfig.Tiny.Validate();
    }

    [Fact]
    public void Validate_SeveralBadValues_ReportsEveryField()
    {
        LeWmConfig config = LeWmConfig.Base with { TextLayers = 0, Heads = 3, Dropout = -0.1, Downsample = 3, DecoderKernel = 4 };
        var ex = Assert.Throws<ModelConfigurationException>(config.Validate);
        Assert.Contains("text_layers must be a positive integer, got 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("heads (3) must divide d_model (256)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("dropout must be in [0, 1), got -0.1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("downsample must be a power of two >= 2, got 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("decoder_kernel must be odd, got 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5 problems", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("n_speakers", "n_speakers must be a non-negative integer, got -1")]
    [InlineData("kl_weight", "kl_weight must be >= 0, got -1")]
    [InlineData("spectral_fft_sizes", "spectral_fft_sizes must be a non-empty list of multiples of 4, got [64, 30]")]
    [InlineData("pad_id", "text ids must be 256 bytes + pad/bos/eos")]
    [InlineData("d_model", "d_model must be even for sinusoidal positions, got 255")]
    public void Validate_OneBadValue_NamesField(string field, string expected)
    {
        LeWmConfig config = field switch
        {
            "n_speakers" => LeWmConfig.Tiny with { NSpeakers = -1 },
            "kl_weight" => LeWmConfig.Tiny with { KlWeight = -1 },
            "spectral_fft_sizes" => LeWmConfig.Tiny with { SpectralFftSizes = [64, 30] },
            "pad_id" => LeWmConfig.Tiny with { PadId = 0 },
            _ => LeWmConfig.Tiny with { DModel = 255, Heads = 1 },
        };
        var ex = Assert.Throws<ModelConfigurationException>(config.Validate);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_Base_UsesReferenceFieldNames()
    {
        using JsonDocument document = JsonDocument.Parse(LeWmConfig.Base.ToJson());
        string[] names = [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
        string[] expected =
        [
            "text_vocab", "pad_id", "bos_id", "eos_id", "max_text_bytes", "d_model", "heads", "ff_dim", "dropout",
            "text_layers", "n_speakers", "n_mels", "audio_layers", "downsample", "latent_size", "max_frames",
            "predictor_layers", "decoder_channels", "decoder_res_blocks", "decoder_refine_convs", "decoder_kernel",
            "prediction_weight", "kl_weight", "recon_weight", "spectral_weight", "stop_weight", "stop_pos_weight",
            "spectral_fft_sizes", "prediction_input_noise", "detach_prediction_target", "cap_latents_per_byte", "cap_min_latents",
            "sampling_temperature",
        ];

        // prediction_input_noise and sampling_temperature are ours (training-time input noise, the default synthesis
        // temperature); the reference reads configs without them, and ours read the reference's with them at 0.
        Assert.Equal(expected, names);
    }

    [Fact]
    public void FromJson_RoundTrip_IsEqual()
    {
        LeWmConfig config = LeWmConfig.Tiny with { NSpeakers = 4, SpectralFftSizes = [32, 64], DetachPredictionTarget = true, Dropout = 0.25 };
        LeWmConfig back = LeWmConfig.FromJson(config.ToJson());
        Assert.Equal(config, back);
        Assert.NotEqual(LeWmConfig.Tiny, back);
    }

    [Fact]
    public void Load_ReferenceTinyConfig_EqualsTinyPreset()
    {
        Assert.Equal(LeWmConfig.Tiny, LeWmConfig.Load(ModelFixture.PathOf("tiny/config.json")));
    }

    [Fact]
    public void FromJson_MissingAndUnknownFields_UsesDefaultsAndIgnoresUnknown()
    {
        LeWmConfig config = LeWmConfig.FromJson("""{"d_model": 128, "something_new": 1}""");
        Assert.Equal(LeWmConfig.Base with { DModel = 128 }, config);
    }

    [Fact]
    public void FromJson_InvalidValue_Throws()
    {
        var ex = Assert.Throws<ModelConfigurationException>(() => LeWmConfig.FromJson("""{"heads": 0}"""));
        Assert.Contains("heads must be a positive integer, got 0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-0.5")]
    [InlineData("10.5")]
    public void FromJson_SamplingTemperatureOutOfRange_Throws(string value)
    {
        var ex = Assert.Throws<ModelConfigurationException>(() => LeWmConfig.FromJson($$"""{"sampling_temperature": {{value}}}"""));
        Assert.Contains("sampling_temperature must be in [0, 10]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_Malformed_Throws()
    {
        Assert.Throws<ModelConfigurationException>(() => LeWmConfig.FromJson("""{"heads": "four"}"""));
        Assert.Throws<ModelConfigurationException>(() => LeWmConfig.FromJson("null"));
    }

    [Fact]
    public void LengthCap_Base_MatchesReferenceFormula()
    {
        Assert.Equal(25 + 30, LeWmConfig.Base.LengthCap(10));
        Assert.Equal(1024, LeWmConfig.Base.LengthCap(1000));
    }
}
