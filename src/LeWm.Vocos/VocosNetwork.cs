using LeWm.Audio.Dsp;
using LeWm.Audio.Mel;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LeWm.Vocos;

/// <summary>
/// The whole Vocos mel vocoder as its checkpoint lays it out: <c>feature_extractor</c> (buffers only: the analysis
/// window and mel filter bank, which LeWm.Audio computes), <c>backbone</c> and <c>head</c>.
/// </summary>
internal sealed class VocosNetwork : nn.Module
{
    [ComponentName(Name = "feature_extractor")]
    private readonly NamedBuffers _featureExtractor;

    [ComponentName(Name = "backbone")]
    private readonly VocosBackbone _backbone;

    [ComponentName(Name = "head")]
    private readonly IstftHead _head;

    public VocosNetwork(VocosConfig config)
        : base(nameof(VocosNetwork))
    {
        Config = config;
        var melOptions = MelOptionsOf(config);
        var spectrogram = new NamedBuffers().WithBuffer("window", torch.tensor(Window.PeriodicHann(config.FftSize)));
        var melScale = new NamedBuffers().WithBuffer(
            "fb", torch.tensor(new MelFilterBank(melOptions).ToDense(), [(config.FftSize / 2) + 1, config.MelBands]));
        _featureExtractor = new NamedBuffers().WithChild(
            "mel_spec", new NamedBuffers().WithChild("spectrogram", spectrogram).WithChild("mel_scale", melScale));
        _backbone = new VocosBackbone(config);
        _head = new IstftHead(config);
        RegisterComponents();
    }

    public VocosConfig Config { get; }

    public VocosBackbone Backbone => _backbone;

    public IstftHead Head => _head;

    /// <summary>The checkpoint's analysis window (<c>feature_extractor.mel_spec.spectrogram.window</c>).</summary>
    public Tensor AnalysisWindow => _featureExtractor.Buffer("mel_spec.spectrogram.window");

    /// <summary>The checkpoint's filter bank (<c>feature_extractor.mel_spec.mel_scale.fb</c>), [bins, bands].</summary>
    public Tensor FilterBank => _featureExtractor.Buffer("mel_spec.mel_scale.fb");

    /// <summary>The LeWm.Audio front end that matches this vocoder's feature extractor.</summary>
    public static MelOptions MelOptionsOf(VocosConfig config) => new()
    {
        SampleRate = config.SampleRate,
        FftSize = config.FftSize,
        WindowLength = config.FftSize,
        HopLength = config.HopLength,
        Bands = config.MelBands,
        Center = config.FeaturePadding == VocosPadding.Center,
    };
}
