using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace LeWm.Vocos;

/// <summary>Which end of each frame the inverse STFT trims (Vocos' <c>padding</c> setting).</summary>
public enum VocosPadding
{
    /// <summary><c>center</c>: <c>torch.istft(center=True)</c>; <c>hop × (frames − 1)</c> samples.</summary>
    Center,

    /// <summary><c>same</c>: overlap-add trimmed by <c>(window − hop) / 2</c>; <c>hop × frames</c> samples.</summary>
    Same,
}

/// <summary>
/// The architecture of a Vocos mel vocoder, as its published <c>config.yaml</c> declares it
/// (<c>feature_extractor</c> / <c>backbone</c> / <c>head</c>, each with <c>class_path</c> and <c>init_args</c>).
/// </summary>
public sealed record VocosConfig
{
    private const string MelFeaturesClass = "vocos.feature_extractors.MelSpectrogramFeatures";
    private const string BackboneClass = "vocos.models.VocosBackbone";
    private const string HeadClass = "vocos.heads.ISTFTHead";

    /// <summary>The sample rate of the audio, Hz (24 000 for mel-24khz).</summary>
    public int SampleRate { get; init; } = 24_000;

    /// <summary>The number of mel bands (backbone input channels).</summary>
    public int MelBands { get; init; } = 100;

    /// <summary>The FFT size of the feature extractor and of the head.</summary>
    public int FftSize { get; init; } = 1024;

    /// <summary>The hop between frames in samples.</summary>
    public int HopLength { get; init; } = 256;

    /// <summary>The feature extractor's framing.</summary>
    public VocosPadding FeaturePadding { get; init; } = VocosPadding.Center;

    /// <summary>The backbone's width.</summary>
    public int Dimension { get; init; } = 512;

    /// <summary>The ConvNeXt blocks' hidden width.</summary>
    public int IntermediateDimension { get; init; } = 1536;

    /// <summary>The number of ConvNeXt blocks.</summary>
    public int Layers { get; init; } = 8;

    /// <summary>The head's inverse-STFT padding mode.</summary>
    public VocosPadding HeadPadding { get; init; } = VocosPadding.Center;

    /// <summary>The configuration of the published <c>charactr/vocos-mel-24khz</c>.</summary>
    public static VocosConfig Mel24Khz { get; } = new();

    /// <summary>Reads a Vocos <c>config.yaml</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="VocosConfigException">The file is not a Vocos mel-vocoder configuration, or a value is invalid.</exception>
    public static VocosConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Vocos configuration '{path}' does not exist.", path);
        }

        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new VocosConfigException($"'{path}' is not valid YAML: {e.Message}", e);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new VocosConfigException($"'{path}' is empty or not a YAML mapping.");
        }

        var reader2 = new Section(root, path, "");
        Section features = reader2.Child("feature_extractor");
        Section backbone = reader2.Child("backbone");
        Section head = reader2.Child("head");
        features.RequireClass(MelFeaturesClass);
        backbone.RequireClass(BackboneClass);
        head.RequireClass(HeadClass);

        Section featureArgs = features.Child("init_args");
        Section backboneArgs = backbone.Child("init_args");
        Section headArgs = head.Child("init_args");

        if (backboneArgs.OptionalString("adanorm_num_embeddings") is { } adanorm && adanorm is not ("null" or "~" or ""))
        {
            throw new VocosConfigException(
                $"'{path}' declares adanorm_num_embeddings = {adanorm}: conditional (AdaLayerNorm) Vocos models are not supported; use a mel vocoder such as charactr/vocos-mel-24khz.");
        }

        var config = new VocosConfig
        {
            SampleRate = featureArgs.Int("sample_rate"),
            FftSize = featureArgs.Int("n_fft"),
            HopLength = featureArgs.Int("hop_length"),
            MelBands = featureArgs.Int("n_mels"),
            FeaturePadding = featureArgs.Padding("padding", VocosPadding.Center),
            Dimension = backboneArgs.Int("dim"),
            IntermediateDimension = backboneArgs.Int("intermediate_dim"),
            Layers = backboneArgs.Int("num_layers"),
            HeadPadding = headArgs.Padding("padding", VocosPadding.Same),
        };

        int inputChannels = backboneArgs.Int("input_channels");
        int headDim = headArgs.Int("dim");
        int headFft = headArgs.Int("n_fft");
        int headHop = headArgs.Int("hop_length");
        var problems = new List<string>();
        if (inputChannels != config.MelBands)
        {
            problems.Add($"backbone.input_channels ({inputChannels}) differs from feature_extractor.n_mels ({config.MelBands}).");
        }

        if (headDim != config.Dimension)
        {
            problems.Add($"head.dim ({headDim}) differs from backbone.dim ({config.Dimension}).");
        }

        if (headFft != config.FftSize || headHop != config.HopLength)
        {
            problems.Add($"head n_fft/hop_length ({headFft}/{headHop}) differ from the feature extractor's ({config.FftSize}/{config.HopLength}).");
        }

        problems.AddRange(config.Problems());
        if (problems.Count > 0)
        {
            throw new VocosConfigException($"'{path}' is not a usable Vocos configuration: {string.Join(" ", problems)}");
        }

        return config;
    }

    /// <summary>Returns this configuration as a <c>config.yaml</c> in the published Vocos layout.</summary>
    public string ToYaml()
    {
        static string Padding(VocosPadding p) => p == VocosPadding.Center ? "center" : "same";
        return string.Create(CultureInfo.InvariantCulture, $"""
            feature_extractor:
              class_path: {MelFeaturesClass}
              init_args:
                sample_rate: {SampleRate}
                n_fft: {FftSize}
                hop_length: {HopLength}
                n_mels: {MelBands}
                padding: {Padding(FeaturePadding)}
            backbone:
              class_path: {BackboneClass}
              init_args:
                input_channels: {MelBands}
                dim: {Dimension}
                intermediate_dim: {IntermediateDimension}
                num_layers: {Layers}
            head:
              class_path: {HeadClass}
              init_args:
                dim: {Dimension}
                n_fft: {FftSize}
                hop_length: {HopLength}
                padding: {Padding(HeadPadding)}

            """);
    }

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="VocosConfigException">A value is out of range.</exception>
    public void Validate()
    {
        List<string> problems = Problems();
        if (problems.Count > 0)
        {
            throw new VocosConfigException("Invalid Vocos configuration: " + string.Join(" ", problems));
        }
    }

    private List<string> Problems()
    {
        var problems = new List<string>();
        if (SampleRate <= 0)
        {
            problems.Add($"sample_rate must be positive (got {SampleRate}).");
        }

        if (FftSize < 4 || (FftSize & (FftSize - 1)) != 0)
        {
            problems.Add($"n_fft must be a power of two of at least 4 (got {FftSize}).");
        }

        if (HopLength <= 0 || HopLength > FftSize)
        {
            problems.Add($"hop_length must be in [1, n_fft] (got {HopLength}).");
        }

        if (MelBands <= 0 || Dimension <= 0 || IntermediateDimension <= 0 || Layers <= 0)
        {
            problems.Add($"n_mels, dim, intermediate_dim and num_layers must be positive (got {MelBands}, {Dimension}, {IntermediateDimension}, {Layers}).");
        }

        return problems;
    }

    /// <summary>A mapping of the YAML document with the path that led to it, for messages.</summary>
    private readonly struct Section(YamlMappingNode node, string file, string path)
    {
        public Section Child(string key) =>
            Find(key) is YamlMappingNode child
                ? new Section(child, file, Join(key))
                : throw new VocosConfigException($"'{file}' has no '{Join(key)}' section; a Vocos config.yaml has feature_extractor, backbone and head, each with init_args.");

        public void RequireClass(string expected)
        {
            string? actual = OptionalString("class_path");
            if (actual != expected)
            {
                throw new VocosConfigException(
                    $"'{file}' declares {Join("class_path")} = {actual ?? "(none)"}; LeWm.Vocos supports the mel vocoder ({expected}).");
            }
        }

        public int Int(string key)
        {
            string? text = OptionalString(key);
            return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)
                ? value
                : throw new VocosConfigException($"'{file}': {Join(key)} must be an integer (got {text ?? "nothing"}).");
        }

        public VocosPadding Padding(string key, VocosPadding fallback) => OptionalString(key) switch
        {
            null => fallback,
            "center" => VocosPadding.Center,
            "same" => VocosPadding.Same,
            string other => throw new VocosConfigException($"'{file}': {Join(key)} must be 'center' or 'same' (got '{other}')."),
        };

        public string? OptionalString(string key) => (Find(key) as YamlScalarNode)?.Value;

        private YamlNode? Find(string key) => node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

        private string Join(string key) => path.Length == 0 ? key : $"{path}.{key}";
    }
}
